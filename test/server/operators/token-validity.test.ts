/**
 * `storage: "token"` is the applicant's claim: certificates get the 3-year token validity only
 * when the operator confirms at approval that the keys are on a hardware token (`tokenChecked`),
 * recorded in the audit row; otherwise 1 year. OpenSSL reads the validity from the certificates.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../helpers/database.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { opensslCsr } from '../helpers/csr.ts'

const IIN = '900101300017'
const DAY = 86_400_000

/** Days between notBefore and notAfter as `openssl x509 -dates` prints them. */
function opensslValidityDays(pem: string): number {
  const text = execFileSync('openssl', ['x509', '-noout', '-dates'], { input: pem, encoding: 'utf8' })
  const at = (field: string) => Date.parse(new RegExp(`${field}=(.+)`).exec(text)![1]!)
  return Math.round((at('notAfter') - at('notBefore')) / DAY)
}

describe.each(ENGINES)('token validity needs the operator’s check on %s', (engine) => {
  let s: TestServer
  let asOperator: { cookie: string }
  beforeAll(async () => {
    s = await startTestServer(engine)
    asOperator = { cookie: await s.operatorCookie() }
  })
  afterAll(async () => {
    await s?.close()
  })

  async function submitted(storage: 'token' | 'file'): Promise<string> {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'idempotency-key': randomUUID() },
      payload: { profile: 'individual', iin: IIN, region: 'KZ-75', storage, requests: [{ purpose: 'auth', csr: opensslCsr('p256').pem }, { purpose: 'sign', csr: opensslCsr('p256').pem }] },
    })
    expect(res.statusCode).toBe(201)
    return res.json().number as string
  }

  // Every approval states the identity check (review.ts refuses one without it).
  const approve = (number: string, payload?: object) =>
    s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${number}/approve`, headers: asOperator, payload: { identityChecked: true, ...payload } })

  async function auditOf(number: string) {
    const row = await s.t.db.selectFrom('audit_log').selectAll().where('entity_id', '=', number).where('action', '=', 'application.approve').executeTakeFirstOrThrow()
    return (typeof row.after === 'string' ? JSON.parse(row.after) : row.after) as { tokenChecked: boolean }
  }

  it.each([
    ['no tokenChecked (the claim alone)', undefined, 365, false],
    ['tokenChecked: false', { tokenChecked: false }, 365, false],
    ['tokenChecked: true', { tokenChecked: true }, 1095, true],
  ] as const)('a token application approved with %s', async (_name, payload, days, checked) => {
    const number = await submitted('token')
    const res = await approve(number, payload)
    expect(res.statusCode).toBe(200)
    const certificates = res.json().certificates as Array<{ pem: string }>
    expect(certificates).toHaveLength(2)
    for (const c of certificates) expect(opensslValidityDays(c.pem)).toBe(days)
    expect((await auditOf(number)).tokenChecked).toBe(checked)
  })

  it('refuses tokenChecked for keys that are not on a token, issuing nothing', async () => {
    const number = await submitted('file')
    const res = await approve(number, { tokenChecked: true })
    expect({ status: res.statusCode, code: res.json().error?.code }).toEqual({ status: 400, code: 'ERR_VALIDATION' })
    const row = await s.t.db.selectFrom('applications').select('status').where('number', '=', number).executeTakeFirstOrThrow()
    expect(row.status).toBe('submitted')
    const ok = await approve(number)
    expect(ok.statusCode).toBe(200)
    for (const c of ok.json().certificates as Array<{ pem: string }>) expect(opensslValidityDays(c.pem)).toBe(365)
  })
})
