/**
 * Certificate details speak the reader's language (issue 21, item 8): key usages, extended key
 * usages and NCA roles, policies and algorithms in words in kk and ru, with the technical name or
 * OID beneath for experts — never a bare "digitalSignature" or "sha256WithRSAEncryption".
 * The certificate is NCA's RSA authentication test certificate, imported through the UI.
 */
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { test, expect, expectAccessible } from './fixtures.ts'

const NCA_FILE = join(import.meta.dirname, '../fixtures/nca-test-keys/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12')
const NCA_PASSWORD = 'Qwerty12'

type Messages = { certificates: { card: Record<string, string> }; cert_terms: Record<string, Record<string, string>> }
const messages = (locale: string): Messages => JSON.parse(readFileSync(`src/i18n/locales/${locale}.json`, 'utf8')) as Messages

for (const locale of ['kk', 'ru'] as const) {
  test.describe(locale, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)
    const terms = m.cert_terms

    test('identifiers are shown in words, the OID beneath', async ({ page }) => {
      await page.goto('/certificates')
      await page.getByTestId('open-import').click()
      const dialog = page.getByTestId('import-dialog')
      await dialog.getByTestId('import-file').setInputFiles(NCA_FILE)
      await dialog.getByTestId('import-password').fill(NCA_PASSWORD)
      await dialog.getByTestId('import-submit').click()
      await dialog.getByTestId('import-result').getByTestId('import-close').click()

      await page.getByTestId('container-card').first().getByRole('button', { name: m.certificates.card.details! }).click()
      const details = page.getByTestId('certificate-details')
      await expect(details).toBeVisible()
      const items = details.locator('dd li, dd')
      // In words …
      await expect(details).toContainText(terms.key_usage!.digitalSignature!)
      await expect(details).toContainText(terms.eku!.clientAuth!)
      await expect(details).toContainText(terms.eku!.ncaIndividual!)
      await expect(details).toContainText(terms.signature!.with_hash!.replace('{key}', 'RSA').replace('{hash}', 'SHA-256'))
      await expect(details).toContainText(terms.key!.rsa!.replace('{bits}', '2048'))
      // … with the identifier as secondary text, never as the term itself.
      const technical = details.locator('.details-technical')
      await expect(technical.filter({ hasText: 'clientAuth · 1.3.6.1.5.5.7.3.2' })).toHaveCount(1)
      await expect(technical.filter({ hasText: 'sha256WithRSAEncryption' })).toHaveCount(1)
      await expect(technical.filter({ hasText: /^digitalSignature$/ })).toHaveCount(1)
      const primaries = await items.evaluateAll((els) => els.map((el) => [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent!.trim()).join(' ').trim()))
      for (const english of ['digitalSignature', 'clientAuth', 'sha256WithRSAEncryption', 'emailProtection']) {
        expect(primaries.some((text) => text.includes(english)), `«${english}» shown as a term`).toBe(false)
      }
      await expectAccessible(page, 'certificate details')
    })
  })
}
