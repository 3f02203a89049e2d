/**
 * Keys of an already submitted application (issue 21, item 8): "My certificates" shows each key
 * as waiting for its certificate and links to its application's status page — not "apply for a
 * certificate", which sent people to apply twice. In Kazakh and in Russian, through the real
 * wizard and server.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, expectAccessible, pageHeading, type AppLocale } from './fixtures.ts'
import { fillWizard, journeyPort, submitAndConfirm, type JourneyServer, startJourneyServer } from './journey-helpers.ts'

const PORT = journeyPort(27)
let server: JourneyServer

type Messages = Record<string, unknown>
const messages = (locale: AppLocale): Messages => JSON.parse(readFileSync(join(import.meta.dirname, `../../src/i18n/locales/${locale}.json`), 'utf8')) as Messages
const text = (m: Messages, key: string, values: Record<string, string> = {}): string =>
  (key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], m) as string).replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`)

test.use({ baseURL: `http://localhost:${PORT}` })
test.describe.configure({ timeout: 180_000 })

test.beforeAll(async () => {
  test.setTimeout(180_000)
  server = await startJourneyServer(PORT)
})
test.afterAll(async () => {
  await server?.stop()
})

const CASES: ReadonlyArray<{ locale: AppLocale; iin: string }> = [
  { locale: 'kk', iin: '900101300017' },
  { locale: 'ru', iin: '850315300019' },
]

for (const { locale, iin } of CASES) {
  test.describe(locale, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)

    test('a key waiting for its certificate links to its application', async ({ page }) => {
      await fillWizard(page, { iin, storage: 'browser', password: 'Waiting-keys 2026', algorithm: 'P-256' })
      const { number } = await submitAndConfirm(page)

      await page.goto('/certificates')
      const waiting = page.getByTestId('key-application')
      // Both keys of the application (authentication and signing) wait for it.
      await expect(waiting).toHaveCount(2)
      const status = text(m, 'status.states.submitted')
      await expect(waiting.first()).toContainText(text(m, 'certificates.container.waiting_application', { number, status }))
      await expect(page.getByText(text(m, 'certificates.container.no_certificate'))).toHaveCount(0)
      const link = waiting.first().getByTestId('key-application-link')
      await expect(link).toHaveText(text(m, 'certificates.container.open_application', { number }))
      await expect(link).toHaveAttribute('href', `/status/${number}`)
      await expectAccessible(page, 'keys waiting for their certificates')
      await link.click()
      await expect(page).toHaveURL(new RegExp(`/status/${number}$`))
      await expect(await pageHeading(page)).toContainText(number)
    })
  })
}
