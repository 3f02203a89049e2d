/**
 * `qoltanba ca revoke-issuing`: the root puts the issuing CA on its CRL, durably. Through the
 * CLI itself, on the two ways it runs:
 * - PostgreSQL, beside a running server (the fixture's app): the server's periodic root CRL
 *   check takes the new CRL up, /crl/root.crl lists the issuing CA and `openssl verify
 *   -crl_check_all` refuses a leaf at depth 1;
 * - PGlite (DATA_DIR/pgdata), with the server stopped: the next start publishes it.
 * Every later signature of the root CRL (near its end, file lost) keeps the entry; a second run
 * changes nothing and says so. A root CRL signed by hand before the table existed is taken over,
 * a forged one is not.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ensureCertificateAuthority, type CertificateAuthority } from '../../../server/ca/authority.ts'
import { CrlReason, crlEntry, signCrl } from '../../../server/ca/crl-build.ts'
import { openRootSigner, writeCaFile, type CaConfig } from '../../../server/ca/hierarchy.ts'
import { readRootCrl } from '../../../server/ca/root-crl.ts'
import { runCli } from '../helpers/cli.ts'
import { openDatabase } from '../../../server/db/index.ts'
import type { Db } from '../../../server/db/schema.ts'
import { DATABASE_CA_PASSPHRASE, issueTestCertificate, openssl, opensslAll, setupCa, writePem, type CaFixture } from './helpers.ts'

const DAY = 24 * 3600_000

const cli = (env: NodeJS.ProcessEnv, ...argv: string[]) => runCli(argv, { PATH: process.env.PATH, USER: 'tester', ...env })

/** `openssl verify -crl_check_all` of `leafDer` with the CA certificates in `caDir` and both CRLs; scratch files go to `dir`. */
function verifyPath(dir: string, caDir: string, leafDer: Uint8Array, rootCrlDer: Uint8Array, issuingCrlDer: Uint8Array): { code: number; out: string } {
  const leaf = writePem(dir, 'leaf.pem', leafDer)
  const rootCrl = writePem(dir, 'root-crl.pem', rootCrlDer, 'X509 CRL')
  const issuingCrl = writePem(dir, 'issuing-crl.pem', issuingCrlDer, 'X509 CRL')
  return openssl(['verify', '-crl_check_all', '-CAfile', join(caDir, 'root.pem'), '-untrusted', join(caDir, 'issuing.pem'), '-CRLfile', rootCrl, '-CRLfile', issuingCrl, leaf])
}

/** The issuing CA's serial as `openssl crl -text` prints it (uppercase hex). */
function issuingSerial(caDir: string): string {
  return openssl(['x509', '-in', join(caDir, 'issuing.pem'), '-noout', '-serial']).out.trim().replace(/^serial=/, '').toUpperCase()
}

/** Asserts that `crlDer` is a root CRL OpenSSL accepts (root.pem in `caDir`) and that it lists the issuing CA as a CA compromise. */
function expectListsIssuing(dir: string, caDir: string, crlDer: Uint8Array): void {
  const path = writePem(dir, 'check.crl.pem', crlDer, 'X509 CRL')
  const text = opensslAll(['crl', '-in', path, '-CAfile', join(caDir, 'root.pem'), '-noout', '-text'])
  expect(text.out).toContain('verify OK')
  expect(text.out).toContain(`Serial Number: ${issuingSerial(caDir)}`)
  expect(text.out).toMatch(/X509v3 CRL Reason Code: \s*\n\s+CA Compromise/)
}

async function auditCount(db: Db): Promise<number> {
  const r = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'ca.revoke_issuing').executeTakeFirstOrThrow()
  return Number(r.n)
}

