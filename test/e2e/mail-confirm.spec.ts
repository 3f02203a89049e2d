/**
 * E-mail in the browser (issue 18), in Kazakh and Russian.
 *
 * With mail on — a Registration Center of its own (journeyPort(46)) whose SMTP_URL is an SMTP
 * server inside the test (smtp-server, journeyPort(47)): apply with an address, the status page
 * asks for the code; a wrong one is refused with the translated ERR_MAIL_CODE_WRONG; "Send the
 * code again" sends a new code (the old one stops working); the new code, read from the
 * message the test's inbox received, confirms, and the "received" message held until then
 * arrives. With mail off — the shared server has no SMTP_URL — the wizard's e-mail step says
 * that no e-mail is sent.
 */
import { readFileSync } from 'node:fs'
import { test, expect, expectAccessible, type AppLocale } from './fixtures.ts'
import { fillWizard, journeyPort, startJourneyServer, submitAndConfirm, toEmailStep, type JourneyServer } from './journey-helpers.ts'
import { SmtpInbox } from '../server/mail/smtp-inbox.ts'

interface Messages {
  errors: Record<string, string>
  mail: { settings: { off: string }; confirm: Record<string, string> }
}
const messages = (locale: AppLocale) => JSON.parse(readFileSync('src/i18n/locales/' + locale + '.json', 'utf8')) as Messages
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '')

const CASES: ReadonlyArray<{ locale: AppLocale; iin: string; email: string }> = [
  { locale: 'kk', iin: '781104300019', email: 'kk-applicant@example.kz' },
  { locale: 'ru', iin: '010203600014', email: 'ru-applicant@example.kz' },
]
const SHARED_URL = `http://localhost:${process.env.QOLTANBA_E2E_PORT ?? 4173}`

test.describe('e-mail confirmation with mail on', () => {
  const PORT = journeyPort(46)
  const inbox = new SmtpInbox()
  let server: JourneyServer
  test.describe.configure({ mode: 'serial', timeout: 180_000 })
  test.use({ baseURL: `http://localhost:${PORT}` })

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    inbox.port = journeyPort(47)
    await inbox.start()
    // The sender looks every 200 ms; "send again" has no minute's wait here (its limit has API tests).
    server = await startJourneyServer(PORT, { SMTP_URL: inbox.url, MAIL_POLL_MS: '200', MAIL_RESEND_COOLDOWN_MS: '0' })
  })
  test.afterAll(async () => {
    await server?.stop()
    await inbox.stop()
  })

  const codesTo = (address: string) => inbox.to(address).map((mail) => /\b(\d{6})\b/.exec(mail.text)?.[1]).filter((c): c is string => !!c)

  for (const { locale, iin, email } of CASES) {
    test.describe(locale, () => {
      test.use({ appLocale: locale })
      test('wrong code refused, the code sent again, the new code confirms', async ({ page }) => {
        const m = messages(locale)
        await fillWizard(page, { iin, email, storage: 'browser', password: 'Qoltanba-2026', algorithm: 'P-256' })
        const { number } = await submitAndConfirm(page)
        await expect.poll(() => codesTo(email).length, { timeout: 30_000 }).toBe(1)
        const [first] = codesTo(email)

        await page.goto(`/status/${number}`)
        const form = page.getByTestId('email-confirm')
        await expect(form).toContainText(fill(m.mail.confirm.label!, { email }))
        await page.getByTestId('email-confirm-code').fill(first === '000000' ? '111111' : '000000')
        await page.getByTestId('email-confirm-submit').click()
        await expect(form.getByRole('alert')).toHaveText(m.errors.ERR_MAIL_CODE_WRONG!)
        await expect(page.getByTestId('email-confirm-code')).toHaveAttribute('aria-invalid', 'true')
        await expectAccessible(page, 'e-mail code refused')

        await page.getByTestId('email-confirm-resend').click()
        await expect(page.getByTestId('email-confirm-resent')).toHaveText(fill(m.mail.confirm.resent!, { email }))
        await expect.poll(() => codesTo(email).length, { timeout: 30_000 }).toBe(2)
        const second = codesTo(email)[1]!
        if (second !== first) {
          // The first code no longer works.
          await page.getByTestId('email-confirm-code').fill(first!)
          await page.getByTestId('email-confirm-submit').click()
          await expect(form.getByRole('alert')).toHaveText(m.errors.ERR_MAIL_CODE_WRONG!)
        }
        await page.getByTestId('email-confirm-code').fill(second)
        await page.getByTestId('email-confirm-submit').click()
        await expect(page.getByTestId('email-confirmed')).toHaveText(fill(m.mail.confirm.done!, { email }))
        await expectAccessible(page, 'e-mail confirmed')
        // What waited for the confirmation ("application received") goes out now, once.
        await expect.poll(() => inbox.to(email).length, { timeout: 30_000 }).toBe(3)
        expect(inbox.to(email)[2]!.subject).toContain(number)
      })
    })
  }
})

test.describe('e-mail off (the shared server has no SMTP_URL)', () => {
  test.use({ baseURL: SHARED_URL })
  for (const { locale } of CASES) {
    test.describe(locale, () => {
      test.use({ appLocale: locale })
      test("the wizard's e-mail step says no e-mail is sent", async ({ page, request }) => {
        expect(await (await request.get(`${SHARED_URL}/api/v1/mail/settings`)).json()).toEqual({ enabled: false, newDeviceSignIn: false })
        await toEmailStep(page)
        await expect(page.getByTestId('mail-off')).toHaveText(messages(locale).mail.settings.off)
        // …and the field no longer promises a code and news by e-mail.
        await expect(page.locator('#email-hint')).toHaveCount(0)
        await expectAccessible(page, 'e-mail step, mail off')
      })
    })
  }
})
