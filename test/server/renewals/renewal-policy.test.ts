/**
 * Online renewal on PGlite and PostgreSQL: a pair 30 days before its end is renewed with a
 * request signed by its current signing key, issued without an operator, and after installation
 * the old pair is revoked as superseded by the job once the grace period has passed (job clock
 * advanced, no sleeps). Every refusal has its code and stores nothing (no application, no renewals
 * row), two renewals of one pair at once give one; RENEWAL_AUTO_ISSUE=false
 * queues the renewal for an operator.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changeStatus } from '../../../server/ca/revocation.ts'
import { supersedeDueRenewals } from '../../../server/renewals/supersede.ts'
import { countRows } from '../../../server/applications/service.ts'
import { renewalDb } from '../../../server/renewals/schema.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { ENGINES } from '../helpers/database.ts'
import { HOLDER_IIN, issuedPair, OTHER_IIN, postRenewal, renewalBody } from './renewal-fixture.ts'

const DAY = 86_400_000

describe.each(ENGINES)('online renewal on %s', (engine) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(engine, {}, { renewalJob: false })
  })
  afterAll(async () => {
    await s?.close()
  })

  const renewalRows = async () => (await renewalDb(s.t.db).selectFrom('renewals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
  const certStatus = (serial: string) => s.t.db.selectFrom('certificates').select(['status', 'revocation_reason', 'revoked_by']).where('serial', '=', serial).executeTakeFirstOrThrow()

  it('renews a pair 30 days before its end, issues it at once, and supersedes the old pair after the grace period', async () => {
    const old = await issuedPair(s, 30)
    const body = await renewalBody(old)
    const key = randomUUID()
    const res = await postRenewal(s, body, key)
    expect(res.statusCode, res.body).toBe(201)
    const r = res.json() as { number: string; accessCode: string; status: string; previousNumber: string; graceDays: number }
    expect(r).toMatchObject({ status: 'issued', previousNumber: old.number, graceDays: 7 })

    // Resubmission (a retry after a lost answer, or the outbox after the browser closed) is the same application.
    const again = await postRenewal(s, body, key)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({ number: r.number, accessCode: r.accessCode, status: 'issued' })

    const app = await s.t.db.selectFrom('applications').selectAll().where('number', '=', r.number).executeTakeFirstOrThrow()
    expect({ profile: app.profile, iin: app.iin, storage: app.storage, issued_by: app.issued_by }).toEqual({ profile: 'individual', iin: HOLDER_IIN, storage: 'browser', issued_by: 'system' })
    const newCerts = await s.t.db.selectFrom('certificates').select(['serial', 'purpose', 'status']).where('application_number', '=', r.number).orderBy('purpose').execute()
    expect(newCerts.map((c) => [c.purpose, c.status])).toEqual([['auth', 'good'], ['sign', 'good']])

    // The audit log chains the renewal to the pair it renews, and says who authorised the issuance.
    const audit = await s.t.db.selectFrom('audit_log').select(['action', 'actor', 'before', 'after']).where('entity_id', '=', r.number).orderBy('id').execute()
    expect(audit.map((a) => a.action)).toEqual(['application.submit', 'renewal.submit', 'application.approve'])
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>
    expect(json(audit[1]!.before)).toEqual({ renews: old.number, signerSerial: old.sign.serial })
    expect(json(audit[2]!.after).identity).toEqual({ renewalSignedBy: old.sign.serial })

    // Not installed yet: the job leaves the old pair alone, however late it is.
    expect(await supersedeDueRenewals(s.t.db, s.ca, s.config.renewal, new Date(Date.now() + 20 * DAY))).toEqual([])
    const installed = await s.app.inject({ method: 'POST', url: `/api/v1/applications/${r.number}/installed`, headers: { 'x-access-code': r.accessCode } })
    expect(installed.statusCode).toBe(200)
    const view = await s.app.inject({ method: 'GET', url: `/api/v1/renewals/${r.number}`, headers: { 'x-access-code': r.accessCode } })
    expect(view.statusCode).toBe(200)
    const supersedeAfter = Date.parse(view.json().supersedeAfter as string)
    expect(Math.round((supersedeAfter - Date.now()) / DAY)).toBe(7)

    // Inside the grace period: still valid. After it: both revoked with reason superseded (4), once.
    expect(await supersedeDueRenewals(s.t.db, s.ca, s.config.renewal, new Date(Date.now() + 6 * DAY))).toEqual([])
    expect((await certStatus(old.sign.serial)).status).toBe('good')
    const revoked = await supersedeDueRenewals(s.t.db, s.ca, s.config.renewal, new Date(Date.now() + 8 * DAY))
    expect(revoked.sort()).toEqual([old.auth.serial, old.sign.serial].sort())
    for (const serial of revoked) expect(await certStatus(serial)).toEqual({ status: 'revoked', revocation_reason: 4, revoked_by: `system:renewal:${r.number}` })
    expect(await supersedeDueRenewals(s.t.db, s.ca, s.config.renewal, new Date(Date.now() + 9 * DAY))).toEqual([])
    for (const c of newCerts) expect((await certStatus(c.serial)).status).toBe('good')
    const after = await s.app.inject({ method: 'GET', url: `/api/v1/renewals/${r.number}`, headers: { 'x-access-code': r.accessCode } })
    expect(after.json().previousCertificates).toEqual(expect.arrayContaining([expect.objectContaining({ serial: old.sign.serial, status: 'revoked', reason: 4 })]))
    expect(after.json().supersededAt).not.toBeNull()

    // Renewed once: the same pair cannot be renewed again, even signed afresh.
    const second = await postRenewal(s, await renewalBody(old))
    expect({ status: second.statusCode, code: second.json().error.code }).toEqual({ status: 409, code: 'ERR_RENEWAL_REVOKED' })
  })

  it('revokes the old pair at once when the holder asks, after installation', async () => {
    const old = await issuedPair(s, 10)
    const res = await postRenewal(s, await renewalBody(old))
    const r = res.json() as { number: string; accessCode: string }
    const headers = { 'x-access-code': r.accessCode }
    // Asked before installation: remembered, nothing revoked yet.
    const early = await s.app.inject({ method: 'POST', url: `/api/v1/renewals/${r.number}/supersede-now`, headers })
    expect(early.statusCode, early.body).toBe(200)
    expect(early.json()).toMatchObject({ supersedeNow: true, supersededAt: null })
    expect((await certStatus(old.sign.serial)).status).toBe('good')
    // The installation ticks the job itself (index.ts); the job run by hand finds nothing left twice.
    await s.app.inject({ method: 'POST', url: `/api/v1/applications/${r.number}/installed`, headers })
    await expect.poll(async () => (await certStatus(old.auth.serial)).revocation_reason, { timeout: 10_000 }).toBe(4)
    expect(await certStatus(old.sign.serial)).toMatchObject({ status: 'revoked', revocation_reason: 4 })
    expect(await supersedeDueRenewals(s.t.db, s.ca, s.config.renewal)).toEqual([])
    const wrongCode = await s.app.inject({ method: 'POST', url: `/api/v1/renewals/${r.number}/supersede-now`, headers: { 'x-access-code': 'AAAA-BBBB-CCCC' } })
    expect(wrongCode.statusCode).toBe(403)
  })

  it('with supersedeNow in the signed request, installing the new pair revokes the old one without waiting for the hourly tick', async () => {
    const old = await issuedPair(s, 20)
    const res = await postRenewal(s, await renewalBody(old, { supersedeNow: true }))
    expect(res.statusCode, res.body).toBe(201)
    const r = res.json() as { number: string; accessCode: string }
    expect((await certStatus(old.sign.serial)).status).toBe('good')
    await s.app.inject({ method: 'POST', url: `/api/v1/applications/${r.number}/installed`, headers: { 'x-access-code': r.accessCode } })
    await expect.poll(async () => (await certStatus(old.sign.serial)).revocation_reason, { timeout: 10_000 }).toBe(4)
    expect((await certStatus(old.auth.serial)).revocation_reason).toBe(4)
  })

  describe('refusals: a code each, nothing stored', () => {
    it.each([
      ['wrong key: signed by the authentication key', 403, 'ERR_RENEWAL_WRONG_KEY', async () => {
        const p = await issuedPair(s, 30)
        return renewalBody(p, { signer: p.auth })
      }],
      ['wrong key: the authentication certificate named and signing', 403, 'ERR_RENEWAL_WRONG_KEY', async () => {
        const p = await issuedPair(s, 30)
        return renewalBody(p, { signer: p.auth, serial: p.auth.serial })
      }],
      ['wrong key: another holder\u2019s signing key', 403, 'ERR_RENEWAL_WRONG_KEY', async () => {
        const p = await issuedPair(s, 30)
        const other = await issuedPair(s, 30, OTHER_IIN)
        return renewalBody(p, { signer: other.sign })
      }],
      ['other person named in the request', 403, 'ERR_RENEWAL_OTHER_PERSON', async () => renewalBody(await issuedPair(s, 30), { bodyIin: OTHER_IIN, iin: OTHER_IIN })],
      ['outside the window (100 days left)', 409, 'ERR_RENEWAL_TOO_EARLY', async () => renewalBody(await issuedPair(s, 100))],
      ['a day before the window opens (61 days left)', 409, 'ERR_RENEWAL_TOO_EARLY', async () => renewalBody(await issuedPair(s, 61))],
      ['expired', 409, 'ERR_RENEWAL_EXPIRED', async () => renewalBody(await issuedPair(s, -1))],
      ['revoked', 409, 'ERR_RENEWAL_REVOKED', async () => {
        const p = await issuedPair(s, 30)
        await changeStatus(s.t.db, s.ca, { action: 'revoke', reason: 1 }, p.sign.serial, 'test')
        return renewalBody(p)
      }],
      ['held', 409, 'ERR_RENEWAL_REVOKED', async () => {
        const p = await issuedPair(s, 30)
        await changeStatus(s.t.db, s.ca, { action: 'hold' }, p.sign.serial, 'test')
        return renewalBody(p)
      }],
      ['signed over other CSRs', 400, 'ERR_REQUEST_MISMATCH', async () => {
        const p = await issuedPair(s, 30)
        const { opensslCsr } = await import('../helpers/csr.ts')
        return renewalBody(p, { signedCsrs: { auth: opensslCsr('p256'), sign: opensslCsr('p256') } })
      }],
      ['signed an hour ago', 400, 'ERR_REQUEST_EXPIRED', async () => renewalBody(await issuedPair(s, 30), { time: new Date(Date.now() - 3600_000) })],
      ['not a CMS', 400, 'ERR_MALFORMED', async () => ({ ...(await renewalBody(await issuedPair(s, 30))), cms: Buffer.from('this is not a CMS at all, really').toString('base64') })],
      ['a certificate not issued here', 404, 'ERR_NOT_ISSUED_HERE', async () => ({ ...(await renewalBody(await issuedPair(s, 30))), serial: '4242' })],
    ] as const)('%s', async (_name, status, code, make) => {
      const body = await make()
      const before = { applications: await countRows(s.t.db, 'applications'), renewals: await renewalRows() }
      const res = await postRenewal(s, body)
      expect({ status: res.statusCode, code: res.json().error?.code }, res.body).toEqual({ status, code })
      expect({ applications: await countRows(s.t.db, 'applications'), renewals: await renewalRows() }).toEqual(before)
    })

    it('two renewals of the same pair at once (different keys and key headers): one is issued, the other is ERR_ALREADY_RENEWED', async () => {
      const p = await issuedPair(s, 30)
      const results = await Promise.all([postRenewal(s, await renewalBody(p)), postRenewal(s, await renewalBody(p))])
      const statuses = results.map((r) => r.statusCode).sort()
      expect(statuses, results.map((r) => r.body).join('\n')).toEqual([201, 409])
      const loser = results.find((r) => r.statusCode === 409)!
      expect(loser.json().error.code).toBe('ERR_ALREADY_RENEWED')
      const links = await renewalDb(s.t.db).selectFrom('renewals').select('application_number').where('previous_application_number', '=', p.number).execute()
      expect(links.map((l) => l.application_number)).toEqual([results.find((r) => r.statusCode === 201)!.json().number])
    })

    it('a second renewal of the same pair (new keys, new key header) is ERR_ALREADY_RENEWED', async () => {
      const p = await issuedPair(s, 30)
      const first = await postRenewal(s, await renewalBody(p))
      expect(first.statusCode).toBe(201)
      const second = await postRenewal(s, await renewalBody(p))
      expect({ status: second.statusCode, code: second.json().error.code, number: second.json().error.details?.number }).toEqual({ status: 409, code: 'ERR_ALREADY_RENEWED', number: first.json().number })
    })

    it('a body without an Idempotency-Key or of the wrong shape is refused', async () => {
      const p = await issuedPair(s, 30)
      const body = await renewalBody(p)
      const noKey = await s.app.inject({ method: 'POST', url: '/api/v1/renewals', payload: body })
      expect(noKey.json().error.code).toBe('ERR_IDEMPOTENCY_KEY_REQUIRED')
      const bad = await postRenewal(s, { ...body, serial: 'zz' })
      expect(bad.statusCode).toBe(400)
    })
  })
})

describe.each(ENGINES)('RENEWAL_AUTO_ISSUE=false on %s', (engine) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(engine, { RENEWAL_AUTO_ISSUE: 'false', RENEWAL_WINDOW_DAYS: '20' }, { renewalJob: false })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('queues the renewal for an operator, inside the configured window only', async () => {
    const tooEarly = await postRenewal(s, await renewalBody(await issuedPair(s, 30)))
    expect(tooEarly.json().error.code).toBe('ERR_RENEWAL_TOO_EARLY')
    const old = await issuedPair(s, 15)
    const res = await postRenewal(s, await renewalBody(old))
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().status).toBe('submitted')
    const number = res.json().number as string
    const cookie = await s.operatorCookie()
    // The console shows the chain both ways (the "renewal" badge and the links).
    const view = await s.app.inject({ method: 'GET', url: `/api/v1/operator/applications/${number}`, headers: { cookie } })
    expect(view.json().renewal).toEqual({ renews: old.number, signerSerial: old.sign.serial, renewedBy: null, supersededAt: null })
    expect(view.json().history.map((h: { action: string }) => h.action)).toContain('renewal.submit')
    const queue = await s.app.inject({ method: 'GET', url: '/api/v1/operator/applications?status=submitted', headers: { cookie } })
    expect(queue.json().applications.find((a: { number: string }) => a.number === number)).toMatchObject({ renewal: true })
    const oldView = await s.app.inject({ method: 'GET', url: `/api/v1/operator/applications/${old.number}`, headers: { cookie } })
    expect(oldView.json().renewal).toMatchObject({ renews: null, renewedBy: number })
    const approved = await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${number}/approve`, headers: { cookie }, payload: { identityChecked: true } })
    expect(approved.statusCode, approved.body).toBe(200)
  })
})
