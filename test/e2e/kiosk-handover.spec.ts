/**
 * The operator-assisted flow of docs/kiosk.md on one `?kiosk` device, end to end, in Kazakh and
 * in Russian (issue 21, defects 1 and 2): the applicant applies with key files; "Finish" warns
 * before it would delete keys that are not saved yet; "Operator" keeps the applicant's waiting
 * keys (encrypted) but nothing else; the operator signs in inside the console with the demo
 * operator's .p12 (opened for the sign-in only, never stored) and approves; "Applicant" ends the
 * operator's session and brings the applicant back to the application; the two .p12 files are
 * saved (OpenSSL opens them), the keys are deleted from the kiosk, and after "Finish" nothing of
 * either person is left in IndexedDB, Cache Storage or web storage.
 *
 * Runs on the shared server with the plain Playwright `test`: the language comes from the
 * browser's preferred language, so no test script writes into the storage the wipe must empty.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect, type Page } from '@playwright/test'
import { expectAccessible } from './fixtures.ts'
import { fillWizard, submitAndConfirm } from './journey-helpers.ts'
import { readTraces } from './kiosk-helpers.ts'
import { databasesWithRecords, demoOperator, installKeyFiles, lockKiosk, message, signInWithKeyFile, type Locale } from './handover-helpers.ts'

test.describe.configure({ mode: 'serial' })

/** Fails the test on an uncaught page error or a CSP violation. */
function guard(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text())
  })
  return problems
}

/** Clicks a kiosk control that ends a session and waits for the fresh page it opens. */
async function endsSession(page: Page, testId: string): Promise<void> {
  const loaded = page.waitForEvent('load')
  await page.getByTestId(testId).click()
  await loaded
}

const CASES: ReadonlyArray<{ locale: Locale; browserLocale: string; iin: string }> = [
  { locale: 'kk', browserLocale: 'kk-KZ', iin: '750808300018' },
  { locale: 'ru', browserLocale: 'ru-RU', iin: '030412500018' },
]

