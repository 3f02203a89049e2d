/**
 * The cabinet's "where you are signed in", through the whole Registration Center on PGlite: a
 * person signed in from three browsers sees the three live sessions with their devices and this
 * one marked, the name read from the certificate (not the DN), ends one other session, then all
 * others; the ended sessions stop working at once, the current one keeps working; another
 * person's session cannot be named; ending this session clears its cookie. Each ending is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueAndRecord } from '../../../server/ca/store.ts'
import { getProfile } from '../../../server/profiles/index.ts'
import { signCms } from '../../../src/pki/cms.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'

const IIN = '700611300018'
const OTHER_IIN = '850315300019'
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'

interface Person {
  keys: CryptoKeyPair
  certificate: Uint8Array
}

interface SessionRow {
  ref: string
  current: boolean
  userAgent: string | null
  signedInAt: string
  lastSeenAt: string
}

let server: TestServer
let person: Person
let other: Person

async function issuePerson(iin: string, surname: string, name: string, patronymic?: string): Promise<Person> {
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  const subject = { commonName: `${surname} ${name}`, surname, serialNumber: `IIN${iin}`, country: 'KZ', ...(patronymic ? { givenName: patronymic } : {}) }
  const issued = await issueAndRecord(
    server.ctx.db,
    server.ca,
    { profile: getProfile('individual')!, purpose: 'auth', csr: { publicKey: { spki } }, subject, storage: 'browser' },
    { purpose: 'auth', actor: 'test' },
  )
  return { keys, certificate: new Uint8Array(issued.der) }
}

/** Signs in as `who` from a browser with `userAgent`; resolves with the session's Cookie header. */
async function signIn(who: Person, userAgent: string): Promise<string> {
  const ch = await server.app.inject({ method: 'POST', url: '/api/v1/auth/challenge', headers: { 'user-agent': userAgent } })
  const prelogin = ([] as string[]).concat(ch.headers['set-cookie'] ?? []).map((l) => l.split(';')[0]).join('; ')
  const payload = new Uint8Array(Buffer.from((ch.json() as { payload: string }).payload, 'base64'))
  const cms = await signCms({ data: payload, privateKey: who.keys.privateKey, certificate: who.certificate, chain: [new Uint8Array(server.ca.hierarchy.issuing.der)] })
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { cookie: prelogin, 'user-agent': userAgent },
    payload: { cms: Buffer.from(cms).toString('base64') },
  })
  expect(res.statusCode).toBe(200)
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((l) => l.startsWith('qoltanba-session='))!.split(';')[0]!
}

const get = (url: string, cookie: string) => server.app.inject({ method: 'GET', url, headers: { cookie } })
const del = (url: string, cookie: string) => server.app.inject({ method: 'DELETE', url, headers: { cookie } })
const sessionsOf = async (cookie: string) => ((await get('/api/v1/me/sessions', cookie)).json() as { sessions: SessionRow[] }).sessions

beforeAll(async () => {
  server = await startTestServer('pglite')
  person = await issuePerson(IIN, 'ТЕСТОВ', 'ТЕСТ', 'ТЕСТОВИЧ')
  other = await issuePerson(OTHER_IIN, 'ӘЛИЕВА', 'ӘСЕЛ')
})

afterAll(async () => {
  await server?.close()
})

