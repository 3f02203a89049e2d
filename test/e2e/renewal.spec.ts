/**
 * Online renewal from "My certificates" (issue 18), in Kazakh and Russian, against a real
 * Registration Center on PostgreSQL: the signing certificate (OpenSSL-made key, issued by the
 * server, imported as a .p12 through the UI) is renewed through /certificates?renew=<serial> — the
 * link of the reminders — with the container password; the new pair is issued without an
 * operator and installed in the browser; the holder asked for "revoke at once", so the
 * installation supersedes the old pair and `openssl ocsp` says revoked, reason superseded.
 *
 * The server has no clock hook to issue into the past, so the renewal window is widened for this
 * spec's own server (RENEWAL_WINDOW_DAYS=400) instead of
 * a certificate 30 days before its end; the window itself is covered by
 * test/server/renewals/renewal-policy.test.ts with shifted validity.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, expect, startConsoleServer, type AppLocale, type ConsoleServer } from './operator-fixtures.ts'
import { fetchCaPem, messages, opensslOcsp, text } from './revoke-helpers.ts'

// A server of its own with the window widened (the shared console server keeps the defaults).
const test = base.extend<object, { renewalServer: ConsoleServer }>({
  renewalServer: [
    async ({}, use) => {
      const server = await startConsoleServer({ RENEWAL_WINDOW_DAYS: '400' })
      await use(server)
      await server.stop()
    },
    { scope: 'worker', timeout: 180_000 },
  ],
})

const PASSWORD = 'Renew-me 2026'
const CASES: ReadonlyArray<{ locale: AppLocale; iin: string }> = [
  { locale: 'kk', iin: '880530300013' },
  { locale: 'ru', iin: '950918400014' },
]

for (const { locale, iin } of CASES) {
  test.describe(`renewal from My certificates (${locale})`, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)

    test('Renew → new pair issued and installed → the old pair superseded (OCSP)', async ({ page, renewalServer: server }) => {
      test.setTimeout(180_000)
      const application = await server.submit(iin)
      await server.approve(application.number)
      const { certificates } = await server.certificates(application)
      const sign = certificates.find((c) => c.purpose === 'sign')!
      const p12 = await server.pkcs12(application, 'sign', PASSWORD)

      await page.goto(`${server.url}/certificates`)
      await page.getByTestId('open-import').click()
      const dialog = page.getByTestId('import-dialog')
      await dialog.getByTestId('import-file').setInputFiles(p12)
      await dialog.getByTestId('import-password').fill(PASSWORD)
      await dialog.getByTestId('import-submit').click()
      await dialog.getByTestId('import-close').click()
      await page.getByTestId('container-lock').click()

      // The reminders' link opens the Renew flow for that certificate.
      await page.goto(`${server.url}/certificates?renew=${sign.serial}`)
      await expect(page).toHaveURL(new RegExp(`/certificates/renew/${sign.serial}$`))
      await expect(page.getByTestId('renew-certificate')).toBeVisible()
      await page.getByTestId('renew-password').fill(PASSWORD)
      await page.getByTestId('renew-supersede-now').check()
      await page.getByTestId('renew-submit').click()
      const done = page.getByTestId('renew-done')
      await expect(done).toBeVisible({ timeout: 60_000 })
      await expect(done).toContainText(text(m, 'renewal.old_revoked_at_once'))

      // Issued without an operator: install at once from the application page.
      await page.getByTestId('renew-install').click()
      await page.getByTestId('install-link').click()
      await page.getByTestId('install-start').click()
      await expect(page.getByTestId('install-done')).toBeVisible({ timeout: 60_000 })

      const dir = mkdtempSync(join(tmpdir(), 'qt-renew-'))
      const certFile = join(dir, 'old-sign.pem')
      writeFileSync(certFile, sign.pem)
      const [root, issuer, responder] = await Promise.all([fetchCaPem(server.url, 'root', dir), fetchCaPem(server.url, 'issuing', dir), fetchCaPem(server.url, 'ocsp', dir)])
      const port = Number(new URL(server.url).port)
      await expect.poll(() => opensslOcsp({ certFile, issuer, root, responder, port }), { timeout: 20_000 }).toMatch(/Reason: superseded/)
    })
  })
}
