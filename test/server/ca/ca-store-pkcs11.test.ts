/**
 * The production path of issue 20: CA keys in the PKCS#11 token (SoftHSM2), everything else of the
 * hierarchy in the database. `ca init` with DATABASE_URL needs no passphrase and stores no key;
 * two instances with DATA_DIRs of their own open the hierarchy, and their first timestamp requests
 * at once make exactly one TSA key label in the manifest and one certificate, which both use.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCertificateAuthority } from '../../../server/ca/authority.ts'
import { openCaStore } from '../../../server/ca/open-ca-store.ts'
import { readManifest, type CaConfig } from '../../../server/ca/hierarchy.ts'
import { DEFAULT_TSA_POLICY_OID } from '../../../server/config.ts'
import type { Db } from '../../../server/db/schema.ts'
import { TimestampAuthority } from '../../../server/tsa/timestamp-authority.ts'
import { runCli } from '../helpers/cli.ts'
import { openTestDb } from './helpers.ts'

const MODULE = '/usr/lib/softhsm/libsofthsm2.so'
const LABEL = 'ca-in-database'

describe('PKCS#11 keys, the rest of the hierarchy in the database (SoftHSM2, PostgreSQL)', () => {
  let dir: string
  let db: Db
  let databaseUrl: string
  let drop: () => Promise<void>
  const config = (name: string): CaConfig => ({
    dataDir: join(dir, name), publicUrl: 'http://qoltanba.test', caKeyPassphrase: undefined, caKeyAlgorithm: 'P-256', databaseUrl,
    pkcs11: { module: MODULE, pin: '1234', tokenLabel: LABEL, slot: undefined },
  })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-ca-db-pkcs11-'))
    execFileSync('mkdir', ['-p', join(dir, 'tokens')])
    const conf = join(dir, 'softhsm2.conf')
    writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\nslots.mechanisms = ALL\nlibrary.reset_on_fork = false\n`)
    process.env.SOFTHSM2_CONF = conf
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', LABEL, '--so-pin', '12345678', '--pin', '1234'], { stdio: 'pipe' })
    const t = await openTestDb('postgres', dir)
    db = t.db
    databaseUrl = t.databaseUrl as string
    drop = t.drop
  }, 120_000)
  afterAll(async () => {
    await drop?.()
    rmSync(dir, { recursive: true, force: true })
  })

  it('ca init stores certificates and labels, no key; two instances make one TSA between them', { timeout: 120_000 }, async () => {
    const made = await runCli(['ca', 'init', '--algorithm', 'P-256'], {
      DATA_DIR: join(dir, 'admin'), DATABASE_URL: databaseUrl, PUBLIC_URL: 'http://qoltanba.test', PATH: process.env.PATH,
      PKCS11_MODULE: MODULE, PKCS11_PIN: '1234', PKCS11_TOKEN_LABEL: LABEL, SOFTHSM2_CONF: process.env.SOFTHSM2_CONF,
    })
    expect(made.code, made.err).toBe(0)
    expect(made.out).toContain('CA hierarchy created in the database (ca_files) (P-256, keys in the PKCS#11 token)')
    const store = openCaStore(config('admin'), db)
    const names = await store.list()
    expect(names.filter((n) => n.endsWith('.key'))).toEqual([])
    expect(names).toEqual(expect.arrayContaining(['manifest.json', 'root.pem', 'issuing.pem', 'ocsp.pem', 'tsa.pem']))
    expect(existsSync(join(dir, 'admin', 'ca'))).toBe(false)
    // `ca init` made the TSA in the same ceremony; drop it to see two instances race for a new one.
    const tsaLabelOfInit = (await readManifest(store)).labels?.tsa
    expect(tsaLabelOfInit).toMatch(/^qoltanba-tsa-/)
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('ca_authorities').where('name', '=', 'tsa').execute()
      await sql`delete from ca_files where name = 'tsa.pem'`.execute(trx)
    })

    const one = await ensureCertificateAuthority(config('one'), db, { log: () => {}, warmCrl: false })
    const two = await ensureCertificateAuthority(config('two'), db, { log: () => {}, warmCrl: false })
    const settings = { policyOid: DEFAULT_TSA_POLICY_OID, accuracyMs: 0 }
    const [a, b] = await Promise.all([TimestampAuthority.open(config('one'), db, one, settings), TimestampAuthority.open(config('two'), db, two, settings)])
    try {
      expect(b.certificate.der).toEqual(a.certificate.der)
      const label = (await readManifest(store)).labels?.tsa
      expect(label).not.toBe(tsaLabelOfInit)
      // The manifest names the key of the stored certificate: a restart opens it.
      const three = await ensureCertificateAuthority(config('three'), db, { log: () => {}, warmCrl: false })
      const again = await TimestampAuthority.open(config('three'), db, three, settings)
      expect(again.certificate.der).toEqual(a.certificate.der)
      again.close()
      three.close()
    } finally {
      a.close()
      b.close()
      one.close()
      two.close()
    }
    for (const name of ['one', 'two', 'three']) expect(existsSync(join(dir, name))).toBe(false)
  })
})
