/**
 * "Send the code again" on PGlite and PostgreSQL, through a real SMTP server: only with the
 * application's access code; a new code replaces the old (the old one is refused) and confirms;
 * a confirmation still unsent is dropped rather than sent with a dead code; once a minute at most
 * (ERR_MAIL_RESEND_TOO_SOON with the wait) and five messages in all (ERR_MAIL_RESEND_LIMIT);
 * wrong codes stay counted across resends; a confirmed address has nothing to resend.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mailDb } from '../../../server/mail/schema.ts'
import { ENGINES } from '../helpers/database.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { opensslCsr } from '../helpers/csr.ts'
import { testMailConfig } from './mail-config.ts'
import { SmtpInbox } from './smtp-inbox.ts'

const IIN = '900101300017'

describe.each(ENGINES)('resending the confirmation code on %s', (engine) => {
  const inbox = new SmtpInbox()
  let now: TestServer
  let later: TestServer

  beforeAll(async () => {
    await inbox.start()
    // `now` has no wait between messages; `later` the default minute.
    now = await startTestServer(engine, {}, { mail: testMailConfig(inbox.url, { resendCooldownMs: 0 }) })
    later = await startTestServer(engine, {}, { mail: testMailConfig(inbox.url) })
  })
  afterAll(async () => {
    await now?.close()
    await later?.close()
    await inbox.stop()
  })

  async function submit(s: TestServer, email: string): Promise<{ number: string; accessCode: string }> {
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'idempotency-key': randomUUID() },
      payload: { profile: 'individual', iin: IIN, email, language: 'en', region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: opensslCsr('p256').pem }, { purpose: 'sign', csr: opensslCsr('p256').pem }] },
    })
    expect(r.statusCode).toBe(201)
    return r.json()
  }
  const resend = (s: TestServer, number: string, accessCode?: string) =>
    s.app.inject({ method: 'POST', url: `/api/v1/applications/${number}/email/resend`, headers: accessCode ? { 'x-access-code': accessCode } : {} })
  const confirm = (s: TestServer, number: string, code: string) => s.app.inject({ method: 'POST', url: `/api/v1/applications/${number}/email/confirm`, payload: { code } })
  const codes = (to: string) => inbox.to(to).filter((m) => m.subject.startsWith('Confirm')).map((m) => /: (\d{6})/.exec(m.text)![1]!)
  const other = (code: string) => (code === '000000' ? '111111' : '000000')

  it('needs the access code; the new code replaces the old one and confirms', async () => {
    const to = `resend-${engine}@example.kz`
    const { number, accessCode } = await submit(now, to)
    await now.app.qoltanbaMail.sender!.tick()
    expect((await resend(now, number)).json().error.code).toBe('ERR_ACCESS_DENIED')
    expect((await resend(now, number, 'AAAA-BBBB-CCCC-DDDD')).json().error.code).toBe('ERR_ACCESS_DENIED')
    // One wrong code before: it stays counted after the resend (4 attempts left → 3).
    expect((await confirm(now, number, other(codes(to)[0]!))).json().error.details.attemptsLeft).toBe(4)

    const r = await resend(now, number, accessCode)
    expect(r.statusCode).toBe(200)
    expect(r.json()).toEqual({ sent: true })
    await now.app.qoltanbaMail.sender!.tick()
    const [first, second] = codes(to)
    expect(second).toMatch(/^\d{6}$/)
    if (first !== second) expect((await confirm(now, number, first!)).json().error).toMatchObject({ code: 'ERR_MAIL_CODE_WRONG', details: { attemptsLeft: 3 } })
    expect((await confirm(now, number, second!)).statusCode).toBe(200)
    expect((await resend(now, number, accessCode)).json().error.code).toBe('ERR_MAIL_NOT_REQUESTED')
  })

  it('drops a confirmation not yet sent, and sends five in all', async () => {
    const to = `limit-${engine}@example.kz`
    const { number, accessCode } = await submit(now, to)
    // Nothing sent yet: each resend supersedes the pending one.
    for (let i = 0; i < 4; i++) expect((await resend(now, number, accessCode)).statusCode).toBe(200)
    const limit = await resend(now, number, accessCode)
    expect(limit.statusCode).toBe(429)
    expect(limit.json().error.code).toBe('ERR_MAIL_RESEND_LIMIT')
    await now.app.qoltanbaMail.sender!.tick()
    expect(codes(to)).toHaveLength(1)
    const rows = await mailDb(now.t.db).selectFrom('mail_outbox').select(['status', 'data']).where('application_number', '=', number).where('kind', '=', 'confirm').orderBy('id').execute()
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'sent'])
    expect(rows.every((r) => !('code' in r.data))).toBe(true)
    expect((await confirm(now, number, codes(to)[0]!)).statusCode).toBe(200)
  })

  it('waits a minute between two messages and says how long', async () => {
    const { number, accessCode } = await submit(later, `soon-${engine}@example.kz`)
    const r = await resend(later, number, accessCode)
    expect(r.statusCode).toBe(429)
    expect(r.json().error.code).toBe('ERR_MAIL_RESEND_TOO_SOON')
    expect(r.json().error.details.retryAfterMs).toBeGreaterThan(50_000)
    expect(r.json().error.details.retryAfterMs).toBeLessThanOrEqual(60_000)
  })
})