describe('my sessions in the cabinet', () => {
  it('names the person as people write it, in the session, the login answer and /me', async () => {
    const cookie = await signIn(person, FIREFOX)
    const me = (await get('/api/v1/me', cookie)).json() as { iin: string; name: unknown; subject: string }
    expect(me.iin).toBe(IIN)
    expect(me.name).toEqual({ surname: 'Тестов', name: 'Тест', patronymic: 'Тестович', full: 'Тестов Тест Тестович' })
    expect((await get('/api/v1/auth/session', cookie)).json()).toMatchObject({ name: { full: 'Тестов Тест Тестович' } })
    const otherCookie = await signIn(other, CHROME)
    expect((await get('/api/v1/me', otherCookie)).json()).toMatchObject({ name: { full: 'Әлиева Әсел', patronymic: null } })
    for (const c of [cookie, otherCookie]) await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: c } })
  })

  it('lists my live sessions with their devices, ends one other, then all others', async () => {
    const firefox = await signIn(person, FIREFOX)
    const chrome = await signIn(person, CHROME)
    const safari = await signIn(person, SAFARI)
    const stranger = await signIn(other, CHROME)

    const listed = await sessionsOf(firefox)
    expect(listed.map((s) => s.userAgent).sort()).toEqual([CHROME, FIREFOX, SAFARI].sort())
    expect(listed.filter((s) => s.current).map((s) => s.userAgent)).toEqual([FIREFOX])
    for (const s of listed) {
      expect(s.ref).toMatch(/^[A-Za-z0-9_-]{22}$/)
      expect(Date.parse(s.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(s.signedInAt))
    }

    // Another person cannot end my session, even knowing its ref.
    const chromeRef = listed.find((s) => s.userAgent === CHROME)!.ref
    const foreign = await del(`/api/v1/me/sessions/${chromeRef}`, stranger)
    expect(foreign.statusCode).toBe(404)
    expect(foreign.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } })
    expect((await get('/api/v1/me', chrome)).statusCode).toBe(200)

    // I can: the Chrome session stops working at once, mine goes on.
    expect((await del(`/api/v1/me/sessions/${chromeRef}`, firefox)).statusCode).toBe(204)
    expect((await get('/api/v1/me', chrome)).json()).toMatchObject({ error: { code: 'ERR_SESSION_REQUIRED' } })
    expect((await sessionsOf(firefox)).map((s) => s.userAgent).sort()).toEqual([FIREFOX, SAFARI].sort())
    // A second time it is no longer a live session of mine.
    expect((await del(`/api/v1/me/sessions/${chromeRef}`, firefox)).statusCode).toBe(404)

    // Sign out everywhere else: Safari ends, Firefox and the other person's session go on.
    expect((await del('/api/v1/me/sessions/others', firefox)).json()).toEqual({ ended: 1 })
    expect((await get('/api/v1/me', safari)).statusCode).toBe(401)
    expect((await sessionsOf(firefox)).map((s) => s.userAgent)).toEqual([FIREFOX])
    expect((await get('/api/v1/me', stranger)).statusCode).toBe(200)

    const audit = await server.ctx.db.selectFrom('audit_log').select(['actor', 'after']).where('action', '=', 'auth.logout').execute()
    const fromCabinet = audit.filter((a) => (a.after as { endedFrom?: string } | null)?.endedFrom === 'another session')
    expect(fromCabinet.filter((a) => a.actor === `person:${IIN}`).length).toBeGreaterThanOrEqual(2)
  })

  it('ending this session from the list clears its cookie', async () => {
    const cookie = await signIn(person, SAFARI)
    const mine = (await sessionsOf(cookie)).find((s) => s.current)!
    const res = await del(`/api/v1/me/sessions/${mine.ref}`, cookie)
    expect(res.statusCode).toBe(204)
    expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((l) => /^qoltanba-session=;.*Max-Age=0/.test(l))).toBe(true)
    expect((await get('/api/v1/me', cookie)).statusCode).toBe(401)
  })

  it('refuses without a session and refuses a malformed ref', async () => {
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/me/sessions' })).json()).toMatchObject({ error: { code: 'ERR_SESSION_REQUIRED' } })
    expect((await server.app.inject({ method: 'DELETE', url: '/api/v1/me/sessions/others' })).statusCode).toBe(401)
    const cookie = await signIn(person, FIREFOX)
    const bad = await del('/api/v1/me/sessions/not-a-ref', cookie)
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ error: { code: 'ERR_VALIDATION' } })
  })
})
