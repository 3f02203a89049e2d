/**
 * The CA hierarchy in the database (issue 20): with DATABASE_URL set everything an instance needs
 * comes from ca_files — no DATA_DIR/ca is read or written — the keys open with CA_KEY_PASSPHRASE
 * only, a delegate renewal writes its certificates in the renewal's own transaction and another
 * instance takes it up, and a database without a hierarchy stops the start with a stable message.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCertificateAuthority, loadCertificateAuthority } from '../../../server/ca/authority.ts'
import { CaHierarchyMissingError } from '../../../server/ca/ca-import.ts'
import type { CaStore } from '../../../server/ca/ca-store.ts'
import { openCaStore } from '../../../server/ca/open-ca-store.ts'
import { OCSP_RENEW_BEFORE_MS } from '../../../server/ca/delegates.ts'
import { hierarchyExists, readManifest, type CaConfig } from '../../../server/ca/hierarchy.ts'
import { initCertificateAuthority } from '../../../server/ca/hierarchy-init.ts'
import { decryptKeyPem } from '../../../server/ca/key-file.ts'
import type { Db } from '../../../server/db/schema.ts'
import { openTestDb } from './helpers.ts'

const PASS = 'cluster-passphrase-0123'
const DAY = 24 * 3600_000

describe('CA store in the database (PostgreSQL)', () => {
  let dir: string
  let db: Db
  let databaseUrl: string
  let drop: () => Promise<void>
  /** A configuration of one instance: a DATA_DIR of its own (empty), the shared database. */
  const instance = (name: string, extra: Partial<CaConfig> = {}): CaConfig => ({
    dataDir: join(dir, name), publicUrl: 'http://qoltanba.test', caKeyPassphrase: PASS, pkcs11: undefined, databaseUrl, caKeyAlgorithm: 'P-256', ...extra,
  })
  let store: CaStore

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-ca-db-'))
    const t = await openTestDb('postgres', dir)
    db = t.db
    databaseUrl = t.databaseUrl as string
    drop = t.drop
    store = openCaStore(instance('admin'), db)
  })
  afterAll(async () => {
    await drop?.()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads, lists and writes rows; a write inside a rolled-back transaction leaves nothing', async () => {
    expect(store.kind).toBe('database')
    await store.write([{ name: 'probe.pem', data: 'one' }])
    await store.write([{ name: 'probe.pem', data: 'two' }])
    expect((await store.read('probe.pem'))?.toString()).toBe('two')
    await expect(
      db.transaction().execute(async (trx) => {
        await store.write([{ name: 'rolled.pem', data: 'x' }], trx)
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(await store.read('rolled.pem')).toBeUndefined()
    expect(await store.create([{ name: 'probe.pem', data: 'three' }, { name: 'fresh.pem', data: 'y' }])).toBe(false)
    expect(await store.read('fresh.pem')).toBeUndefined() // all or nothing
    expect((await store.read('probe.pem'))?.toString()).toBe('two')
    expect(await store.list()).toEqual(['probe.pem'])
    await sql`delete from ca_files`.execute(db)
  })

  it('stops a start on an empty database with CA_HIERARCHY_MISSING, naming both ways out', async () => {
    const error = await ensureCertificateAuthority(instance('A'), db, { log: () => {}, warmCrl: false }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CaHierarchyMissingError)
    expect((error as CaHierarchyMissingError).code).toBe('CA_HIERARCHY_MISSING')
    expect((error as Error).message).toMatch(/^CA_HIERARCHY_MISSING: no CA hierarchy in the database\..*qoltanba ca import-files.*qoltanba ca init/)
    expect(existsSync(join(dir, 'A'))).toBe(false) // nothing made in DATA_DIR either
  })

  it('creates a hierarchy straight in the database: no DATA_DIR, no passphrase file, keys under CA_KEY_PASSPHRASE', async () => {
    await expect(initCertificateAuthority(instance('admin', { caKeyPassphrase: undefined }), store, { development: true, keyIterations: 1000, log: () => {} }))
      .rejects.toThrow(/CA_KEY_PASSPHRASE/)
    expect(await hierarchyExists(store)).toBe(false)
    await initCertificateAuthority(instance('admin'), store, { development: true, keyIterations: 1000, log: () => {} })
    expect(await store.list()).toEqual(['issuing.key', 'issuing.pem', 'manifest.json', 'ocsp.key', 'ocsp.pem', 'root.key', 'root.pem'])
    expect((await readManifest(store)).keyStore).toBe('file')
    const key = (await store.read('issuing.key'))!.toString()
    expect(() => decryptKeyPem(key, PASS)).not.toThrow()
    expect(existsSync(join(dir, 'admin'))).toBe(false)
    await expect(initCertificateAuthority(instance('admin'), store, { keyIterations: 1000, log: () => {} })).rejects.toThrow(/already exists in the database/)
  })

  it('loads on instances with different or no DATA_DIRs; a renewal on one is written in its transaction and taken up by the other', async () => {
    await expect(loadCertificateAuthority(instance('A', { caKeyPassphrase: 'a-wrong-passphrase' }), db, { warmCrl: false })).rejects.toThrow(/cannot decrypt/)
    const a = await ensureCertificateAuthority(instance('A'), db, { log: () => {}, warmCrl: false })
    const b = await loadCertificateAuthority(instance('B', { dataDir: '/nonexistent-qoltanba-B' }), db, { warmCrl: false, holdsJobLock: async () => false })
    try {
      expect(b.hierarchy.issuing.der).toEqual(a.hierarchy.issuing.der)
      expect(b.rootCrl().der).toEqual(a.rootCrl().der) // the root CRL A signed, read from ca_files
      const before = a.hierarchy.ocsp
      const due = new Date(before.notAfter.getTime() - OCSP_RENEW_BEFORE_MS + DAY)
      expect(await a.renewOcspIfDue(due)).toBe(true)
      const renewed = a.hierarchy.ocsp
      const pem = (await store.read('ocsp.pem'))!.toString()
      expect(pem).toContain(renewed.der.toString('base64').slice(0, 60))
      expect(await store.read(`ocsp-${before.serial.toString('hex')}.pem`)).toBeDefined()
      // B does not hold the lock: it takes A's certificate up at its check.
      expect(await b.checkOcspRenewal(due)).toBe('adopted')
      expect(b.hierarchy.ocsp.der).toEqual(renewed.der)
      // A restart of B reads the renewed certificate from the database.
      const again = await loadCertificateAuthority(instance('C'), db, { warmCrl: false })
      expect(again.hierarchy.ocsp.der).toEqual(renewed.der)
      again.close()
    } finally {
      a.close()
      b.close()
    }
    for (const name of ['A', 'B', 'C']) expect(existsSync(join(dir, name))).toBe(false)
  })

  it('CA_INIT_DEVELOPMENT: a start on an empty database makes a development hierarchy there (tests, local trials)', async () => {
    for (const table of ['ca_files', 'ca_authorities', 'ca_crl_state']) await sql`delete from ${sql.table(table)}`.execute(db)
    const logged: string[] = []
    let created = false
    const ca = await ensureCertificateAuthority({ ...instance('D'), caInitDevelopment: true }, db, {
      keyIterations: 1000, warmCrl: false, log: (l) => logged.push(l), onCreated: async () => void (created = true),
    })
    try {
      expect(created).toBe(true)
      expect(ca.development).toBe(true)
      expect(logged.join('\n')).toContain('CA files: the database (ca_files)')
      expect(logged.join('\n')).not.toContain('Key passphrase (development only)')
      expect(await hierarchyExists(store)).toBe(true)
      expect(existsSync(join(dir, 'D', 'ca'))).toBe(false)
    } finally {
      ca.close()
    }
  })
})
