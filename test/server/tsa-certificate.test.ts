/**
 * The TSA's key and certificate over their life, on PGlite and PostgreSQL: made once on first use
 * and opened again afterwards (same key, nothing new on disk), renewed before its end like the
 * OCSP responder's (same key, new serial, audit row, old certificate kept, tokens signed by the
 * new one and accepted by openssl at that time), serials unique across two TSA instances on one
 * database, served at /ca/tsa.crt, and no timestamps once the issuing CA is revoked or the
 * database is down (systemFailure, never a 500).
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OCSP_RENEW_BEFORE_MS } from '../../server/ca/delegates.ts'
import { revokeIssuingCa } from '../../server/ca/issuing-ca-revocation.ts'
import { TimestampAuthority } from '../../server/tsa/timestamp-authority.ts'
import { AlgorithmOid } from '../../src/pki/oids.ts'
import { DB_KINDS, opensslAll } from './ca/helpers.ts'
import { postTsp, setupTsa, type TsaFixture } from './tsa-fixture.ts'

function query(): Buffer<ArrayBuffer> {
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: AlgorithmOid.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: createHash('sha256').update('document').digest() }),
    }),
    certReq: true,
  })
  return Buffer.from(req.toSchema().toBER(false)) as Buffer<ArrayBuffer>
}

function tokenOf(der: Uint8Array<ArrayBuffer>): { serial: bigint; signer: pkijs.Certificate } {
  const resp = pkijs.TimeStampResp.fromBER(der)
  expect(resp.status.status).toBe(pkijs.PKIStatus.granted)
  const signed = new pkijs.SignedData({ schema: (resp.timeStampToken as pkijs.ContentInfo).content })
  const tst = pkijs.TSTInfo.fromBER((signed.encapContentInfo.eContent as asn1js.OctetString).getValue())
  return { serial: tst.serialNumber.toBigInt(), signer: signed.certificates?.[0] as pkijs.Certificate }
}

describe.each(DB_KINDS)('TSA certificate (%s)', (kind) => {
  let f: TsaFixture
  beforeAll(async () => {
    f = await setupTsa(kind)
  }, 120_000)
  afterAll(async () => {
    await f?.close()
  })

  it('is made on the first request, then opened again: same key and certificate, no new files', async () => {
    expect(existsSync(f.tsaPem)).toBe(false)
    expect((await postTsp(f.url, query())).status).toBe(200)
    const files = readdirSync(join(f.dir, 'ca')).sort()
    expect(files).toContain('tsa.key')
    expect(readFileSync(join(f.dir, 'ca', 'tsa.key'), 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY')
    const pem = readFileSync(f.tsaPem, 'utf8')
    const again = await TimestampAuthority.open(f.config, f.db, f.ca, f.settings)
    try {
      expect(again.certificate.der.equals(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'))).toBe(true)
      expect(readdirSync(join(f.dir, 'ca')).sort()).toEqual(files)
    } finally {
      again.close()
    }
  })

  it('gives two TSA instances on one database disjoint serials', async () => {
    const other = await TimestampAuthority.open(f.config, f.db, f.ca, f.settings)
    try {
      const ours = await Promise.all(Array.from({ length: 20 }, async () => tokenOf((await postTsp(f.url, query())).der).serial))
      const theirs = await Promise.all(Array.from({ length: 20 }, async () => tokenOf((await other.respond(query())).der as Buffer<ArrayBuffer>).serial))
      expect(new Set([...ours, ...theirs]).size).toBe(40)
    } finally {
      other.close()
    }
  })

  it('is renewed before its end: same key, new serial, audit row, old certificate kept, openssl accepts the new tokens', async () => {
    const current = await TimestampAuthority.open(f.config, f.db, f.ca, f.settings)
    const before = current.certificate
    current.close()
    const notDue = new Date(before.notAfter.getTime() - OCSP_RENEW_BEFORE_MS - 24 * 3600_000)
    const notYet = await TimestampAuthority.open(f.config, f.db, f.ca, f.settings, { now: notDue })
    expect(notYet.certificate.serial.equals(before.serial)).toBe(true)
    notYet.close()

    const due = new Date(before.notAfter.getTime() - OCSP_RENEW_BEFORE_MS + 24 * 3600_000)
    const renewed = await TimestampAuthority.open(f.config, f.db, f.ca, f.settings, { now: due })
    try {
      const after = renewed.certificate
      expect(after.serial.equals(before.serial)).toBe(false)
      expect(after.spki.equals(before.spki)).toBe(true)
      expect(after.notAfter.getTime()).toBeGreaterThan(before.notAfter.getTime())
      expect(existsSync(join(f.dir, 'ca', `tsa-${before.serial.toString('hex')}.pem`))).toBe(true)
      const row = await f.db.selectFrom('ca_authorities').select('certificate').where('name', '=', 'tsa').executeTakeFirstOrThrow()
      expect(Buffer.from(row.certificate).equals(after.der)).toBe(true)
      const audit = await f.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'ca.tsa_renew').execute()
      expect(audit).toEqual([{ action: 'ca.tsa_renew', entity_id: 'tsa' }])

      const answer = await renewed.respond(query(), due)
      const { signer } = tokenOf(answer.der as Buffer<ArrayBuffer>)
      expect(Buffer.from(signer.serialNumber.valueBlock.valueHexView).equals(after.serial)).toBe(true)
      const tsr = join(f.dir, 'renewed.tsr')
      writeFileSync(tsr, answer.der)
      writeFileSync(join(f.dir, 'document'), 'document')
      const v = opensslAll(['ts', '-verify', '-data', join(f.dir, 'document'), '-in', tsr, '-CAfile', f.rootPem, '-untrusted', f.issuingPem, '-attime', String(Math.floor(due.getTime() / 1000) + 3600)])
      expect(v.out).toContain('Verification: OK')
    } finally {
      renewed.close()
    }
  })

  it('refuses with systemFailure once the issuing CA is revoked, and consumes no serial', async () => {
    await revokeIssuingCa(f.config, f.db, f.ca.hierarchy, { reason: 'keyCompromise', actor: 'test' })
    await f.ca.refreshRootCrl()
    const res = await postTsp(f.url, query())
    expect(res.status).toBe(200)
    const resp = pkijs.TimeStampResp.fromBER(res.der)
    expect(resp.status.status).toBe(pkijs.PKIStatus.rejection)
    // systemFailure is bit 25: the fourth byte, 0x40.
    expect(Array.from(resp.status.failInfo?.valueBlock.valueHexView ?? [])).toEqual([0, 0, 0, 0x40])
  })
})

describe('GET /ca/tsa.crt and /ca/tsa.pem', () => {
  let f: TsaFixture
  beforeAll(async () => {
    f = await setupTsa('pglite')
  }, 120_000)
  afterAll(async () => {
    await f?.close()
  })

  it('serve the TSA certificate a token names, in DER and PEM', async () => {
    const der = Buffer.from(await (await fetch(`${f.url}/ca/tsa.crt`)).arrayBuffer())
    const pem = await (await fetch(`${f.url}/ca/tsa.pem`)).text()
    expect(der.equals(Buffer.from(readFileSync(f.tsaPem, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64'))).toBe(true)
    expect(pem).toBe(readFileSync(f.tsaPem, 'utf8'))
    // A token without certReq is verified with the certificate fetched here.
    const withoutCert = new pkijs.TimeStampReq({
      version: 1,
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: AlgorithmOid.sha256 }),
        hashedMessage: new asn1js.OctetString({ valueHex: createHash('sha256').update('document').digest() }),
      }),
    })
    const res = await postTsp(f.url, Buffer.from(withoutCert.toSchema().toBER(false)) as Buffer<ArrayBuffer>)
    writeFileSync(join(f.dir, 'plain.tsr'), res.der)
    writeFileSync(join(f.dir, 'document'), 'document')
    writeFileSync(join(f.dir, 'fetched.pem'), readFileSync(f.issuingPem, 'utf8') + pem)
    const v = opensslAll(['ts', '-verify', '-data', join(f.dir, 'document'), '-in', join(f.dir, 'plain.tsr'), '-CAfile', f.rootPem, '-untrusted', join(f.dir, 'fetched.pem')])
    expect(v.out).toContain('Verification: OK')
  })
})

describe('timestamp authority unavailable', () => {
  it('answers 503 with a systemFailure TimeStampResp when the database is down, never a 500', async () => {
    const f = await setupTsa('pglite')
    try {
      await f.db.destroy()
      const res = await postTsp(f.url, query())
      expect(res.status).toBe(503)
      expect(res.type).toBe('application/timestamp-reply')
      const resp = pkijs.TimeStampResp.fromBER(res.der)
      expect(resp.status.status).toBe(pkijs.PKIStatus.rejection)
      expect(Array.from(resp.status.failInfo?.valueBlock.valueHexView ?? [])).toEqual([0, 0, 0, 0x40])
    } finally {
      // The database is gone already: close what is left and remove DATA_DIR either way.
      await f.close().catch(() => undefined)
      rmSync(f.dir, { recursive: true, force: true })
    }
  }, 120_000)
})
