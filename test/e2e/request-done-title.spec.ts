/**
 * The confirmation page's tab title says what its heading says: "Waiting to send" while an
 * application prepared offline sits in the outbox, "Application sent" once it went (kk, ru).
 */
import { readFileSync } from 'node:fs'
import { test, expect } from './fixtures.ts'
import { fillWizard } from './journey-helpers.ts'

type Done = { app: { title: string }; request: { done: Record<string, string> } }
const messages = (locale: string): Done => JSON.parse(readFileSync(`src/i18n/locales/${locale}.json`, 'utf8')) as Done
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

for (const [locale, iin] of [['kk', '781104300019'], ['ru', '010203600014']] as const) {
  test.describe(locale, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)

    test('title and heading agree while waiting and after sending', async ({ page, context }) => {
      await fillWizard(page, { iin, storage: 'browser', password: 'Title-check 2026', algorithm: 'P-256' })
      await context.setOffline(true)
      await page.getByTestId('continue').click()
      const heading = page.locator('#main h1')
      await expect(page.getByTestId('waiting')).toBeVisible({ timeout: 60_000 })
      await expect(heading).toHaveText(m.request.done.waiting_title!)
      await expect(page).toHaveTitle(new RegExp(`^${escape(m.request.done.waiting_title!)} — `))

      // The network returns: the 'online' event sends it.
      await context.setOffline(false)
      await expect(page.getByTestId('application-number')).toHaveText(/^\d{12}$/, { timeout: 30_000 })
      await expect(heading).toHaveText(m.request.done.title!)
      await expect(page).toHaveTitle(new RegExp(`^${escape(m.request.done.title!)} — `))
    })
  })
}
