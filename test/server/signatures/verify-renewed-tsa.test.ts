/**
 * Issue 16: a CAdES-T signature timestamped by our /tsp stays valid after the TSA certificate is
 * renewed (same key, new serial; the old certificate is no longer the one in ca_authorities) —
 * through POST /api/v1/signatures/verify on PGlite and PostgreSQL and through `qoltanba
 * verify-cms` with our root, issuing CA and CRLs (which already passed before the fix: the TSA
 * certificate is simply not on our CRL). A certificate that is not byte for byte one we made for
 * the TSA key — a forged copy, or another key's certificate dropped in DATA_DIR/ca as
 * tsa-<serial>.pem — is still passed on, not answered good; without the file (another instance
 * renewed), the renewal's audit row and our issuing CA's signature still identify the former one.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OCSP_RENEW_BEFORE_MS } from '../../../server/ca/delegates.ts'
import { certificateParts } from '../../../server/ca/x509-build.ts'
import { issueOperatorCertificate } from '../../../server/operators/credential.ts'
import { serviceCertificateChecker } from '../../../server/signatures/service-certificates.ts'
import { TimestampAuthority } from '../../../server/tsa/timestamp-authority.ts'
import { parseCertificate, type RevocationChecker } from '../../../src/verifier/index.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { runCli } from '../helpers/cli.ts'
import { ENGINES } from '../helpers/database.ts'
import { multipart } from '../helpers/multipart.ts'
import { operatorSignature, pem, timestampedByOwnTsa } from '../helpers/cms-signing.ts'

const doc = new TextEncoder().encode('Шарт / Договор: уақыт белгісі жаңартудан кейін де жарамды.\n')
const work = mkdtempSync(join(tmpdir(), 'qt-renewed-tsa-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe.each(ENGINES)('a timestamp by a renewed TSA certificate (%s)', (engine) => {
  let s: TestServer
  let timed: Uint8Array
  let oldTsa: Buffer

  beforeAll(async () => {
    s = await startTestServer(engine)
    const detached = await operatorSignature(s, work, engine, doc)
    // The signature timestamp from our own /tsp, made with the TSA certificate of the day.
    timed = await timestampedByOwnTsa(s, work, engine, detached)

    // Renewal with the clock moved to just inside the renewal window (as tsa-certificate.test.ts).
    const current = await TimestampAuthority.open(s.config, s.t.db, s.ca, s.config.tsa)
    oldTsa = current.certificate.der
    const due = new Date(current.certificate.notAfter.getTime() - OCSP_RENEW_BEFORE_MS + 24 * 3600_000)
    current.close()
    const renewed = await TimestampAuthority.open(s.config, s.t.db, s.ca, s.config.tsa, { now: due })
    const row = await s.t.db.selectFrom('ca_authorities').select('certificate').where('name', '=', 'tsa').executeTakeFirstOrThrow()
    expect(Buffer.from(row.certificate).equals(oldTsa)).toBe(false)
    expect(Buffer.from(row.certificate).equals(renewed.certificate.der)).toBe(true)
    renewed.close()
  }, 120_000)

  afterAll(async () => s?.close())

  it('POST /api/v1/signatures/verify: still CAdES-T and valid, the timestamp by the former certificate answered good', async () => {
    const r = await s.app.inject({ method: 'POST', url: '/api/v1/signatures/verify', ...multipart([{ name: 'signature', file: timed }, { name: 'document', file: doc }]) })
    expect(r.statusCode).toBe(200)
    const body = r.json()
    expect(body).toMatchObject({ valid: true, signers: [{ valid: true, level: 'CAdES-T', notes: [] }] })
    expect(body.signers[0].timestamp.tsa.subject).toMatch(/TIMESTAMP/i)
  })

  it('qoltanba verify-cms with our root, issuing CA and CRLs: valid CAdES-T', async () => {
    const file = (name: string, bytes: Uint8Array | string) => {
      const path = join(work, `${engine}-${name}`)
      writeFileSync(path, bytes)
      return path
    }
    const crl = async (name: string) => file(`${name}.crl`, (await s.app.inject({ method: 'GET', url: `/crl/${name}.crl` })).rawPayload)
    const r = await runCli([
      'verify-cms', '--cms', file('timed.p7s', timed), '--content', file('doc.txt', doc),
      '--anchor', file('root.pem', pem('CERTIFICATE', s.ca.hierarchy.root.der)), '--intermediate', file('issuing.pem', pem('CERTIFICATE', s.ca.hierarchy.issuing.der)),
      '--crl', await crl('root'), '--crl', await crl('issuing'),
    ])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(r.out) as { signers: Array<{ valid: boolean; level: string }> }
    expect(report.signers.map((x) => `${x.level} ${x.valid}`)).toEqual(['CAdES-T true'])
  })

  it('a certificate that is not one of ours is passed on, even with the TSA key and subject', async () => {
    const unknown: RevocationChecker = { check: async () => ({ status: 'unknown', source: 'next' }) }
    const checker = serviceCertificateChecker(s.t.db, s.config, unknown)
    const issuer = parseCertificate(s.ca.hierarchy.issuing.der)
    // The former certificate: ours, answered good.
    expect(await checker.check(parseCertificate(oldTsa), issuer, new Date())).toMatchObject({ status: 'good' })
    // The same bytes with one bit of the signature flipped: not a certificate we issued.
    const forged = Buffer.from(oldTsa)
    forged[forged.length - 3] = (forged[forged.length - 3] as number) ^ 1
    expect(await checker.check(parseCertificate(forged), issuer, new Date())).toEqual({ status: 'unknown', source: 'next' })
    // A certificate of another key dropped in DATA_DIR/ca under a former TSA certificate's name.
    const other = await issueOperatorCertificate(s.t.db, s.ca, s.ctx.registry, { iin: '700611300018', actor: 'test' })
    writeFileSync(join(s.config.dataDir, 'ca', 'tsa-0badc0de.pem'), pem('CERTIFICATE', new Uint8Array(other.der)))
    const fresh = serviceCertificateChecker(s.t.db, s.config, unknown)
    expect(await fresh.check(parseCertificate(other.der), issuer, new Date())).toEqual({ status: 'unknown', source: 'next' })
    expect(await fresh.check(parseCertificate(oldTsa), issuer, new Date())).toMatchObject({ status: 'good' })
  })

  it('another instance on the database (no former certificate file): known by the renewal audit row and our issuing CA signature', async () => {
    const unknown: RevocationChecker = { check: async () => ({ status: 'unknown', source: 'next' }) }
    const issuer = parseCertificate(s.ca.hierarchy.issuing.der)
    rmSync(join(s.config.dataDir, 'ca', `tsa-${certificateParts(oldTsa).serial.toString('hex')}.pem`), { force: true })
    expect(readdirSync(join(s.config.dataDir, 'ca')).filter((n) => /^tsa-[0-9a-f]{8,}\.pem$/.test(n) && n !== 'tsa-0badc0de.pem')).toEqual([])
    const checker = serviceCertificateChecker(s.t.db, s.config, unknown)
    expect(await checker.check(parseCertificate(oldTsa), issuer, new Date())).toMatchObject({ status: 'good' })
    // Same serial and key, but a signature our issuing CA did not make.
    const forged = Buffer.from(oldTsa)
    forged[forged.length - 3] = (forged[forged.length - 3] as number) ^ 1
    expect(await checker.check(parseCertificate(forged), issuer, new Date())).toEqual({ status: 'unknown', source: 'next' })
  })
})
