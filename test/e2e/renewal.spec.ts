/**
 * Online renewal from "My certificates" (issue 18), in Kazakh and Russian, against a real
 * Registration Center on PostgreSQL with its DEFAULT policy (60-day window, 7 grace days). The
 * server is started for tests (QOLTANBA_TEST_CLOCK=1, NODE_ENV=test: server/clock.ts), so the
 * pair is approved with the server's clock 335 days back: a one-year certificate that ends 30
 * days after the approval — 29 whole days left when the page looks, no sleeping. The signing certificate (OpenSSL-made key) is imported as a .p12 key file;
 * the reminders show (days left on My certificates, the home banner), Renew signs the renewal
 * with the current key from that file and makes new key files with the same password (saved as
 * downloads OpenSSL opens); the new pair is issued without an operator. Six days after the
 * installation the old pair is still good; at eight (the clock moved, the job run before the
 * move answers) `openssl ocsp` says revoked, reason superseded. The browser keeps its own time:
 * only the server's issuance is moved.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { X509Certificate } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, type AppLocale } from './operator-fixtures.ts'
import { installKeyFiles } from './handover-helpers.ts'
import { pairEndingIn30Days, moveServerClock, test } from './renewal-helpers.ts'
import { consoleServerOcsp, importKeyFile, messages, text } from './revoke-helpers.ts'

const DAY = 86_400_000

const PASSWORD = 'Renew-me 2026'
const CASES: ReadonlyArray<{ locale: AppLocale; iin: string }> = [
  { locale: 'kk', iin: '880530300013' },
  { locale: 'ru', iin: '950918400014' },
]

for (const { locale, iin } of CASES) {
  test.describe(`renewal from My certificates (${locale})`, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)

    test('30 days left → reminders → Renew with the key file → new key files installed → old pair superseded after the grace period (OCSP)', async ({ page, renewalServer: server }) => {
      test.setTimeout(180_000)
      const { application, sign, auth } = await pairEndingIn30Days(server, iin)
      // Ends 30 days after the approval: 29 whole days left now, inside the banner's 30 days.
      expect(Math.floor((Date.parse(new X509Certificate(sign.pem).validTo) - Date.now()) / DAY)).toBe(29)

      await importKeyFile(page, server.url, await server.pkcs12(application, 'sign', PASSWORD), PASSWORD)
      const card = page.getByTestId('certificate-card').filter({ hasText: iin })
      await expect(card.getByTestId('certificate-days-left')).toContainText('29')
      await expect(card.getByTestId('certificate-days-left')).toHaveAttribute('data-tone', 'soon')
      await page.goto(`${server.url}/`)
      const banner = page.getByTestId('expiry-banner')
      await expect(banner).toContainText('29')
      await banner.getByTestId('expiry-banner-link').click()

      // The card's Renew (the reminders' /certificates?renew=<serial>) opens the flow.
      await card.getByTestId('certificate-renew').click()
      await expect(page).toHaveURL(new RegExp(`/certificates/renew/${sign.serial}$`))
      await expect(page.getByTestId('renew-certificate')).toContainText('29')
      await page.getByTestId('renew-password').fill(PASSWORD)
      await page.getByTestId('renew-submit').click()
      const done = page.getByTestId('renew-done')
      await expect(done).toBeVisible({ timeout: 60_000 })
      await expect(done).not.toContainText(text(m, 'renewal.old_revoked_at_once'))
      await expect(done).toContainText('7')

      // Issued without an operator, signed with the key from the file; new key files with the same password.
      const number = await done.getAttribute('data-number')
      const renewal = await server.operatorGet<{ status: string; storage: string; renewal: { renews: string; signerSerial: string } }>(`/api/v1/operator/applications/${number}`)
      expect(renewal).toMatchObject({ status: 'issued', storage: 'file', renewal: { renews: application.number, signerSerial: sign.serial } })
      await page.getByTestId('renew-install').click()
      await page.getByTestId('install-link').click()
      const dir = mkdtempSync(join(tmpdir(), 'qt-renew-'))
      try {
        expect(await installKeyFiles(page, PASSWORD, dir)).toHaveLength(2)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
      await page.getByTestId('keep-keys').click()
      await page.goto(`${server.url}/certificates`)
      // The old signing certificate and the new pair, the new ones a year long.
      await expect(card).toHaveCount(3)
      await expect(card.getByTestId('certificate-days-left').filter({ hasText: /36[45]/ })).toHaveCount(2)

      // Inside the grace period the old pair is good; after it, revoked as superseded.
      await moveServerClock(server, 6)
      expect(await consoleServerOcsp(server, sign.serial, sign.pem)).toContain(`${sign.serial}.pem: good`)
      await moveServerClock(server, 8)
      await moveServerClock(server, 0)
      for (const old of [sign, auth]) {
        const out = await consoleServerOcsp(server, old.serial, old.pem)
        expect(out).toContain(`${old.serial}.pem: revoked`)
        expect(out).toMatch(/Reason: superseded/)
        expect(out).toContain('Response verify OK')
      }
    })
  })
}
