/**
 * `qoltanba ca import-files` (issue 20): a DATA_DIR/ca hierarchy moves into the database —
 * certificates, manifest, root CRL, key files (re-encrypted from a development passphrase file
 * to CA_KEY_PASSPHRASE), never the passphrase file — idempotently, refusing another hierarchy;
 * an instance on DATABASE_URL whose DATA_DIR still holds one imports it at its first start.
 * On PostgreSQL, through the CLI as an administrator runs it.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCertificateAuthority } from '../../../server/ca/authority.ts'
import { importCaFiles } from '../../../server/ca/ca-import.ts'
import { databaseCaStore } from '../../../server/ca/ca-store-db.ts'
import { fileCaStore } from '../../../server/ca/ca-store-files.ts'
import type { CaConfig } from '../../../server/ca/hierarchy.ts'
import { initCertificateAuthority } from '../../../server/ca/hierarchy-init.ts'
import { decryptKeyPem } from '../../../server/ca/key-file.ts'
import type { Db } from '../../../server/db/schema.ts'
import { runCli } from '../helpers/cli.ts'
import { openTestDb } from './helpers.ts'

const PASS = 'import-passphrase-0123'

describe('ca import-files (PostgreSQL)', () => {
  let dir: string
  let db: Db
  let databaseUrl: string
  let drop: () => Promise<void>
  const config = (dataDir: string, extra: Partial<CaConfig> = {}): CaConfig => ({
    dataDir, publicUrl: 'http://qoltanba.test', caKeyPassphrase: PASS, pkcs11: undefined, databaseUrl, caKeyAlgorithm: 'P-256', ...extra,
  })
  const env = (dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    DATA_DIR: dataDir, DATABASE_URL: databaseUrl, CA_KEY_PASSPHRASE: PASS, PUBLIC_URL: 'http://qoltanba.test', PATH: process.env.PATH, ...extra,
  })
  /** A development hierarchy in `<dir>/<name>/ca`, its keys under its own passphrase file (as `npm start` makes it). */
  const fileHierarchy = async (name: string) => {
    const dataDir = join(dir, name)
    await initCertificateAuthority(config(dataDir, { caKeyPassphrase: undefined }), fileCaStore(join(dataDir, 'ca')), { development: true, keyIterations: 1000, log: () => {} })
    return dataDir
  }
  const rows = async () => (await sql<{ name: string }>`select name from ca_files order by name`.execute(db)).rows.map((r) => r.name)

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-ca-import-'))
    const t = await openTestDb('postgres', dir)
    db = t.db
    databaseUrl = t.databaseUrl as string
    drop = t.drop
  })
  afterAll(async () => {
    await drop?.()
    rmSync(dir, { recursive: true, force: true })
  })

  it('needs DATABASE_URL and CA_KEY_PASSPHRASE; imports once, re-encrypting the keys; never the passphrase file', { timeout: 120_000 }, async () => {
    const old = await fileHierarchy('old')
    const noDb = await runCli(['ca', 'import-files'], { DATA_DIR: old, PATH: process.env.PATH })
    expect(noDb.code).toBe(2)
    expect(noDb.err).toContain('DATABASE_URL')
    const noPass = await runCli(['ca', 'import-files'], env(old, { CA_KEY_PASSPHRASE: '' }))
    expect(noPass.code).toBe(1)
    expect(noPass.err).toMatch(/Nothing imported: set CA_KEY_PASSPHRASE/)
    expect(await rows()).toEqual([])

    const r = await runCli(['ca', 'import-files'], env(old))
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain(`Imported the CA hierarchy of ${join(old, 'ca')}`)
    expect(r.out).toContain('Re-encrypted with CA_KEY_PASSPHRASE')
    // The command loads what it imported (as a server would), which signs the first root CRL.
    expect(await rows()).toEqual(['issuing.key', 'issuing.pem', 'manifest.json', 'ocsp.key', 'ocsp.pem', 'root.crl', 'root.key', 'root.pem'])
    const stored = databaseCaStore(db)
    for (const role of ['root', 'issuing', 'ocsp']) {
      const key = (await stored.read(`${role}.key`))!.toString()
      expect(() => decryptKeyPem(key, PASS)).not.toThrow()
    }
    for (const name of ['manifest.json', 'root.pem', 'issuing.pem', 'ocsp.pem']) {
      expect(await stored.read(name)).toEqual(await fileCaStore(join(old, 'ca')).read(name))
    }

    const again = await runCli(['ca', 'import-files'], env(old))
    expect(again.code, again.err).toBe(0)
    expect(again.out).toContain('already holds the CA hierarchy')
  })

  it('ca init with DATABASE_URL wants CA_KEY_PASSPHRASE even for --development, and never overwrites the database\'s hierarchy', { timeout: 120_000 }, async () => {
    const before = await databaseCaStore(db).read('issuing.pem')
    const noPass = await runCli(['ca', 'init', '--development'], env(join(dir, 'init'), { CA_KEY_PASSPHRASE: '' }))
    expect(noPass.code).toBe(2)
    expect(noPass.err).toContain('with DATABASE_URL the keys go to the database encrypted with CA_KEY_PASSPHRASE')
    const again = await runCli(['ca', 'init', '--development', '--algorithm', 'P-256'], env(join(dir, 'init')))
    expect(again.code).toBe(1)
    expect(again.err).toContain('A CA hierarchy already exists in the database (ca_files)')
    expect(await databaseCaStore(db).read('issuing.pem')).toEqual(before)
    expect(existsSync(join(dir, 'init'))).toBe(false)
  })

  it('refuses another hierarchy and changes nothing', { timeout: 120_000 }, async () => {
    const before = await databaseCaStore(db).read('issuing.pem')
    const other = await fileHierarchy('other')
    const r = await runCli(['ca', 'import-files', '--from', join(other, 'ca')], env(join(dir, 'unused')))
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/Nothing imported: the database belongs to another CA|Nothing imported: the database already holds another CA hierarchy/)
    expect(await databaseCaStore(db).read('issuing.pem')).toEqual(before)
  })

  it('an instance whose DATA_DIR still holds the hierarchy imports it at its first start; others start without', { timeout: 120_000 }, async () => {
    await sql`delete from ca_files`.execute(db)
    await sql`delete from ca_authorities`.execute(db)
    await sql`delete from ca_crl_state`.execute(db)
    const copy = join(dir, 'copy')
    cpSync(join(dir, 'old'), copy, { recursive: true })
    const logged: string[] = []
    const a = await ensureCertificateAuthority(config(copy), db, { keyIterations: 1000, log: (l) => logged.push(l), warmCrl: false })
    const b = await ensureCertificateAuthority(config(join(dir, 'none')), db, { log: () => {}, warmCrl: false })
    try {
      expect(logged.join('\n')).toContain('was imported into the database')
      expect(b.hierarchy.issuing.der).toEqual(a.hierarchy.issuing.der)
      expect(b.hierarchy.store.kind).toBe('database')
      expect(existsSync(join(dir, 'none'))).toBe(false)
      expect(await rows()).toContain('root.crl')
    } finally {
      a.close()
      b.close()
    }
    // The same files once more: idempotent.
    expect((await importCaFiles(config(copy), db)).imported).toBe(false)
  })
})
