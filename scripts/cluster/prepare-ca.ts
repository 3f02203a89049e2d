/**
 * What a local cluster needs before its instances start (npm run cluster, the cluster bench, the
 * scale-out tests), as an administrator would do it once (docs/deploy.md): the secrets every
 * instance shares — the CA key passphrase and the server secret, as files in the cluster's
 * directory (an orchestrator would inject them) — and, on a database without a CA hierarchy, a
 * development one made straight in the database (`qoltanba ca init --development`) with the demo
 * operator's PKCS#12 in that directory. The instances themselves share no DATA_DIR.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadCertificateAuthority } from '../../server/ca/authority.ts'
import { openCaStore } from '../../server/ca/open-ca-store.ts'
import { hierarchyExists } from '../../server/ca/hierarchy.ts'
import { initCertificateAuthority } from '../../server/ca/hierarchy-init.ts'
import { loadConfig } from '../../server/config.ts'
import { openDatabase } from '../../server/db/database.ts'
import { createDemoOperator } from '../../server/operators/credential.ts'

/**
 * The shared secrets of the instances, made in `dir` unless `env` names its own: the CA key
 * passphrase (unless PKCS#11 holds the keys) and the server secret (made by the first instance).
 */
export function clusterSecrets(dir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const out: NodeJS.ProcessEnv = {}
  if (!env.CA_KEY_PASSPHRASE && !env.CA_KEY_PASSPHRASE_FILE && !env.PKCS11_MODULE) {
    const file = join(dir, 'ca-passphrase')
    if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 })
    out.CA_KEY_PASSPHRASE_FILE = file
  }
  if (!env.SERVER_SECRET_FILE) out.SERVER_SECRET_FILE = join(dir, 'server.secret')
  return out
}

export interface PrepareOptions {
  /** PBKDF2 iterations of the key blobs (tests lower it; default 600,000). */
  readonly keyIterations?: number
  readonly log?: (line: string) => void
}

/**
 * Makes a development CA hierarchy in the database of `env` (DATABASE_URL) and the demo operator
 * (demo-operator.p12 and its password file in `dir`), unless the database holds a hierarchy.
 * True when it made one.
 */
export async function prepareClusterCa(env: NodeJS.ProcessEnv, dir: string, options: PrepareOptions = {}): Promise<boolean> {
  const config = loadConfig({ ...env, DATA_DIR: dir })
  if (!config.databaseUrl) throw new Error('a cluster needs DATABASE_URL')
  const log = options.log ?? (() => {})
  const db = await openDatabase(config)
  try {
    const store = openCaStore(config, db)
    if (await hierarchyExists(store)) return false
    await initCertificateAuthority(config, store, { development: true, log, ...(options.keyIterations ? { keyIterations: options.keyIterations } : {}) })
    const ca = await loadCertificateAuthority(config, db, { warmCrl: false })
    try {
      await createDemoOperator(db, ca, dir, log)
    } finally {
      ca.close()
    }
    return true
  } finally {
    await db.destroy()
  }
}
