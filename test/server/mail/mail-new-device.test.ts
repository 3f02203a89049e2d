/**
 * "A sign-in from a new device" (MAIL_NEW_DEVICE_SIGNIN=1) through the whole Registration Center
 * and a real SMTP server, on PGlite and PostgreSQL: the first sign-in from a browser and system
 * gives one message to the person's confirmed address, in its language, naming the device and
 * the time with the cabinet's link; the same device again (even a newer browser version) gives
 * none, another device one more, also when the browser signs in through the phone; an unconfirmed address gets nothing; with the setting off,
 * nothing is queued. The message carries nothing secret.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueAndRecord } from '../../../server/ca/store.ts'
import { mailDb } from '../../../server/mail/schema.ts'
import { getProfile } from '../../../server/profiles/index.ts'
import { signCms } from '../../../src/pki/cms.ts'
import { ENGINES } from '../helpers/database.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { opensslCsr } from '../helpers/csr.ts'
import { testMailConfig } from './mail-config.ts'
import { SmtpInbox } from './smtp-inbox.ts'

const CONFIRMED_IIN = '900101300017'
const UNCONFIRMED_IIN = '850315300019'
const FIREFOX_133 = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'
const FIREFOX_134 = 'Mozilla/5.0 (X11; Linux x86_64; rv:134.0) Gecko/20100101 Firefox/134.0'
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const SAFARI_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15'

interface Person {
  readonly keys: CryptoKeyPair
  readonly certificate: Uint8Array
}

/** The parts of a Registration Center these tests drive. */
function client(s: TestServer) {
  return {
    async submit(iin: string, email: string, language: string): Promise<{ number: string; accessCode: string }> {
      const [auth, sign] = [opensslCsr('p256'), opensslCsr('p256')]
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/v1/applications',
        headers: { 'idempotency-key': randomUUID() },
        payload: { profile: 'individual', iin, email, language, region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: auth.pem }, { purpose: 'sign', csr: sign.pem }] },
      })
      expect(r.statusCode).toBe(201)
      return r.json()
    },
    confirm: (number: string, code: string) => s.app.inject({ method: 'POST', url: `/api/v1/applications/${number}/email/confirm`, payload: { code } }),
    async person(iin: string): Promise<Person> {
      const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
      const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
      const subject = { commonName: 'ТЕСТОВ ТЕСТ', surname: 'ТЕСТОВ', serialNumber: `IIN${iin}`, country: 'KZ' }
      const issued = await issueAndRecord(s.ctx.db, s.ca, { profile: getProfile('individual')!, purpose: 'auth', csr: { publicKey: { spki } }, subject, storage: 'browser' }, { purpose: 'auth', actor: 'test' })
      return { keys, certificate: new Uint8Array(issued.der) }
    },
    /** Signs in from a browser with `userAgent`; resolves with the session cookie's value. */
    async signIn(who: Person, userAgent: string): Promise<string> {
      const ch = await s.app.inject({ method: 'POST', url: '/api/v1/auth/challenge', headers: { 'user-agent': userAgent } })
      const prelogin = ([] as string[]).concat(ch.headers['set-cookie'] ?? []).map((l) => l.split(';')[0]).join('; ')
      const payload = new Uint8Array(Buffer.from((ch.json() as { payload: string }).payload, 'base64'))
      const cms = await signCms({ data: payload, privateKey: who.keys.privateKey, certificate: who.certificate, chain: [new Uint8Array(s.ca.hierarchy.issuing.der)] })
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { cookie: prelogin, 'user-agent': userAgent }, payload: { cms: Buffer.from(cms).toString('base64') } })
      expect(res.statusCode).toBe(200)
      return ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((l) => l.startsWith('qoltanba-session='))!.split(';')[0]!.split('=')[1]!
    },
    /** Signs a browser with `userAgent` in through the phone (a hand-off the phone answers, the browser completes). */
    async signInByPhone(who: Person, userAgent: string): Promise<void> {
      const created = await s.app.inject({ method: 'POST', url: '/api/v1/handoffs', payload: { kind: 'sign-in', requester: { name: 'Qoltanba' } }, headers: { origin: 'http://localhost:8080', 'user-agent': userAgent } })
      expect(created.statusCode).toBe(201)
      const { qr, token } = created.json() as { qr: string; token: string }
      const [id, secret] = new URL(qr).hash.slice(1).split('.') as [string, string]
      const desktop = ([] as string[]).concat(created.headers['set-cookie'] ?? []).map((l) => l.split(';')[0]).join('; ')
      const opened = await s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/open`, payload: { secret } })
      const cms = await signCms({ data: new Uint8Array(Buffer.from(opened.json().payload, 'base64')), privateKey: who.keys.privateKey, certificate: who.certificate, chain: [new Uint8Array(s.ca.hierarchy.issuing.der)] })
      expect((await s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/result`, payload: { secret, cms: Buffer.from(cms).toString('base64') } })).statusCode).toBe(204)
      const done = await s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/complete`, headers: { 'x-handoff-token': token, cookie: desktop, 'user-agent': userAgent } })
      expect(done.statusCode).toBe(200)
    },
  }
}

const newDeviceRows = (s: TestServer) => mailDb(s.t.db).selectFrom('mail_outbox').select(['application_number', 'status']).where('kind', '=', 'new_device').execute()

describe.each(ENGINES)('new-device sign-in mail on %s', (engine) => {
  const inbox = new SmtpInbox()
  let on: TestServer
  let off: TestServer

  beforeAll(async () => {
    await inbox.start()
    on = await startTestServer(engine, {}, { mail: testMailConfig(inbox.url, { newDeviceSignIn: true }) })
    off = await startTestServer(engine, {}, { mail: testMailConfig(inbox.url) })
  })
  afterAll(async () => {
    await on?.close()
    await off?.close()
    await inbox.stop()
  })

  it('tells the confirmed address of the first sign-in from each device, once, in its language', async () => {
    const c = client(on)
    const tick = () => on.app.qoltanbaMail.sender!.tick()
    const to = `device-${engine}@example.kz`
    const { number, accessCode } = await c.submit(CONFIRMED_IIN, to, 'ru')
    await tick()
    const code = /: (\d{6})/.exec(inbox.to(to)[0]!.text)![1]!
    expect((await c.confirm(number, code)).statusCode).toBe(200)
    await tick()
    const before = inbox.to(to).length
    const person = await c.person(CONFIRMED_IIN)

    const cookie = await c.signIn(person, FIREFOX_133)
    await tick()
    const told = inbox.to(to).slice(before)
    expect(told.map((m) => m.subject)).toEqual(['Вход с нового устройства'])
    const [mail] = told
    expect(mail!.text).toContain('Firefox, Linux')
    expect(mail!.text).toMatch(/\d{4} г\. в \d{2}:\d{2} \(время Астаны\)/)
    expect(mail!.text).toContain('http://localhost:8080/cabinet')
    expect(mail!.html).toContain('href="http://localhost:8080/cabinet"')
    for (const secret of [cookie, accessCode, CONFIRMED_IIN, code]) expect(mail!.text + mail!.html).not.toContain(secret)

    // The same browser and system, a newer version: not a new device.
    await c.signIn(person, FIREFOX_134)
    await c.signIn(person, FIREFOX_133)
    await tick()
    expect(inbox.to(to).length).toBe(before + 1)

    await c.signIn(person, CHROME)
    await tick()
    expect(inbox.to(to).slice(before + 1).map((m) => [m.subject, m.text.includes('Chrome, Windows')])).toEqual([['Вход с нового устройства', true]])

    // Through the phone: the browser that completes the hand-off is the device.
    await c.signInByPhone(person, SAFARI_MAC)
    await c.signInByPhone(person, CHROME)
    await tick()
    expect(inbox.to(to).slice(before + 2).map((m) => [m.subject, m.text.includes('Safari, macOS')])).toEqual([['Вход с нового устройства', true]])
    expect(await newDeviceRows(on)).toEqual(Array.from({ length: 3 }, () => ({ application_number: number, status: 'sent' })))
  })

  it('sends nothing to an address not confirmed; once it is, a device used before is not new', async () => {
    const c = client(on)
    const tick = () => on.app.qoltanbaMail.sender!.tick()
    const to = `unconfirmed-${engine}@example.kz`
    const { number } = await c.submit(UNCONFIRMED_IIN, to, 'kk')
    const person = await c.person(UNCONFIRMED_IIN)
    await c.signIn(person, CHROME)
    await tick()
    expect(inbox.to(to).map((m) => m.subject)).toEqual([`Электрондық пошта мекенжайын растаңыз — № ${number} өтінім`])
    expect((await newDeviceRows(on)).filter((r) => r.application_number === number)).toEqual([])

    expect((await c.confirm(number, /: (\d{6})/.exec(inbox.to(to)[0]!.text)![1]!)).statusCode).toBe(200)
    await c.signIn(person, CHROME)
    await tick()
    expect(inbox.to(to).map((m) => m.subject)).toEqual([`Электрондық пошта мекенжайын растаңыз — № ${number} өтінім`, `№ ${number} өтінім қабылданды`])
    await c.signIn(person, FIREFOX_133)
    await tick()
    const told = inbox.to(to).slice(2)
    expect(told.map((m) => m.subject)).toEqual(['Жаңа құрылғыдан кіру'])
    expect(told[0]!.text).toMatch(/Firefox, Linux, \d{4} ж\. \d{1,2} \S+, \d{2}:\d{2} \(Астана уақыты\)/)
  })

  it('queues nothing with the setting off', async () => {
    const c = client(off)
    const to = `off-${engine}@example.kz`
    const { number } = await c.submit(CONFIRMED_IIN, to, 'en')
    await off.app.qoltanbaMail.sender!.tick()
    expect((await c.confirm(number, /: (\d{6})/.exec(inbox.to(to)[0]!.text)![1]!)).statusCode).toBe(200)
    await c.signIn(await c.person(CONFIRMED_IIN), CHROME)
    await off.app.qoltanbaMail.sender!.tick()
    expect(inbox.to(to).map((m) => m.subject).sort()).toEqual([`Application ${number} received`, `Confirm your e-mail address — application ${number}`])
    expect(await newDeviceRows(off)).toEqual([])
  })
})
