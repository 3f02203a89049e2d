/**
 * The operator's decisions need their statements: approval only with "I have checked the
 * applicant's identity document" (recorded in the audit row with the document, when named), and
 * suspend/resume/revoke keep the operator's comment. Revocation and suspension are refused,
 * with stable codes and nothing changed, for a certificate this registration center never issued
 * (an NCA one) and for an expired one. On PGlite, through the real routes.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { opensslCsr } from '../helpers/csr.ts'

const IIN = '850315300019'
/** A serial no certificate of ours has (an NCA certificate's, say). */
const FOREIGN_SERIAL = '4a1b2c3d4e5f60718293a4b5c6d7e8f901234567'

describe('operator decisions and their refusals (PGlite)', () => {
  let s: TestServer
  let cookie: string
  beforeAll(async () => {
    s = await startTestServer('pglite')
    cookie = await s.operatorCookie()
  })
  afterAll(async () => {
    await s?.close()
  })

  async function submitted(): Promise<string> {
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'idempotency-key': randomUUID() },
      payload: { profile: 'individual', iin: IIN, region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: opensslCsr('p256').pem }, { purpose: 'sign', csr: opensslCsr('p256').pem }] },
    })
    expect(r.statusCode, r.body).toBe(201)
    return r.json().number as string
  }
  const approve = (number: string, payload?: object) =>
    s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${number}/approve`, headers: { cookie }, ...(payload ? { payload } : {}) })
  const act = (serial: string, action: 'revoke' | 'hold' | 'release', payload: object = {}) =>
    s.app.inject({ method: 'POST', url: `/api/v1/operator/certificates/${serial}/${action}`, headers: { cookie }, payload })
  const stateOf = async (number: string) => ({
    status: (await s.t.db.selectFrom('applications').select('status').where('number', '=', number).executeTakeFirstOrThrow()).status,
    certificates: (await s.t.db.selectFrom('certificates').select('serial').where('application_number', '=', number).execute()).length,
    approvals: (await s.t.db.selectFrom('audit_log').select('id').where('entity_id', '=', number).where('action', '=', 'application.approve').execute()).length,
  })
  const auditAfter = async (entity: string, action: string) => {
    const row = await s.t.db.selectFrom('audit_log').select('after').where('entity_id', '=', entity).where('action', '=', action).orderBy('id', 'desc').executeTakeFirstOrThrow()
    return (typeof row.after === 'string' ? JSON.parse(row.after) : row.after) as Record<string, unknown>
  }
  async function issuedSerial(): Promise<string> {
    const r = await approve(await submitted(), { identityChecked: true })
    expect(r.statusCode, r.body).toBe(200)
    return (r.json().certificates as Array<{ serial: string }>)[0]!.serial
  }
  const certificateStatus = async (serial: string) =>
    (await s.t.db.selectFrom('certificates').select('status').where('serial', '=', serial).executeTakeFirstOrThrow()).status

  it.each([
    ['no body', undefined],
    ['an empty body', {}],
    ['identityChecked: false', { identityChecked: false, identityDocument: { type: 'passport', number: 'N1234567' } }],
  ] as const)('refuses approval with %s: ERR_IDENTITY_NOT_CHECKED, nothing issued', async (_name, payload) => {
    const number = await submitted()
    const r = await approve(number, payload)
    expect({ status: r.statusCode, code: r.json().error?.code }).toEqual({ status: 400, code: 'ERR_IDENTITY_NOT_CHECKED' })
    expect(await stateOf(number)).toEqual({ status: 'submitted', certificates: 0, approvals: 0 })
  })

  it('approves with the identity check and records it, with the document when named', async () => {
    const named = await submitted()
    const r = await approve(named, { identityChecked: true, identityDocument: { type: 'id_card', number: ' 043211234 ' } })
    expect(r.statusCode, r.body).toBe(200)
    expect(await stateOf(named)).toEqual({ status: 'issued', certificates: 2, approvals: 1 })
    expect((await auditAfter(named, 'application.approve')).identity).toEqual({ checked: true, documentType: 'id_card', documentNumber: '043211234' })

    const plain = await submitted()
    expect((await approve(plain, { identityChecked: true })).statusCode).toBe(200)
    expect((await auditAfter(plain, 'application.approve')).identity).toEqual({ checked: true })
  })

  it('refuses an unknown document type', async () => {
    const number = await submitted()
    const r = await approve(number, { identityChecked: true, identityDocument: { type: 'library_card' } })
    expect(r.statusCode).toBe(400)
    expect(await stateOf(number)).toMatchObject({ status: 'submitted', certificates: 0 })
  })

  it('keeps the operator’s comment on suspend, resume and revoke', async () => {
    const serial = await issuedSerial()
    expect((await act(serial, 'hold', { comment: 'Holder called: phone stolen' })).statusCode).toBe(200)
    expect(await auditAfter(serial, 'certificate.hold')).toMatchObject({ status: 'hold', comment: 'Holder called: phone stolen' })
    expect((await act(serial, 'release', { comment: 'Phone found' })).statusCode).toBe(200)
    expect(await auditAfter(serial, 'certificate.release')).toMatchObject({ status: 'good', comment: 'Phone found' })
    expect((await act(serial, 'revoke', { reason: 1, comment: 'Confirmed in person' })).statusCode).toBe(200)
    expect(await auditAfter(serial, 'certificate.revoke')).toMatchObject({ status: 'revoked', reason: 1, comment: 'Confirmed in person' })
  })

  it('refuses to revoke or suspend a certificate it did not issue: ERR_NOT_ISSUED_HERE (operator and holder routes)', async () => {
    for (const [action, payload] of [['revoke', { reason: 1 }], ['hold', {}]] as const) {
      const r = await act(FOREIGN_SERIAL, action, payload)
      expect({ status: r.statusCode, code: r.json().error?.code }).toEqual({ status: 404, code: 'ERR_NOT_ISSUED_HERE' })
    }
    // The holder's signed route: the serial is looked up before the signature is even read.
    const holder = await s.app.inject({ method: 'POST', url: `/api/v1/certificates/${FOREIGN_SERIAL}/revoke`, payload: { reason: 1, cms: Buffer.from('not read: no such certificate').toString('base64') } })
    expect({ status: holder.statusCode, code: holder.json().error?.code }).toEqual({ status: 404, code: 'ERR_NOT_ISSUED_HERE' })
  })

  it('refuses to revoke or suspend an expired certificate: ERR_EXPIRED_NOT_REVOCABLE, nothing changed', async () => {
    const serial = await issuedSerial()
    await s.t.db.updateTable('certificates').set({ not_after: new Date(Date.now() - 86_400_000) }).where('serial', '=', serial).execute()
    for (const [action, payload] of [['revoke', { reason: 4 }], ['hold', {}]] as const) {
      const r = await act(serial, action, payload)
      expect({ status: r.statusCode, code: r.json().error?.code }).toEqual({ status: 409, code: 'ERR_EXPIRED_NOT_REVOCABLE' })
    }
    expect(await certificateStatus(serial)).toBe('good')
  })
})