for (const { locale, browserLocale, iin } of CASES) {
  test.describe(`kiosk hand-over (${locale})`, () => {
    test.use({ locale: browserLocale })

    test('apply with key files → Operator → operator signs in and approves → Applicant saves the files → Finish leaves nothing', async ({ page }) => {
      test.setTimeout(240_000)
      const problems = guard(page)
      const m = (key: string, values?: Record<string, string>) => message(locale, key, values)
      const operator = demoOperator()
      const password = 'Kiosk-Kilt-2026'
      await lockKiosk(page, '604317')

      // The applicant applies; the keys wait, encrypted, in the kiosk's keystore.
      await fillWizard(page, { iin, storage: 'file', password, algorithm: 'P-256' })
      const { number } = await submitAndConfirm(page)
      const applied = await databasesWithRecords(page)
      expect(applied['qoltanba-keystore'], 'the waiting key container').toBeGreaterThan(0)
      expect(applied['qoltanba-applications']).toBeGreaterThan(0)

      // Finish now would delete keys that exist nowhere else: it asks, and going back keeps them.
      await page.getByTestId('kiosk-finish').click()
      const confirm = page.getByTestId('kiosk-finish-confirm')
      await expect(confirm.getByRole('heading')).toHaveText(m('kiosk.finish_keys_title'))
      await expect(page.getByTestId('kiosk-finish-back')).toBeFocused()
      await expectAccessible(page, 'finish warning')
      await page.getByTestId('kiosk-finish-back').click()
      await expect(confirm).toHaveCount(0)
      await expect(page).toHaveURL(/\/status$/)
      expect(await databasesWithRecords(page)).toEqual(applied)

      // "Operator": the applicant's session ends but the waiting keys and the application stay.
      await endsSession(page, 'kiosk-role-operator')
      await expect(page).toHaveURL(/\/operator$/)
      await expect(page.getByTestId('kiosk-role-operator')).toHaveAttribute('aria-pressed', 'true')
      expect(await databasesWithRecords(page)).toEqual(applied)
      const afterSwitch = await readTraces(page)
      expect(Object.keys(afterSwitch.localStorage)).toEqual(['qoltanba.kiosk'])

      // Defect 1: the operator signs in right here; the kiosk stays in the operator's role.
      await expect(page.getByTestId('operator-signin')).toBeVisible()
      await expect(page.getByTestId('signin-keyfile'), 'the console signs in on its own page').toBeVisible()
      // No browser container is offered: the only ones here are the applicant's.
      await expect(page.locator('#signin-browser')).toHaveCount(0)
      await expectAccessible(page, 'operator sign-in on the kiosk')
      await signInWithKeyFile(page, operator.p12, operator.password)
      await expect(page.getByTestId('operator-who')).toContainText(operator.iin)
      await expect(page).toHaveURL(/\/operator$/)
      await expect(page.getByTestId('kiosk-role-operator')).toHaveAttribute('aria-pressed', 'true')
      // The operator's key file was opened for the sign-in only: nothing new is stored.
      expect(await databasesWithRecords(page)).toEqual(applied)
      expect((await page.evaluate(() => indexedDB.databases())).map((d) => d.name).filter((n) => n?.startsWith('qoltanba-signin'))).toEqual([])

      await page.getByTestId('queue-row').filter({ hasText: number }).getByTestId('queue-open').click()
      await page.getByTestId('decision-approve').click()
      await page.getByTestId('decision-identity-checked').check()
      await page.getByTestId('decision-approve-confirm').click()
      await expect(page.getByTestId('decision-result')).toBeVisible()

      // "Applicant": the operator's session ends; the applicant lands on this device's applications.
      await endsSession(page, 'kiosk-role-applicant')
      await expect(page).toHaveURL(/\/status$/)
      expect(await page.evaluate(async () => (await fetch('/api/v1/operator/me')).status)).toBe(401)
      await page.getByTestId('device-application').filter({ hasText: number }).getByRole('link').click()
      await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'issued')
      await page.getByTestId('install-link').click()

      // The two .p12 files go to the applicant's USB drive (the download); then the kiosk's copy goes.
      const dir = mkdtempSync(join(tmpdir(), 'qoltanba-kiosk-p12-'))
      try {
        const files = await installKeyFiles(page, password, dir)
        expect(files[0]).toMatch(/^AUTH_ECDSA256_[0-9a-f]{40}\.p12$/)
        const cleanup = page.getByTestId('keys-cleanup')
        await expect(cleanup.getByRole('heading')).toHaveText(m('install_certs.cleanup.kiosk_title'))
        // No "keep them here" on a kiosk.
        await expect(page.getByTestId('keep-keys')).toHaveCount(0)
        await expectAccessible(page, 'keys saved on the kiosk')
        await page.getByTestId('delete-keys').click()
        await expect(page.getByTestId('keys-location')).toContainText(m('install_certs.cleanup.deleted_title'))
        await expect(page.getByTestId('keys-location')).toBeFocused()
        expect((await databasesWithRecords(page))['qoltanba-keystore'], 'no key left in the keystore').toBeUndefined()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }

      // Finish: nothing waits any more, so only the plain question; afterwards nothing of either person is left.
      await page.getByTestId('kiosk-finish').click()
      await expect(page.getByTestId('kiosk-finish-confirm').getByRole('heading')).toHaveText(m('kiosk.finish_confirm.title'))
      await endsSession(page, 'kiosk-finish-anyway')
      await expect(page).toHaveURL(/\/$/)
      await expect(page.getByTestId('kiosk-bar')).toBeVisible()
      const traces = await readTraces(page)
      expect(traces.databases.filter((d) => d.records > 0), 'IndexedDB databases with records').toEqual([])
      expect(Object.keys(traces.caches).filter((n) => !n.startsWith('workbox-precache')), 'caches other than the precache').toEqual([])
      expect(Object.keys(traces.localStorage), 'localStorage keys').toEqual(['qoltanba.kiosk'])
      expect(JSON.parse(traces.localStorage['qoltanba.kiosk']!)).toMatchObject({ source: 'url' })
      const { 'vue-router:scroll': scroll = '{}', ...session } = traces.sessionStorage
      expect(session, 'sessionStorage').toEqual({})
      expect(JSON.parse(scroll), 'router scroll positions of the previous pages').toEqual({})
      expect(await page.evaluate(async () => (await fetch('/api/v1/auth/session')).status)).toBe(401)
      expect(problems).toEqual([])
    })
  })
}
