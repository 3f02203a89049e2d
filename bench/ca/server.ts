/**
 * The real server in a child process for the CA benches, on a prepared DATA_DIR: a CA made
 * in-process (low PBKDF2 count, to start quickly) and an operator's PKCS#12, with which the
 * bench signs in by certificate once the server runs (the operator API takes sessions only).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileCaStore } from '../../server/ca/ca-store-files.ts'
import { caDir } from '../../server/ca/hierarchy.ts'
import { initCertificateAuthority } from '../../server/ca/hierarchy-init.ts'
import { loadConfig, type ServerConfig } from '../../server/config.ts'
import { openDatabase } from '../../server/db/index.ts'
import type { Db } from '../../server/db/schema.ts'
import { loadCertificateAuthority } from '../../server/ca/authority.ts'
import { createOperatorCredential } from '../../server/operators/credential.ts'
import { signInWithPkcs12 } from '../../server/cli/sign-in-client.ts'

export const OPERATOR_IIN = '850315300019'

export interface BenchServer {
  readonly dir: string
  readonly url: string
  readonly config: ServerConfig
  readonly env: NodeJS.ProcessEnv
  /** Signs the operator in (once; the session survives restarts) and returns its Cookie header. */
  operatorCookie(): Promise<string>
  start(): Promise<void>
  stop(): Promise<void>
  /** Opens the database (only while the server is stopped: PGlite is single-process). */
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>
  remove(): void
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

export async function prepareServer(): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'qoltanba-cabench-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url,
    DIST_DIR: join(dir, 'no-dist'), LOG_LEVEL: 'warn', CA_KEY_PASSPHRASE: 'bench-passphrase-0123',
    RATE_LIMIT_SUBMIT: '100000000', RATE_LIMIT_STATUS: '100000000', RATE_LIMIT_LOOKUP: '100000000',
  }
  const config = loadConfig(env)
  await initCertificateAuthority(config, fileCaStore(caDir(config)), { keyIterations: 1000, log: () => {} })
  const withDb = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
    const db = await openDatabase(config)
    try {
      return await fn(db)
    } finally {
      await db.destroy()
    }
  }
  const p12 = join(dir, 'bench-operator.p12')
  const password = 'bench-operator-password'
  await withDb(async (db) => {
    const ca = await loadCertificateAuthority(config, db, { warmCrl: false })
    try {
      await createOperatorCredential(db, ca, undefined, { iin: OPERATOR_IIN, role: 'operator', surname: 'БЕНЧ', name: 'ОПЕРАТОР', out: p12, password, actor: 'bench' })
    } finally {
      ca.close()
    }
  })
  let cookie: Promise<string> | undefined
  let child: ChildProcess | undefined
  let output = ''
  return {
    dir, url, config, env, withDb,
    operatorCookie() {
      cookie ??= signInWithPkcs12({ baseUrl: url, fetch, p12: new Uint8Array(readFileSync(p12)), password }).then((s) => s.cookie)
      return cookie
    },
    async start() {
      output = ''
      child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
      for (;;) {
        if (child.exitCode !== null) throw new Error(`server exited:\n${output}`)
        try {
          if ((await fetch(`${url}/api/v1/health`)).ok) return
        } catch {
          // starting
        }
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    async stop() {
      const c = child
      if (!c || c.exitCode !== null) return
      const exited = new Promise((r) => c.once('exit', r))
      c.kill('SIGTERM')
      await exited
    },
    remove() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
