/**
 * E-mail end to end through a real SMTP server (smtp-server in memory), on PGlite and
 * PostgreSQL: the address is confirmed before anything else is sent; every event then gives
 * exactly one message in the applicant's language with the right link, never the access code;
 * a bounce fails only that message; mail off changes nothing.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queueExpiryReminders } from '../../../server/mail/expiry-reminders.ts'
import { mailDb } from '../../../server/mail/schema.ts'
import { ENGINES } from '../helpers/database.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { opensslCsr } from '../helpers/csr.ts'
import { testMailConfig } from './mail-config.ts'
import { SmtpInbox } from './smtp-inbox.ts'

const IIN = '900101300017'
const DAY = 86_400_000

describe.each(ENGINES)('e-mail events on %s', (engine) => {
  let s: TestServer
  const inbox = new SmtpInbox()
  let cookie: string

  beforeAll(async () => {
    await inbox.start()
    s = await startTestServer(engine, {}, { mail: testMailConfig(inbox.url) })
    cookie = await s.operatorCookie()
  })
  afterAll(async () => {
    await s?.close()
    await inbox.stop()
  })

  const tick = (now?: Date) => s.app.qoltanbaMail.sender!.tick(now)
  async function submit(email: string, language?: string): Promise<{ number: string; accessCode: string }> {
    const [auth, sign] = [opensslCsr('p256'), opensslCsr('p256')]
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'idempotency-key': randomUUID() },
      payload: { profile: 'individual', iin: IIN, email, ...(language ? { language } : {}), region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: auth.pem }, { purpose: 'sign', csr: sign.pem }] },
    })
    expect(r.statusCode).toBe(201)
    return r.json()
  }
  const confirm = (number: string, code: string) => s.app.inject({ method: 'POST', url: `/api/v1/applications/${number}/email/confirm`, payload: { code } })
  const codeOf = (address: string) => /: (\d{6})/.exec(inbox.to(address)[0]!.text)![1]!
  const op = (path: string, payload: object = {}) => s.app.inject({ method: 'POST', url: `/api/v1/operator/${path}`, headers: { cookie }, payload })

  it('sends only the confirmation until the code comes back, then every event once, in Russian, with its link', async () => {
    const to = `ru-${engine}@example.kz`
    const { number, accessCode } = await submit(to, 'ru')
    await tick()
    expect(inbox.to(to).map((m) => m.subject)).toEqual([`Подтвердите адрес электронной почты — заявка ${number}`])
    // Events before confirmation wait: approval now, its message after the code.
    expect((await op(`applications/${number}/approve`, { identityChecked: true })).statusCode).toBe(200)
    await tick()
    expect(inbox.to(to)).toHaveLength(1)

    const code = codeOf(to)
    const wrong = await confirm(number, code === '000000' ? '111111' : '000000')
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().error).toMatchObject({ code: 'ERR_MAIL_CODE_WRONG', details: { attemptsLeft: 4 } })
    expect((await confirm(number, code)).statusCode).toBe(200)
    expect((await confirm(number, code)).statusCode).toBe(200)
    await tick()
    // One batch is sent in parallel: the order within it is not fixed.
    const subjects = (from: number) => inbox.to(to).slice(from).map((m) => m.subject).sort()
    const bySubject = (start: string) => inbox.to(to).find((m) => m.subject.startsWith(start))!
    expect(subjects(1)).toEqual([`Заявка ${number} принята`, `Сертификаты выпущены — заявка ${number}`].sort())
    expect(bySubject('Сертификаты выпущены').text).toContain(`http://localhost:8080/install/${number}`)
    expect(bySubject('Сертификаты выпущены').html).toContain(`href="http://localhost:8080/install/${number}"`)

    const serials = (await s.t.db.selectFrom('certificates').select(['serial', 'purpose']).where('application_number', '=', number).orderBy('purpose').execute()).map((c) => c.serial)
    expect((await op(`certificates/${serials[0]}/hold`)).statusCode).toBe(200)
    expect((await op(`certificates/${serials[0]}/release`)).statusCode).toBe(200)
    expect((await op(`certificates/${serials[1]}/revoke`, { reason: 1 })).statusCode).toBe(200)
    await tick()
    expect(subjects(3)).toEqual(
      [`Действие сертификата приостановлено — заявка ${number}`, `Сертификат снова действует — заявка ${number}`, `Сертификат отозван — заявка ${number}`].sort(),
    )
    expect(bySubject('Действие сертификата').text).toContain(serials[0])

    // 25 days before the end: the 30-day reminder with the renewal link; a second run adds nothing.
    const ends = (await s.t.db.selectFrom('certificates').select('not_after').where('serial', '=', serials[0]!).executeTakeFirstOrThrow()).not_after
    const at = new Date(new Date(ends).getTime() - 25 * DAY)
    expect(await queueExpiryReminders(s.t.db, at)).toBe(1)
    expect(await queueExpiryReminders(s.t.db, at)).toBe(0)
    await tick()
    const reminder = inbox.to(to)[6]!
    expect(reminder.subject).toBe(`Срок ваших сертификатов истекает через 25 дней — заявка ${number}`)
    expect(reminder.text).toContain(`http://localhost:8080/certificates?renew=${serials[0]}`)
    expect(inbox.to(to)).toHaveLength(7)
    for (const m of inbox.to(to)) expect(m.text + m.html).not.toContain(accessCode)
    // The code does not stay in the outbox once sent.
    const rows = await mailDb(s.t.db).selectFrom('mail_outbox').select(['data', 'status']).where('application_number', '=', number).execute()
    expect(rows.every((r) => r.status === 'sent' && !('code' in r.data))).toBe(true)
  })

  it('writes Kazakh by default and tells a rejection with its reason', async () => {
    const to = `kk-${engine}@example.kz`
    const { number } = await submit(to)
    await tick()
    expect((await confirm(number, codeOf(to))).statusCode).toBe(200)
    expect((await op(`applications/${number}/reject`, { reason: 'Құжат көрсетілмеді' })).statusCode).toBe(200)
    await tick()
    expect(inbox.to(to).map((m) => m.subject).sort()).toEqual(
      [`Электрондық пошта мекенжайын растаңыз — № ${number} өтінім`, `№ ${number} өтінім қабылданды`, `№ ${number} өтінім қабылданбады`].sort(),
    )
    const rejected = inbox.to(to).find((m) => m.subject.endsWith('қабылданбады'))!
    expect(rejected.text).toContain('Себебі: Құжат көрсетілмеді')
    expect(rejected.text).toContain(`http://localhost:8080/status/${number}`)
  })

  it('refuses bad codes with specific errors and locks the address after five wrong ones', async () => {
    const to = `lock-${engine}@example.kz`
    const { number } = await submit(to, 'en')
    await tick()
    const right = codeOf(to)
    const wrongCode = right === '123456' ? '654321' : '123456'
    expect((await confirm(number, '12')).json().error.code).toBe('ERR_VALIDATION')
    expect((await confirm('000000000000', right)).json().error.code).toBe('ERR_MAIL_NOT_REQUESTED')
    expect((await confirm('nonsense', right)).statusCode).toBe(404)
    for (let i = 0; i < 4; i++) expect((await confirm(number, wrongCode)).statusCode).toBe(400)
    const fifth = await confirm(number, wrongCode)
    expect(fifth.statusCode).toBe(429)
    expect(fifth.json().error.code).toBe('ERR_MAIL_CODE_LOCKED')
    // Even the right code no longer works, and nothing but the confirmation was ever sent.
    expect((await confirm(number, right)).statusCode).toBe(429)
    await tick()
    expect(inbox.to(to)).toHaveLength(1)
  })

  it('a bounced address fails its message with the reason and blocks nothing', async () => {
    const to = `nobody-${engine}@unknown.invalid`
    const { number } = await submit(to, 'en')
    const t = await tick()
    expect(t.failed).toBe(1)
    const row = await mailDb(s.t.db).selectFrom('mail_outbox').select(['status', 'last_error']).where('application_number', '=', number).where('kind', '=', 'confirm').executeTakeFirstOrThrow()
    expect(row.status).toBe('failed')
    expect(row.last_error).toMatch(/^550 /)
    expect((await op(`applications/${number}/approve`, { identityChecked: true })).statusCode).toBe(200)
  })
})

describe('mail off (no SMTP_URL)', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer('pglite', {}, { mail: testMailConfig(undefined) })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('says so, and an application with an address is stored with nothing queued', async () => {
    const settings = await s.app.inject({ method: 'GET', url: '/api/v1/mail/settings' })
    expect(settings.json()).toEqual({ enabled: false, newDeviceSignIn: false })
    const [auth, sign] = [opensslCsr('p256'), opensslCsr('p256')]
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'idempotency-key': randomUUID() },
      payload: { profile: 'individual', iin: IIN, email: 'a@example.kz', language: 'ru', region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: auth.pem }, { purpose: 'sign', csr: sign.pem }] },
    })
    expect(r.statusCode).toBe(201)
    expect(s.app.qoltanbaMail.sender).toBeUndefined()
    expect(await mailDb(s.t.db).selectFrom('mail_outbox').select('id').execute()).toEqual([])
    expect((await s.app.inject({ method: 'POST', url: `/api/v1/applications/${r.json().number}/email/confirm`, payload: { code: '123456' } })).json().error.code).toBe('ERR_MAIL_NOT_REQUESTED')
  })
})
