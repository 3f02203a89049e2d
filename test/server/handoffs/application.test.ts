/**
 * A kiosk's application handed to the applicant's phone (kind "application", issue 17) on the
 * whole Registration Center (PGlite and PostgreSQL): the kiosk registers the answers without
 * keys, the phone sees the registry's names and answers with two CSRs of its own keys, the server
 * submits the application (storage "browser"), the phone and then the kiosk get the same number
 * and access code, and a repeated answer gives the same application. Every refusal with its
 * code: a foreign origin, no application, a bad IIN, a person or center unknown, the wrong kind
 * of answer, a CSR without proof of possession, other CSRs after the answer, a wrong secret,
 * expiry. A refusal of the phone's CSRs or signature fails the hand-off with its code, which the
 * kiosk hears. Never a 500.
 */
import { createHash, createPrivateKey } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applicationSignaturePayload } from '../../../src/core/handoff-application-wire.ts'
import { signCms } from '../../../src/pki/cms.ts'
import { issuedPair, OTHER_IIN, type HeldCertificate } from '../renewals/renewal-fixture.ts'
import { handoffDb } from '../../../server/handoffs/schema.ts'
import { opensslCsr, withBadSignature } from '../helpers/csr.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { ENGINES } from '../helpers/database.ts'

const ORIGIN = 'http://localhost:8080'
const IIN = '010203600014'

function fromLink(link: string): { id: string; secret: string } {
  const [id, secret] = new URL(link).hash.slice(1).split('.')
  return { id: id!, secret: secret! }
}

/** An attached CMS over `data` by an OpenSSL-made P-256 key and its certificate. */
async function signedBy(holder: HeldCertificate, data: Uint8Array): Promise<string> {
  const der = createPrivateKey(holder.keyPem).export({ type: 'pkcs8', format: 'der' })
  const privateKey = await crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
  return Buffer.from(await signCms({ data, privateKey, certificate: holder.der })).toString('base64')
}
const hashOf = (csr: string) => createHash('sha256').update(Buffer.from(csr, 'base64')).digest('hex')

const csrPair = () => [
  { purpose: 'auth', csr: opensslCsr('p256').der.toString('base64') },
  { purpose: 'sign', csr: opensslCsr('p256').der.toString('base64') },
]

