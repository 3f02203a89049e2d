/**
 * The one password rule outside the wizard: a new key container refuses "password1" (it is on the
 * breached-password list) with the translated reason, and takes a long passphrase — kk and ru.
 */
import { readFileSync } from 'node:fs'
import { test, expect } from './fixtures.ts'

type Messages = { password: { problems: Record<string, string> }; certificates: { create: Record<string, string> } }
const messages = (locale: string): Messages => JSON.parse(readFileSync(`src/i18n/locales/${locale}.json`, 'utf8')) as Messages

for (const locale of ['kk', 'ru'] as const) {
  test.describe(locale, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)

    test('a new container refuses "password1" and takes a passphrase', async ({ page }) => {
      await page.goto('/certificates')
      await page.getByTestId('open-create').click()
      const dialog = page.getByTestId('create-dialog')
      await dialog.getByLabel(m.certificates.create.name_label!).fill('Demo')
      await dialog.getByTestId('create-password').fill('password1')
      await dialog.getByTestId('create-password-repeat').fill('password1')
      await dialog.getByTestId('create-submit').click()
      await expect(dialog.getByTestId('form-error')).toBeFocused()
      await expect(dialog.getByTestId('form-error')).toContainText(m.password.problems.common!)
      await expect(page.getByTestId('container-card')).toHaveCount(0)

      await dialog.getByTestId('create-password').fill('tulpar kokpar jailau dombyra')
      await dialog.getByTestId('create-password-repeat').fill('tulpar kokpar jailau dombyra')
      await dialog.getByTestId('create-submit').click()
      await expect(page.getByTestId('container-card')).toHaveCount(1)
    })
  })
}
