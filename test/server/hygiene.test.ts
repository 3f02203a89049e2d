/**
 * API hygiene: error model, security headers, OpenAPI document, profiles, person lookup, rate
 * limits, and logs without secrets.
 */
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pino from 'pino'
import { LOG_REDACT, logRequest } from '../../server/app.ts'
import { startTestServer, type TestServer } from './helpers/app.ts'

describe('API hygiene', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer('pglite', { RATE_LIMIT_LOOKUP: '3', RATE_LIMIT_STATUS: '2' })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('sets security headers, with a CSP that allows the loopback agents and no inline code', async () => {
    const res = await s.app.inject({ url: '/api/v1/health' })
    expect(res.statusCode).toBe(200)
    const csp = String(res.headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain('wss://127.0.0.1:*')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    // WebAssembly compilation only (the document hashing worker's SHA-256); eval stays forbidden.
    const scriptSources = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src '))?.split(/\s+/)
    expect(scriptSources).toEqual(['script-src', "'self'", "'wasm-unsafe-eval'"])
    expect(csp).not.toMatch(/'unsafe-eval'/)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
  })

  it('answers unknown API paths with the JSON error model', async () => {
    const res = await s.app.inject({ url: '/api/v1/nothing-here' })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: { code: 'ERR_NOT_FOUND', message: expect.any(String) } })
  })

  it('refuses unsupported content types with 415', async () => {
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/persons/lookup', headers: { 'content-type': 'application/xml' }, payload: '<iin/>' })
    expect(res.statusCode).toBe(415)
    expect(res.json().error.code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE')
  })

  it('serves an OpenAPI 3.1 document naming every public route', async () => {
    const res = await s.app.inject({ url: '/api/docs' })
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toBe('3.1.0')
    for (const path of ['/api/v1/health', '/api/v1/profiles', '/api/v1/persons/lookup', '/api/v1/applications', '/api/v1/applications/{number}', '/api/v1/operator/applications/{number}/approve']) {
      expect(Object.keys(doc.paths)).toContain(path)
    }
  })

  it('lists the profiles as data', async () => {
    const res = await s.app.inject({ url: '/api/v1/profiles' })
    const { profiles } = res.json() as { profiles: Array<{ id: string; certificates: { auth: { extKeyUsage: string[]; policies: string[] }; sign: { extKeyUsage: string[] } }; validityDays: Record<string, number>; allowedKeys: unknown[] }> }
    expect(profiles.map((p) => p.id)).toEqual(['individual', 'legal_head', 'legal_signer', 'legal_finance', 'legal_hr', 'legal_employee'])
    const individual = profiles[0]!
    expect(individual.certificates.auth.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.2', '1.2.398.3.3.4.1.1'])
    expect(individual.certificates.sign.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.1.1'])
    expect(individual.certificates.auth.policies).toEqual(['1.2.398.3.3.2.4'])
    expect(individual.validityDays).toEqual({ browser: 365, file: 365, token: 1095 })
    expect(profiles.find((p) => p.id === 'legal_hr')!.certificates.sign.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.4'])
    expect(individual.allowedKeys).toEqual([
      { algorithm: 'RSA', minBits: 2048, maxBits: 4096 },
      { algorithm: 'EC', curves: ['P-256', 'P-384'] },
    ])
  })

  it('looks persons up by IIN, then rate-limits the lookup', async () => {
    const lookup = (iin: string) => s.app.inject({ method: 'POST', url: '/api/v1/persons/lookup', payload: { iin }, remoteAddress: '10.0.0.1' })
    const ok = await lookup('900101300017')
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ iin: '900101300017', surname: 'ТЕСТОВ', name: 'ТЕСТ', patronymic: 'ТЕСТОВИЧ' })
    expect((await lookup('900101300018')).json().error.code).toBe('ERR_INVALID_IIN')
    const missing = await lookup('000515500012')
    expect(missing.statusCode).toBe(404)
    expect(missing.json().error.code).toBe('ERR_PERSON_NOT_FOUND')
    const limited = await lookup('900101300017')
    expect(limited.statusCode).toBe(429)
    expect(limited.json().error.code).toBe('ERR_RATE_LIMITED')
    expect(limited.headers['retry-after']).toBeDefined()
    // Another client is not affected.
    const other = await s.app.inject({ method: 'POST', url: '/api/v1/persons/lookup', payload: { iin: '900101300017' }, remoteAddress: '10.0.0.2' })
    expect(other.statusCode).toBe(200)
  })

  it('rate-limits status checks (guessing access codes)', async () => {
    const check = () => s.app.inject({ url: '/api/v1/applications/260000000018', headers: { 'x-access-code': 'AAAA-BBBB-CCCC' }, remoteAddress: '10.0.0.9' })
    expect((await check()).statusCode).toBe(403)
    expect((await check()).statusCode).toBe(403)
    const limited = await check()
    expect(limited.statusCode).toBe(429)
    expect(limited.json().error.code).toBe('ERR_RATE_LIMITED')
  })

  it('withholds the query string of the OpenID Connect endpoints (ID tokens, hints) from request log lines', async () => {
    const lines: string[] = []
    const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb() } })
    const log = pino({ serializers: { req: logRequest } }, stream)
    const idToken = 'eyJhbGciOiJFUzI1NiJ9.eyJpaW4iOiI4NzAxMDEzMDAwMDMifQ.sig'
    log.info({ req: { method: 'GET', url: `/oidc/session/end?id_token_hint=${idToken}&state=x`, host: 'localhost', ip: '127.0.0.1' } }, 'incoming request')
    log.info({ req: { method: 'GET', url: '/api/v1/applications?limit=5', host: 'localhost', ip: '127.0.0.1' } }, 'incoming request')
    const text = lines.join('')
    expect(text).not.toContain(idToken)
    expect(text).toContain('/oidc/session/end?[redacted]')
    expect(text).toContain('/api/v1/applications?limit=5')
  })

  it('redacts access codes, session cookies, tokens and passwords from log lines', () => {
    const lines: string[] = []
    const log = pino(
      { redact: { paths: LOG_REDACT, censor: '[redacted]' } },
      new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb() } }),
    )
    log.info({ req: { headers: { authorization: 'Bearer qot1.secret', 'x-access-code': 'ABCD-EFGH-JKMN', 'idempotency-key': 'k'.repeat(20) } } }, 'request')
    log.info({ body: { accessCode: 'ABCD-EFGH-JKMN', password: 'hunter22', token: 'qot1.secret' } }, 'result')
    // The session cookie is the only operator credential (certificate sign-in): never in a log line.
    const session = 'S'.repeat(43)
    log.info({ req: { headers: { cookie: `qoltanba-session=${session}` } }, res: { headers: { 'set-cookie': [`qoltanba-session=${session}; HttpOnly`] } } }, 'sign-in')
    const text = lines.join('')
    expect(text).not.toContain(session)
    expect(text).not.toContain('qot1.secret')
    expect(text).not.toContain('ABCD-EFGH-JKMN')
    expect(text).not.toContain('hunter22')
    expect(text).toContain('[redacted]')
  })
})
