/**
 * Key files, after the two .p12 files are saved (issue 21, defect 4): the keys that waited in the
 * browser for the certificates are not left there silently. The page asks; deleting removes the
 * container and says the keys are now only in the files (kk); keeping is the user's choice and
 * the page says where the keys are (ru). On the shared server; the demo operator approves in the
 * console, signing in with its key file.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect, expectAccessible } from './fixtures.ts'
import { fillWizard, submitAndConfirm } from './journey-helpers.ts'
import { databasesWithRecords, demoOperator, installKeyFiles, message, signInWithKeyFile, type Locale } from './handover-helpers.ts'

const CASES: ReadonlyArray<{ locale: Locale; iin: string; choice: 'delete' | 'keep' }> = [
  { locale: 'kk', iin: '750808300018', choice: 'delete' },
  { locale: 'ru', iin: '030412500018', choice: 'keep' },
]

for (const { locale, iin, choice } of CASES) {
  test.describe(`key files saved (${locale})`, () => {
    test.use({ appLocale: locale })
    const m = (key: string, values?: Record<string, string>) => message(locale, key, values)

    test(`asks to delete the browser's copy of the keys and says where they are (${choice})`, async ({ page }) => {
      test.setTimeout(180_000)
      const password = 'Kilt-Fail-2026'
      await fillWizard(page, { iin, storage: 'file', password, algorithm: 'P-256' })
      const { number } = await submitAndConfirm(page)

      const operator = demoOperator()
      await page.goto('/operator')
      await signInWithKeyFile(page, operator.p12, operator.password)
      await page.getByTestId('queue-row').filter({ hasText: number }).getByTestId('queue-open').click()
      await page.getByTestId('decision-approve').click()
      await page.getByTestId('decision-identity-checked').check()
      await page.getByTestId('decision-approve-confirm').click()
      await expect(page.getByTestId('decision-result')).toBeVisible()

      await page.goto(`/status/${number}`)
      await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'issued')
      await page.getByTestId('install-link').click()
      const dir = mkdtempSync(join(tmpdir(), 'qoltanba-cleanup-p12-'))
      try {
        const files = await installKeyFiles(page, password, dir)
        const cleanup = page.getByTestId('keys-cleanup')
        await expect(cleanup.getByRole('heading')).toHaveText(m('install_certs.cleanup.title'))
        await expect(cleanup).toContainText(m('install_certs.cleanup.saved', { files: files.join(', ') }))
        await expectAccessible(page, 'keys saved')
        expect((await databasesWithRecords(page))['qoltanba-keystore'], 'the keys are still in the browser until the user decides').toBeGreaterThan(0)
        const location = page.getByTestId('keys-location')
        if (choice === 'delete') {
          await page.getByTestId('delete-keys').click()
          await expect(location).toBeFocused()
          await expect(location.getByRole('heading')).toHaveText(m('install_certs.cleanup.deleted_title'))
          await expect(location).toContainText(m('install_certs.cleanup.deleted_text', { files: files.join(', ') }))
          expect((await databasesWithRecords(page))['qoltanba-keystore'], 'no key left in the browser').toBeUndefined()
        } else {
          await page.getByTestId('keep-keys').click()
          await expect(location).toBeFocused()
          await expect(location.getByRole('heading')).toHaveText(m('install_certs.cleanup.kept_title'))
          await expect(location).toContainText(m('install_certs.cleanup.kept_text'))
          expect((await databasesWithRecords(page))['qoltanba-keystore']).toBeGreaterThan(0)
          await page.goto('/certificates')
          await expect(page.getByTestId('container-card')).toHaveCount(1)
        }
        await expectAccessible(page, `keys ${choice}`)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
}