describe.each(ENGINES)('application hand-offs (%s)', (engine) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(engine)
  }, 60_000)
  afterAll(async () => s?.close())

  const answers = { kind: 'individual', profile: 'individual', iin: IIN, email: 'aigerim@example.kz', region: 'KZ-75', algorithm: 'P-256', language: 'ru' }
  const create = (application: object | undefined, headers: Record<string, string> = { origin: ORIGIN }) =>
    s.app.inject({ method: 'POST', url: '/api/v1/handoffs', payload: { kind: 'application', requester: { name: 'Kiosk' }, ...(application ? { application } : {}) }, headers })
  const phone = (id: string, step: 'open' | 'result' | 'decline', body: object) => s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/${step}`, payload: body })
  const collect = (id: string, token: string) => s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/complete`, headers: { 'x-handoff-token': token } })
  const opened = async (application: object = answers) => {
    const h = (await create(application)).json()
    const link = fromLink(h.qr)
    expect((await phone(link.id, 'open', { secret: link.secret })).statusCode).toBe(200)
    return { h, ...link }
  }
  /**
   * The kiosk hears the refusal (long-poll and event stream: `failed` with the code), the phone
   * cannot answer again (a new QR code is the retry), the kiosk has nothing to collect, and no
   * application was submitted under this hand-off.
   */
  const expectFailed = async (o: Awaited<ReturnType<typeof opened>>, code: string) => {
    const headers = { 'x-handoff-token': o.h.token }
    const state = await s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${o.id}?after=opened`, headers })
    expect(state.json()).toMatchObject({ state: 'failed', failure: code })
    const events = await s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${o.id}/events`, headers })
    expect(events.body).toContain(`"state":"failed"`)
    expect(events.body).toContain(`"failure":"${code}"`)
    const retry = await phone(o.id, 'result', { secret: o.secret, requests: csrPair() })
    expect([retry.statusCode, retry.json().error.code]).toEqual([409, 'ERR_HANDOFF_USED'])
    expect((await collect(o.id, o.h.token)).json().error.code).toBe('ERR_INVALID_STATE')
    expect(await s.t.db.selectFrom('applications').select('number').where('idempotency_key', '=', `handoff-${o.id}`).executeTakeFirst()).toBeUndefined()
  }

  it('the phone makes the keys: the application is submitted with its CSRs, both screens get the number and access code once', async () => {
    const created = await create(answers)
    expect(created.statusCode).toBe(201)
    const h = created.json()
    const { id, secret } = fromLink(h.qr)
    const open = await phone(id, 'open', { secret })
    expect(open.statusCode).toBe(200)
    // The names are the registry's, not the kiosk's; no key, no CSR in what the kiosk sent.
    expect(open.json()).toMatchObject({
      kind: 'application',
      requester: { name: 'Kiosk', origin: ORIGIN },
      code: h.code,
      application: { kind: 'individual', profile: 'individual', iin: IIN, email: 'aigerim@example.kz', region: 'KZ-75', center: null, algorithm: 'P-256', language: 'ru' },
    })
    expect(open.json().application.surname).toMatch(/\S/)

    const requests = csrPair()
    const answered = await phone(id, 'result', { secret, requests })
    expect(answered.statusCode).toBe(200)
    const result = answered.json()
    expect(result).toMatchObject({ number: expect.stringMatching(/^\d{12}$/), accessCode: expect.any(String), status: 'submitted' })
    // The phone's response was lost and it sends again: the same application, not a second one.
    const again = await phone(id, 'result', { secret, requests })
    expect([again.statusCode, again.json()]).toEqual([200, result])
    // Other keys under the same hand-off are refused.
    const other = await phone(id, 'result', { secret, requests: csrPair() })
    expect([other.statusCode, other.json().error.code]).toEqual([409, 'ERR_IDEMPOTENCY_CONFLICT'])

    const state = await s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${id}`, headers: { 'x-handoff-token': h.token } })
    expect(state.json().state).toBe('signed')
    const done = await collect(id, h.token)
    expect([done.statusCode, done.json()]).toEqual([200, { application: result }])
    expect(await handoffDb(s.t.db).selectFrom('handoffs').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined()
    expect((await collect(id, h.token)).json().error.code).toBe('ERR_HANDOFF_NOT_FOUND')

    const status = await s.app.inject({ method: 'GET', url: `/api/v1/applications/${result.number}`, headers: { 'x-access-code': result.accessCode } })
    expect(status.statusCode).toBe(200)
    expect(status.json()).toMatchObject({ number: result.number, status: 'submitted', storage: 'browser', region: 'KZ-75' })
    expect(status.json().requests).toHaveLength(2)
  }, 60_000)

  it.each([
    ['a foreign origin', () => create(answers, { origin: 'https://evil.example' }), 403, 'ERR_ORIGIN_MISMATCH'],
    ['no application', () => create(undefined), 400, 'ERR_VALIDATION'],
    ['an extra field (a key!)', () => create({ ...answers, privateKey: 'x' }), 400, 'ERR_VALIDATION'],
    ['a bad IIN', () => create({ ...answers, iin: '010203600015' }), 400, 'ERR_INVALID_IIN'],
    ['an IIN not in the registry', () => create({ ...answers, iin: '000515500012' }), 422, 'ERR_PERSON_NOT_FOUND'],
    ['an unknown profile', () => create({ ...answers, profile: 'nobody' }), 400, 'ERR_UNKNOWN_PROFILE'],
    ['an unknown center', () => create({ ...answers, registrationCenterId: 'nowhere-1' }), 422, 'ERR_CENTER_NOT_FOUND'],
    ['no place', () => create({ kind: 'individual', profile: 'individual', iin: IIN, algorithm: 'P-256' }), 400, 'ERR_VALIDATION'],
  ])('refuses to register %s', async (_name, call, status, code) => {
    const r = await call()
    expect([r.statusCode, r.json().error.code]).toEqual([status, code])
  })

  it('refuses answers of the wrong kind, a CSR without proof of possession, a wrong secret and a late answer; a refused CSR (proof of possession, key policy, a pending key) fails the hand-off with its code for the kiosk', async () => {
    const a = await opened()
    const signatures = await phone(a.id, 'result', { secret: a.secret, signatures: ['AAAA'] })
    expect([signatures.statusCode, signatures.json().error.code]).toEqual([400, 'ERR_VALIDATION'])
    const one = await phone(a.id, 'result', { secret: a.secret, requests: csrPair().slice(0, 1) })
    expect([one.statusCode, one.json().error.code]).toEqual([400, 'ERR_VALIDATION'])
    const otherSecret = a.secret.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
    const wrong = await phone(a.id, 'result', { secret: otherSecret, requests: csrPair() })
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([404, 'ERR_HANDOFF_NOT_FOUND'])
    // Still open after a body of the wrong shape and a wrong secret: a good answer goes through.
    expect((await phone(a.id, 'result', { secret: a.secret, requests: csrPair() })).statusCode).toBe(200)

    // A signing hand-off is not answered with requests.
    const sign = (await s.app.inject({
      method: 'POST', url: '/api/v1/handoffs', headers: { origin: ORIGIN },
      payload: { kind: 'sign', requester: { name: 'Kiosk' }, documents: [{ name: 'a.txt', size: 1, sha256: 'a'.repeat(64) }] },
    })).json()
    const sl = fromLink(sign.qr)
    await phone(sl.id, 'open', { secret: sl.secret })
    const wrongKind = await phone(sl.id, 'result', { secret: sl.secret, requests: csrPair() })
    expect([wrongKind.statusCode, wrongKind.json().error.code]).toEqual([400, 'ERR_VALIDATION'])

    // A CSR without proof of possession is a verdict: the kiosk learns it (failed, with the code),
    // the hand-off takes no further answer, and nothing was submitted.
    const f = await opened()
    const forged = csrPair()
    forged[1] = { purpose: 'sign', csr: withBadSignature(opensslCsr('p256')) }
    const bad = await phone(f.id, 'result', { secret: f.secret, requests: forged })
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'ERR_SIGNATURE_INVALID'])
    await expectFailed(f, 'ERR_SIGNATURE_INVALID')

    // The key policy (RSA-1024) and a key already in another pending application: the same.
    const weak = await opened()
    const weakPair = [{ purpose: 'auth', csr: opensslCsr('rsa1024').der.toString('base64') }, csrPair()[1]]
    const w1 = await phone(weak.id, 'result', { secret: weak.secret, requests: weakPair })
    expect([w1.statusCode, w1.json().error.code]).toEqual([400, 'ERR_WEAK_KEY'])
    await expectFailed(weak, 'ERR_WEAK_KEY')
    const first = await opened()
    const reused = csrPair()
    expect((await phone(first.id, 'result', { secret: first.secret, requests: reused })).statusCode).toBe(200)
    const pending = await opened()
    const p1 = await phone(pending.id, 'result', { secret: pending.secret, requests: reused })
    expect([p1.statusCode, p1.json().error.code]).toEqual([409, 'ERR_KEY_PENDING'])
    await expectFailed(pending, 'ERR_KEY_PENDING')

    // Not opened yet, declined, expired: refused before any submission.
    const w = fromLink((await create(answers)).json().qr)
    const early = await phone(w.id, 'result', { secret: w.secret, requests: csrPair() })
    expect([early.statusCode, early.json().error.code]).toEqual([409, 'ERR_HANDOFF_USED'])
    const d = await opened()
    expect((await phone(d.id, 'decline', { secret: d.secret })).statusCode).toBe(204)
    expect((await phone(d.id, 'result', { secret: d.secret, requests: csrPair() })).json().error.code).toBe('ERR_HANDOFF_USED')
    const e = await opened()
    await handoffDb(s.t.db).updateTable('handoffs').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', e.id).execute()
    const late = await phone(e.id, 'result', { secret: e.secret, requests: csrPair() })
    expect([late.statusCode, late.json().error.code]).toEqual([410, 'ERR_HANDOFF_EXPIRED'])
    const applications = await s.t.db.selectFrom('applications').select('idempotency_key').where('idempotency_key', 'in', [`handoff-${w.id}`, `handoff-${d.id}`, `handoff-${e.id}`, `handoff-${f.id}`]).execute()
    expect(applications).toEqual([])
  }, 60_000)
  it('a phone that holds the applicant\u2019s signing certificate signs the application too: the audit names it; another person\u2019s, an authentication, a revoked certificate and other bytes are refused', async () => {
    const holder = await issuedPair(s, 200, '900101300017')
    const stranger = await issuedPair(s, 200, OTHER_IIN)
    const mine = { ...answers, iin: '900101300017' }
    const attempt = async (signer: HeldCertificate, tamper?: (f: Parameters<typeof applicationSignaturePayload>[0]) => Parameters<typeof applicationSignaturePayload>[0]) => {
      const o = await opened(mine)
      const requests = csrPair()
      const fields = { handoffId: o.id, origin: ORIGIN, iin: '900101300017', csrSha256: { auth: hashOf(requests[0]!.csr), sign: hashOf(requests[1]!.csr) } }
      const cms = await signedBy(signer, applicationSignaturePayload(tamper ? tamper(fields) : fields))
      return { o, r: await phone(o.id, 'result', { secret: o.secret, requests, cms }) }
    }
    for (const [name, signer, tamper, status, code] of [
      ['another person', stranger.sign, undefined, 403, 'ERR_HANDOFF_OTHER_PERSON'],
      ['an authentication certificate', holder.auth, undefined, 403, 'ERR_WRONG_KEY_USAGE'],
      ['other CSRs', holder.sign, (f: Parameters<typeof applicationSignaturePayload>[0]) => ({ ...f, csrSha256: { ...f.csrSha256, sign: '0'.repeat(64) } }), 400, 'ERR_REQUEST_MISMATCH'],
      ['another hand-off', holder.sign, (f: Parameters<typeof applicationSignaturePayload>[0]) => ({ ...f, handoffId: 'B'.repeat(22) }), 400, 'ERR_REQUEST_MISMATCH'],
    ] as const) {
      const { o, r } = await attempt(signer, tamper)
      expect([name, r.statusCode, r.json().error.code]).toEqual([name, status, code])
      // Refused before anything was submitted; the kiosk is told why.
      await expectFailed(o, code)
    }
    const garbage = await opened(mine)
    const g = await phone(garbage.id, 'result', { secret: garbage.secret, requests: csrPair(), cms: 'AAAAAAAA' })
    expect([g.statusCode, g.json().error.code]).toEqual([400, 'ERR_MALFORMED'])
    await expectFailed(garbage, 'ERR_MALFORMED')

    const { r } = await attempt(holder.sign)
    expect(r.statusCode, r.body).toBe(200)
    expect(r.json()).toMatchObject({ status: 'submitted', signedBy: holder.sign.serial })
    const audit = await s.t.db.selectFrom('audit_log').select(['actor', 'after']).where('action', '=', 'application.holder_signed').where('entity_id', '=', r.json().number).execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]!.actor).toBe(`holder:${holder.sign.serial}`)
    // The operator's view of the application names the certificate that signed it, and when;
    // an application without the holder's signature has none.
    const cookie = await s.operatorCookie()
    const view = (number: string) => s.app.inject({ url: `/api/v1/operator/applications/${number}`, headers: { cookie } })
    const seen = (await view(r.json().number)).json()
    expect(seen.holderSignature).toEqual({ signerSerial: holder.sign.serial, at: expect.any(String) })
    expect(Math.abs(Date.parse(seen.holderSignature.at) - Date.now())).toBeLessThan(10 * 60_000)
    const unsigned = await opened(mine)
    const plain = await phone(unsigned.id, 'result', { secret: unsigned.secret, requests: csrPair() })
    expect((await view(plain.json().number)).json().holderSignature).toBeNull()

    // A revoked certificate no longer vouches.
    await s.t.db.updateTable('certificates').set({ status: 'revoked', revoked_at: new Date(), revocation_reason: 1 }).where('serial', '=', holder.sign.serial).execute()
    const revoked = await attempt(holder.sign)
    expect([revoked.r.statusCode, revoked.r.json().error.code]).toEqual([403, 'ERR_CERT_REVOKED'])
    await expectFailed(revoked.o, 'ERR_CERT_REVOKED')
  }, 120_000)
})
