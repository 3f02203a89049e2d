/**
 * A holder revokes their own certificate with a CMS signed by that certificate's key; any other
 * signer, a tampered payload, a stale time or a reason reserved to operators is refused and
 * changes nothing.
 */
import { createPrivateKey } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signCms } from '../../../src/pki/cms.ts'
import { revocationRequestPayload } from '../../../server/pki-routes/revocation-routes.ts'
import { DB_KINDS, issueTestCertificate, setupCa, SUBJECT, TEST_SESSION_HEADER, type CaFixture } from './helpers.ts'

async function ecKey(pkcs8Pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pkcs8Pem).export({ type: 'pkcs8', format: 'der' })
  return crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
}

describe.each(DB_KINDS)('holder revocation by CMS (%s)', (kind) => {
  let f: CaFixture
  beforeAll(async () => {
    f = await setupCa(kind)
  })
  afterAll(async () => {
    await f?.close()
  })

  const revoke = (serial: string, reason: number | string, cms: Uint8Array) =>
    f.app.inject({ method: 'POST', url: `/api/v1/certificates/${serial}/revoke`, payload: { reason, cms: Buffer.from(cms).toString('base64') } })
  const statusOf = async (serial: string) =>
    (await f.db.selectFrom('certificates').select(['status', 'revocation_reason']).where('serial', '=', serial).executeTakeFirstOrThrow())

  it('revokes with a request signed by the certificate itself; the CRL follows', async () => {
    const c = await issueTestCertificate(f)
    const cms = await signCms({ data: revocationRequestPayload(c.serialHex, 1, new Date()), privateKey: await ecKey(c.pkcs8Pem), certificate: new Uint8Array(c.der) })
    const r = await revoke(c.serialHex, 'keyCompromise', cms)
    expect(r.statusCode, r.body).toBe(200)
    expect(r.json()).toMatchObject({ serial: c.serialHex, status: 'revoked', reason: 1 })
    expect(await statusOf(c.serialHex)).toEqual({ status: 'revoked', revocation_reason: 1 })
    const crl = await f.ca.crl.flush()
    expect(crl.entries).toBe(1)
    const audit = await f.db.selectFrom('audit_log').select(['action', 'actor']).where('entity_id', '=', c.serialHex).orderBy('id').execute()
    expect(audit.at(-1)).toEqual({ action: 'certificate.revoke', actor: `holder:${c.serialHex}` })
  })

  it('revokes from the holder\'s signed-in session, and only the holder\'s', async () => {
    const c = await issueTestCertificate(f)
    const url = `/api/v1/certificates/${c.serialHex}/revoke`
    const none = await f.app.inject({ method: 'POST', url, payload: { reason: 5 } })
    expect(none.statusCode).toBe(401)
    const other = await f.app.inject({ method: 'POST', url, payload: { reason: 5 }, headers: { [TEST_SESSION_HEADER]: '850315300019' } })
    expect(other.statusCode).toBe(403)
    expect(other.json().error.code).toBe('ERR_ACCESS_DENIED')
    expect(await statusOf(c.serialHex)).toEqual({ status: 'good', revocation_reason: null })
    const mine = await f.app.inject({ method: 'POST', url, payload: { reason: 5 }, headers: { [TEST_SESSION_HEADER]: SUBJECT.serialNumber.slice(3) } })
    expect(mine.statusCode, mine.body).toBe(200)
    expect(await statusOf(c.serialHex)).toEqual({ status: 'revoked', revocation_reason: 5 })
  })

  it('refuses other signers, tampered or stale requests and operator-only reasons, changing nothing', async () => {
    const target = await issueTestCertificate(f)
    const other = await issueTestCertificate(f)
    const key = await ecKey(target.pkcs8Pem)
    const now = new Date()

    const byOther = await signCms({ data: revocationRequestPayload(target.serialHex, 1, now), privateKey: await ecKey(other.pkcs8Pem), certificate: new Uint8Array(other.der) })
    const r1 = await revoke(target.serialHex, 1, byOther)
    expect(r1.statusCode).toBe(403)
    expect(r1.json().error.code).toBe('ERR_ACCESS_DENIED')

    const forOther = await signCms({ data: revocationRequestPayload(other.serialHex, 1, now), privateKey: key, certificate: new Uint8Array(target.der) })
    expect((await revoke(target.serialHex, 1, forOther)).json().error.code).toBe('ERR_REQUEST_MISMATCH')
    const wrongReason = await signCms({ data: revocationRequestPayload(target.serialHex, 4, now), privateKey: key, certificate: new Uint8Array(target.der) })
    expect((await revoke(target.serialHex, 1, wrongReason)).json().error.code).toBe('ERR_REQUEST_MISMATCH')
    const stale = await signCms({ data: revocationRequestPayload(target.serialHex, 1, new Date(Date.now() - 3600_000)), privateKey: key, certificate: new Uint8Array(target.der) })
    expect((await revoke(target.serialHex, 1, stale)).json().error.code).toBe('ERR_REQUEST_EXPIRED')
    const hold = await signCms({ data: revocationRequestPayload(target.serialHex, 6, now), privateKey: key, certificate: new Uint8Array(target.der) })
    expect((await revoke(target.serialHex, 6, hold)).json().error.code).toBe('ERR_INVALID_REASON')
    const garbage = await revoke(target.serialHex, 1, Buffer.from('this is not a CMS at all, really'))
    expect(garbage.statusCode).toBe(400)
    expect(garbage.json().error.code).toBe('ERR_MALFORMED')
    // A signature over other bytes: take a valid CMS and flip a byte of its content.
    const valid = Buffer.from(await signCms({ data: revocationRequestPayload(target.serialHex, 1, now), privateKey: key, certificate: new Uint8Array(target.der) }))
    const at = valid.indexOf(Buffer.from('"revoke"'))
    valid[at + 1] = 'R'.charCodeAt(0)
    const tampered = await revoke(target.serialHex, 1, valid)
    expect(tampered.statusCode).toBe(400)
    expect(tampered.json().error.code).toBe('ERR_SIGNATURE_INVALID')
    expect((await revoke('4242', 1, valid)).statusCode).toBe(404)

    expect(await statusOf(target.serialHex)).toEqual({ status: 'good', revocation_reason: null })
    const audit = await f.db.selectFrom('audit_log').select('action').where('entity_id', '=', target.serialHex).execute()
    expect(audit.map((a) => a.action)).toEqual(['certificate.issue'])
  })
})