describe('ca revoke-issuing beside a running server on PostgreSQL', () => {
  let f: CaFixture
  let tmp: string
  /** The CA certificates as openssl gets them (the hierarchy itself is in the database). */
  let pki: string
  beforeAll(async () => {
    // A short check period: the test waits for the server's own timer, not for a call of ours.
    f = await setupCa('postgres', {}, { rootCrlCheckMs: 100 }, true)
    pki = dirname(f.rootPem)
    tmp = mkdtempSync(join(tmpdir(), 'qoltanba-revoke-issuing-'))
  }, 120_000)
  afterAll(async () => {
    await f?.close()
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })
  const env = () => ({ DATA_DIR: f.dir, PUBLIC_URL: 'http://qoltanba.test', DATABASE_URL: f.databaseUrl, CA_KEY_PASSPHRASE: DATABASE_CA_PASSPHRASE })
  const served = async (name: string) => new Uint8Array(await (await fetch(`${f.url}/crl/${name}.crl`)).arrayBuffer())

  it('refuses a missing or unknown reason', async () => {
    expect((await cli(env(), 'ca', 'revoke-issuing')).code).toBe(2)
    const bad = await cli(env(), 'ca', 'revoke-issuing', '--reason', 'certificateHold')
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation')
    expect(f.ca.rootCrl().entries).toBe(0)
  })

  /** Issued before the revocation: after it the CA issues nothing (ERR_ISSUING_CA_REVOKED, issuing-ca-revoked.test.ts). */
  let leaf: Awaited<ReturnType<typeof issueTestCertificate>>

  it('revokes the issuing CA: the running server publishes it and openssl refuses its leaves at depth 1', async () => {
    leaf = await issueTestCertificate(f)
    expect(verifyPath(tmp, pki, leaf.der, await served('root'), await served('issuing')).code).toBe(0)
    const before = f.ca.rootCrl().crlNumber

    const r = await cli(env(), 'ca', 'revoke-issuing', '--reason', 'cACompromise')
    expect(r.code, r.err).toBe(0)
    expect(r.out).toMatch(/Revoked the issuing CA .*ISSUING CA.*: cACompromise/)
    expect(r.out).toContain('within a minute')

    await vi.waitFor(() => expect(f.ca.rootCrl().entries).toBe(1), { timeout: 30_000, interval: 50 })
    expect(f.ca.rootCrl().crlNumber).toBeGreaterThan(before)
    const rootCrl = await served('root')
    expectListsIssuing(tmp, pki, rootCrl)
    const refused = verifyPath(tmp, pki, leaf.der, rootCrl, await served('issuing'))
    expect(refused.code).not.toBe(0)
    expect(refused.out).toMatch(/error 23 at 1 depth lookup: certificate revoked/)
    expect(await auditCount(f.db)).toBe(1)
  })

  it('says so and changes nothing when run again', async () => {
    const number = (await readRootCrl(f.ca.hierarchy.store))?.crlNumber
    const again = await cli(env(), 'ca', 'revoke-issuing', '--reason', 'keyCompromise')
    expect(again.code, again.err).toBe(0)
    expect(again.out).toMatch(/is already revoked: cACompromise, .* by cli:\S+\. Nothing changed\./)
    expect((await readRootCrl(f.ca.hierarchy.store))?.crlNumber).toBe(number)
    expect(await auditCount(f.db)).toBe(1)
  })

  it('keeps the issuing CA on every later root CRL: re-signed near its end, and when the file is lost', async () => {
    const current = f.ca.rootCrl()
    const late = new Date(current.nextUpdate.getTime() - 10 * DAY)
    const renewed = await f.ca.refreshRootCrl(late)
    expect(renewed.crlNumber).toBeGreaterThan(current.crlNumber)
    expect(renewed.thisUpdate.getTime()).toBe(Math.floor(late.getTime() / 1000) * 1000)
    expect(renewed.entries).toBe(1)
    expectListsIssuing(tmp, pki, renewed.der)

    await sql`delete from ca_files where name = 'root.crl'`.execute(f.db)
    const resigned = await f.ca.refreshRootCrl()
    expect(resigned.crlNumber).toBeGreaterThan(renewed.crlNumber)
    expectListsIssuing(tmp, pki, resigned.der)
    await expect(issueTestCertificate(f)).rejects.toMatchObject({ code: 'ERR_ISSUING_CA_REVOKED' })
    expect(verifyPath(tmp, pki, leaf.der, await served('root'), await served('issuing')).out).toMatch(/error 23 at 1 depth lookup: certificate revoked/)
  })
})

