/**
 * The CA's clock hook (server/clock.ts) on PGlite and PostgreSQL: a server started for tests
 * (QOLTANBA_TEST_CLOCK=1 with NODE_ENV=test) issues with a moved clock — a certificate that ends
 * in 30 days — which renews under the DEFAULT policy (60-day window, 7 grace days); moving the
 * clock past the grace period runs the superseded job before PUT /api/v1/test/clock answers.
 * Without NODE_ENV=test the setting is refused at start, and a normal server has no such route.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestClock } from '../../../server/clock.ts'
import { ConfigError, loadConfig } from '../../../server/config.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { ENGINES } from '../helpers/database.ts'
import { opensslCsr } from '../helpers/csr.ts'
import { HOLDER_IIN, postRenewal, renewalBody, type IssuedPair } from './renewal-fixture.ts'

const DAY = 86_400_000

describe('QOLTANBA_TEST_CLOCK', () => {
  const base = { DATA_DIR: '/tmp/qt-clock-config', PUBLIC_URL: 'http://localhost:8080' }
  it('is refused unless NODE_ENV=test, so production cannot backdate a certificate', () => {
    for (const NODE_ENV of [undefined, 'production', 'development']) {
      expect(() => loadConfig({ ...base, QOLTANBA_TEST_CLOCK: '1', ...(NODE_ENV ? { NODE_ENV } : {}) })).toThrow(ConfigError)
    }
    expect(() => loadConfig({ ...base, QOLTANBA_TEST_CLOCK: 'yes', NODE_ENV: 'test' })).toThrow(/QOLTANBA_TEST_CLOCK must be 1 or 0/)
    expect(loadConfig({ ...base, QOLTANBA_TEST_CLOCK: '1', NODE_ENV: 'test' }).testClock).toBe(true)
    expect(loadConfig({ ...base, NODE_ENV: 'test' }).testClock).toBeUndefined()
  })
})

describe.each(ENGINES)('the clock hook on %s', (engine) => {
  let s: TestServer
  let plain: TestServer
  let cookie: string
  beforeAll(async () => {
    s = await startTestServer(engine, { QOLTANBA_TEST_CLOCK: '1', NODE_ENV: 'test' }, { renewalJob: false })
    plain = await startTestServer(engine, {}, { renewalJob: false })
    cookie = await s.operatorCookie()
  })
  afterAll(async () => {
    await s?.close()
    await plain?.close()
  })

  const moveClock = (offsetDays: number, headers: Record<string, string> = { cookie }) =>
    s.app.inject({ method: 'PUT', url: '/api/v1/test/clock', headers, payload: { offsetDays } })
  const certStatus = (serial: string) => s.t.db.selectFrom('certificates').select(['status', 'revocation_reason']).where('serial', '=', serial).executeTakeFirstOrThrow()

  it('only a test server has the route, and only for an operator', async () => {
    expect(s.ctx.clock).toBeInstanceOf(TestClock)
    expect(plain.ctx.clock).not.toBeInstanceOf(TestClock)
    const none = await plain.app.inject({ method: 'PUT', url: '/api/v1/test/clock', headers: { cookie: await plain.operatorCookie() }, payload: { offsetDays: -335 } })
    expect(none.statusCode).toBe(404)
    expect((await moveClock(-335, {})).statusCode).toBe(401)
    expect((await moveClock(-99_999)).statusCode).toBe(400)
    expect((s.ctx.clock as TestClock).offsetMs).toBe(0)
  })

  it('issues a pair that ends in 30 days, renews it with the default window, and the grace period passes by the clock', async () => {
    expect(s.config.renewal).toEqual({ windowDays: 60, autoIssue: true, graceDays: 7 })
    const keys = { auth: opensslCsr('p256'), sign: opensslCsr('p256') }
    const submitted = await s.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'idempotency-key': randomUUID() },
      payload: { profile: 'individual', iin: HOLDER_IIN, region: 'KZ-75', storage: 'browser', requests: [{ purpose: 'auth', csr: keys.auth.pem }, { purpose: 'sign', csr: keys.sign.pem }] },
    })
    expect(submitted.statusCode, submitted.body).toBe(201)
    const { number, accessCode } = submitted.json() as { number: string; accessCode: string }

    // Approved 335 days ago by the server's clock: a one-year certificate with 30 days left.
    const moved = await moveClock(-335)
    expect(moved.statusCode, moved.body).toBe(200)
    expect(Math.round((Date.now() - Date.parse(moved.json().now as string)) / DAY)).toBe(335)
    const approved = await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${number}/approve`, headers: { cookie }, payload: { identityChecked: true } })
    expect(approved.statusCode, approved.body).toBe(200)
    expect((await moveClock(0)).statusCode).toBe(200)
    const certs = await s.t.db.selectFrom('certificates').select(['serial', 'purpose', 'der', 'not_after']).where('application_number', '=', number).orderBy('purpose').execute()
    for (const c of certs) expect(Math.round((new Date(c.not_after).getTime() - Date.now()) / DAY)).toBe(30)
    const held = (purpose: 'auth' | 'sign') => {
      const c = certs.find((x) => x.purpose === purpose)!
      return { serial: c.serial, der: new Uint8Array(c.der), keyPem: keys[purpose].keyPem }
    }
    const old: IssuedPair = { number, accessCode, auth: held('auth'), sign: held('sign') }

    // Today, with the default 60-day window: renewable.
    const res = await postRenewal(s, await renewalBody(old))
    expect(res.statusCode, res.body).toBe(201)
    const r = res.json() as { number: string; accessCode: string; status: string }
    expect(r.status).toBe('issued')
    const fresh = await s.t.db.selectFrom('certificates').select(['not_after']).where('application_number', '=', r.number).execute()
    for (const c of fresh) expect(Math.round((new Date(c.not_after).getTime() - Date.now()) / DAY)).toBe(365)
    const installed = await s.app.inject({ method: 'POST', url: `/api/v1/applications/${r.number}/installed`, headers: { 'x-access-code': r.accessCode } })
    expect(installed.statusCode).toBe(200)

    // Six days on: inside the grace period. Eight days on: superseded before the move answers.
    expect((await moveClock(6)).statusCode).toBe(200)
    expect(await certStatus(old.sign.serial)).toEqual({ status: 'good', revocation_reason: null })
    expect((await moveClock(8)).statusCode).toBe(200)
    for (const serial of [old.auth.serial, old.sign.serial]) expect(await certStatus(serial)).toEqual({ status: 'revoked', revocation_reason: 4 })
    expect((await moveClock(0)).statusCode).toBe(200)
  })
})
