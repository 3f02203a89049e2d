/**
 * Certificate sign-in in Chromium, in Kazakh and in Russian, against a real Registration Center
 * (operator-fixtures.ts): a certificate issued by its CA is imported into a browser container
 * (OpenSSL-made .p12), signs the server's challenge and lands in the cabinet (/cabinet), which
 * lists the holder's certificates and application; the session survives a reload, sign out ends it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, expectAccessible, pageHeading, type AppLocale } from './operator-fixtures.ts'

const messages = (locale: AppLocale) =>
  JSON.parse(readFileSync(join(import.meta.dirname, `../../src/i18n/locales/${locale}.json`), 'utf8')) as {
    nav: Record<string, string>
    signin: Record<string, string>
  }

const CASES: ReadonlyArray<{ locale: AppLocale; iin: string }> = [
  { locale: 'kk', iin: '900101300017' },
  { locale: 'ru', iin: '850315300019' },
]

const PASSWORD = 'Signin-e2e-2026'

for (const { locale, iin } of CASES) {
  test.describe(`sign-in (${locale})`, () => {
    test.use({ appLocale: locale })

    test('imports an auth certificate, signs in, keeps the session over a reload, signs out', async ({ page, consoleServer }) => {
      const m = messages(locale)
      const app = await consoleServer.submit(iin)
      await consoleServer.approve(app.number)
      const p12 = await consoleServer.pkcs12(app, 'auth', PASSWORD)

      await page.goto(`${consoleServer.url}/certificates`)
      await page.getByTestId('open-import').click()
      const dialog = page.getByTestId('import-dialog')
      await dialog.getByTestId('import-file').setInputFiles(p12)
      await dialog.getByTestId('import-password').fill(PASSWORD)
      await dialog.getByTestId('import-submit').click()
      await dialog.getByTestId('import-result').getByTestId('import-close').click()

      await page.goto(`${consoleServer.url}/signin`)
      await expect(await pageHeading(page)).toHaveText(m.nav.signin as string)
      // A page load locks every container again, so the password field always comes; fill() waits
      // for it (an instant isVisible() raced the list's loading and sometimes skipped the password).
      await page.getByTestId('signin-password').fill(PASSWORD)
      await page.getByTestId('signin-submit').click()
      // A sign-in started here lands in the cabinet: the server's view of my certificates (both
      // issued ones) and my application.
      await expect(page).toHaveURL(/\/cabinet$/)
      await expect(await pageHeading(page)).toHaveText(m.nav.cabinet as string)
      await expect(page.getByTestId('cabinet-iin')).toHaveText(iin)
      // Both certificates of this application (the shared server may hold other ones of the same
      // demo person, made by specs that ran before this one).
      const { certificates } = await consoleServer.certificates(app)
      expect(certificates).toHaveLength(2)
      for (const { serial } of certificates) {
        await expect(page.locator(`[data-testid="cabinet-certificate"][data-serial="${serial}"]`)).toBeVisible()
      }
      await expect(page.locator(`[data-testid="cabinet-application"][data-number="${app.number}"]`)).toBeVisible()
      await expectAccessible(page, 'signed in')

      await page.reload()
      await expect(page.getByTestId('cabinet-iin')).toHaveText(iin)

      // Opened again while signed in, the sign-in page says so and leads back.
      await page.goto(`${consoleServer.url}/signin`)
      await expect(page.getByTestId('signin-session')).toContainText(m.signin.signed_in_heading as string)
      await page.getByTestId('signin-continue').click()
      await expect(page).toHaveURL(/\/cabinet$/)

      await page.getByTestId('cabinet-signout').click()
      await expect(page).toHaveURL(/\/signin\?redirect=/)
      await expect(page.getByTestId('signin-submit')).toBeVisible()
      await page.reload()
      await expect(page.getByTestId('signin-submit')).toBeVisible()
    })
  })
}
