/**
 * Reminders in the app (issue 18), kk and ru: with the browser's clock 25 days before a
 * certificate's end (Playwright's clock, no waiting), "My certificates" shows the days left
 * coloured as "soon", and the home page warns with a link to them. The certificate is NCA's RSA
 * test certificate (ends 22 August 2019), imported through the UI; being another CA's, it is
 * not offered "Renew" here.
 */
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { test, expect, expectAccessible } from './fixtures.ts'

const NCA_FILE = join(import.meta.dirname, '../fixtures/nca-test-keys/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12')
const NCA_PASSWORD = 'Qwerty12'
const ENDS = Date.parse('2019-08-22T12:11:36Z')
const DAY = 86_400_000

type Messages = { mail: { reminders: Record<string, string> }; nav: Record<string, string> }
const messages = (locale: string): Messages => JSON.parse(readFileSync(`src/i18n/locales/${locale}.json`, 'utf8')) as Messages

for (const locale of ['kk', 'ru'] as const) {
  test.describe(locale, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)

    test('25 days before the end: days left in colour on My certificates, a banner on the home page', async ({ page }) => {
      await page.clock.setFixedTime(new Date(ENDS - 25 * DAY - 3600_000))
      // The Badging API works only in an installed app: record what the page asks of it.
      await page.addInitScript(() => {
        const w = window as unknown as { badge?: number }
        Object.defineProperty(Navigator.prototype, 'setAppBadge', { configurable: true, value: (n?: number) => ((w.badge = n ?? 0), Promise.resolve()) })
        Object.defineProperty(Navigator.prototype, 'clearAppBadge', { configurable: true, value: () => ((w.badge = 0), Promise.resolve()) })
      })
      await page.goto('/certificates')
      await page.getByTestId('open-import').click()
      const dialog = page.getByTestId('import-dialog')
      await dialog.getByTestId('import-file').setInputFiles(NCA_FILE)
      await dialog.getByTestId('import-password').fill(NCA_PASSWORD)
      await dialog.getByTestId('import-submit').click()
      await dialog.getByTestId('import-result').getByTestId('import-close').click()

      const days = page.getByTestId('certificate-card').first().getByTestId('certificate-days-left')
      await expect(days).toContainText('25')
      await expect(days).toHaveAttribute('data-tone', 'soon')
      await expect(page.getByTestId('certificate-renew')).toHaveCount(0)

      await page.goto('/')
      const banner = page.getByTestId('expiry-banner')
      await expect(banner).toContainText('25')
      await expect(banner.getByTestId('expiry-banner-link')).toHaveText(m.mail.reminders.banner_action!)
      await expect.poll(() => page.evaluate(() => (window as unknown as { badge?: number }).badge)).toBe(1)
      await expectAccessible(page, 'home with the expiry banner')
      await banner.getByTestId('expiry-banner-link').click()
      await expect(page).toHaveURL(/\/certificates$/)
    })

    test('no banner while the end is more than 30 days away', async ({ page }) => {
      await page.clock.setFixedTime(new Date(ENDS - 90 * DAY))
      await page.goto('/certificates')
      await page.getByTestId('open-import').click()
      const dialog = page.getByTestId('import-dialog')
      await dialog.getByTestId('import-file').setInputFiles(NCA_FILE)
      await dialog.getByTestId('import-password').fill(NCA_PASSWORD)
      await dialog.getByTestId('import-submit').click()
      await dialog.getByTestId('import-result').getByTestId('import-close').click()
      await expect(page.getByTestId('certificate-days-left').first()).toHaveAttribute('data-tone', 'calm')
      await page.goto('/')
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
      await expect(page.getByTestId('expiry-banner')).toHaveCount(0)
    })
  })
}