describe('ca revoke-issuing on the embedded database (server stopped)', () => {
  let dir: string
  const config = (): CaConfig => ({ dataDir: dir, publicUrl: 'http://qoltanba.test', caKeyPassphrase: undefined, pkcs11: undefined, caKeyAlgorithm: 'P-256' })
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-revoke-issuing-pglite-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** A "server run": opens DATA_DIR/pgdata and the CA, hands them to `fn`, closes both. */
  async function run<T>(fn: (db: Db, ca: CertificateAuthority) => Promise<T>, now?: Date): Promise<T> {
    const db = await openDatabase({ dataDir: dir, databaseUrl: undefined })
    try {
      const ca = await ensureCertificateAuthority(config(), db, { keyIterations: 1000, log: () => {}, warmCrl: false, ...(now ? { now } : {}) })
      try {
        return await fn(db, ca)
      } finally {
        ca.close()
      }
    } finally {
      await db.destroy()
    }
  }

  it('is published by the next start and kept by the re-signing near its end', { timeout: 120_000 }, async () => {
    const { leaf, issuingCrl } = await run(async (db, ca) => {
      expect(ca.rootCrl().entries).toBe(0)
      return { leaf: (await issueTestCertificate({ db, ca })).der, issuingCrl: (await ca.crl.regenerate()).der }
    })

    const r = await cli({ DATA_DIR: dir, PUBLIC_URL: 'http://qoltanba.test' }, 'ca', 'revoke-issuing', '--reason', 'cACompromise')
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain('Start the server again')

    const started = await run(async (db, ca) => {
      expect(await auditCount(db)).toBe(1)
      return ca.rootCrl()
    })
    expect(started.entries).toBe(1)
    expectListsIssuing(dir, join(dir, 'ca'), started.der)
    expect(verifyPath(dir, join(dir, 'ca'), leaf, started.der, issuingCrl).out).toMatch(/error 23 at 1 depth lookup: certificate revoked/)

    // A start 20 days before the CRL ends signs a new one: it still lists the issuing CA.
    const late = new Date(started.nextUpdate.getTime() - 20 * DAY)
    const renewed = await run(async (_db, ca) => ca.rootCrl(), late)
    expect(renewed.crlNumber).toBe(started.crlNumber + 1)
    expectListsIssuing(dir, join(dir, 'ca'), renewed.der)
  })
})

describe('a root CRL that revokes the issuing CA without the database knowing (signed by hand before migration 005)', () => {
  let f: CaFixture
  beforeAll(async () => {
    f = await setupCa('pglite', { caKeyAlgorithm: 'P-256' })
  }, 120_000)
  afterAll(async () => f?.close())

  /** Writes a root CRL listing the issuing CA, signed by the root key or forged with the issuing CA's. */
  async function handSigned(forged: boolean): Promise<Buffer> {
    const h = f.ca.hierarchy
    const thisUpdate = new Date(Math.floor(Date.now() / 1000) * 1000)
    const template = {
      issuer: h.root.subject, issuerKeyId: h.root.keyId, thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + 365 * DAY),
      crlNumber: f.ca.rootCrl().crlNumber + 1, entries: [crlEntry(h.issuing.serial, new Date(thisUpdate.getTime() - DAY), CrlReason.keyCompromise)],
    }
    const signer = forged ? h.issuing.signer : await openRootSigner(f.config, h)
    try {
      const der = signCrl(template, signer)
      writeCaFile(f.config, 'root.crl', der)
      return der
    } finally {
      if (!forged) signer.close()
    }
  }

  it('drops a forged one: the database list wins', async () => {
    await handSigned(true)
    const crl = await f.ca.refreshRootCrl()
    expect(crl.entries).toBe(0)
    expect(await f.db.selectFrom('ca_root_crl_entries').selectAll().execute()).toEqual([])
  })

  it('records a genuine one, with its date and reason, so every later signature keeps it', async () => {
    const der = await handSigned(false)
    const taken = await f.ca.refreshRootCrl()
    expect(taken.der).toEqual(der) // it already lists what the database now holds: kept as is
    const row = await f.db.selectFrom('ca_root_crl_entries').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({ reason: CrlReason.keyCompromise, revoked_by: 'system:root.crl' })
    expect(await auditCount(f.db)).toBe(1)

    const renewed = await f.ca.refreshRootCrl(new Date(taken.nextUpdate.getTime() - 10 * DAY))
    expect(renewed.crlNumber).toBeGreaterThan(taken.crlNumber)
    const path = writePem(f.dir, 'renewed.crl.pem', renewed.der, 'X509 CRL')
    const text = opensslAll(['crl', '-in', path, '-CAfile', join(f.dir, 'ca', 'root.pem'), '-noout', '-text']).out
    expect(text).toContain('verify OK')
    expect(text).toContain(`Serial Number: ${issuingSerial(join(f.dir, 'ca'))}`)
    expect(text).toMatch(/X509v3 CRL Reason Code: \s*\n\s+Key Compromise/)
  })
})
