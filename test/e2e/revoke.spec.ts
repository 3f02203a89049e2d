/**
 * A citizen revokes their own certificate from "My certificates", in Kazakh and in Russian:
 * the certificate was issued by the real Registration Center for an OpenSSL-made key, imported
 * as a .p12 through the UI; the revocation request is signed in the browser with that
 * certificate's key after the container password is given. A wrong password sends nothing.
 * The journey ends with `openssl ocsp` against the server saying "revoked" with the reason.
 */
import { test, expect, expectAccessible, pageHeading, type AppLocale, type ConsoleServer } from './operator-fixtures.ts'
import { chooseReason, confirmWithPassword, consoleServerOcsp, importKeyFile, messages, REASONS, type Reason, text } from './revoke-helpers.ts'

async function serverStatus(server: ConsoleServer, serial: string) {
  const { certificates } = await server.operatorGet<{ certificates: Array<{ status: string; revocationReason: number | null }> }>(`/api/v1/operator/certificates?serial=${serial}`)
  return certificates[0]
}

const PASSWORD = 'Revoke-me 2026'

const CASES: ReadonlyArray<{ locale: AppLocale; iin: string; reason: Reason }> = [
  { locale: 'kk', iin: '880530300013', reason: 'keyCompromise' },
  { locale: 'ru', iin: '950918400014', reason: 'cessationOfOperation' },
]

for (const { locale, iin, reason } of CASES) {
  const { key: reasonKey, code, ocsp: ocspReason } = REASONS[reason]
  test.describe(`revocation from My certificates (${locale})`, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)

    test('reason, warning, wrong then right password; revoked on the server and by OCSP; kept and marked', async ({ page, consoleServer: server }) => {
      test.setTimeout(150_000)
      const application = await server.submit(iin)
      await server.approve(application.number)
      const { certificates } = await server.certificates(application)
      const auth = certificates.find((c) => c.purpose === 'auth')!
      const p12 = await server.pkcs12(application, 'auth', PASSWORD)

      // Import the key file through the UI, locked again: the revocation must unlock it itself.
      await importKeyFile(page, server.url, p12, PASSWORD)
      const card = page.getByTestId('certificate-card').filter({ hasText: iin })
      await expect(card.getByTestId('certificate-status')).toHaveText(text(m, 'certificates.status.valid'))

      await card.getByTestId('certificate-revoke').click()
      await expect(await pageHeading(page)).toHaveText(text(m, 'revoke.reason.title'))
      await expect(page.getByTestId('revoke-summary')).toContainText(auth.serial)
      // Continue without a reason: the summary takes focus, its link leads to the first radio.
      await page.getByTestId('revoke-continue').click()
      const summary = page.getByTestId('error-summary')
      await expect(summary).toBeFocused()
      await expect(summary).toContainText(text(m, 'revoke.reason.required'))
      await expectAccessible(page, 'reason page with an error')
      await summary.getByRole('link').click()
      await expect(page.getByTestId('reason-unspecified')).toBeFocused()
      await chooseReason(page, m, reason)
      await expectAccessible(page, 'warning page')
      await page.getByTestId('revoke-continue').click()

      await expect(await pageHeading(page)).toHaveText(text(m, 'revoke.confirm.title'))
      await expectAccessible(page, 'confirmation page')
      // Wrong password: said at the field and in the summary; nothing was sent.
      await page.getByTestId('revoke-password').fill('not the password')
      await page.getByTestId('revoke-submit').click()
      await expect(page.getByTestId('error-summary')).toContainText(text(m, 'errors.ERR_WRONG_PASSWORD'))
      await expect(page.getByTestId('error-summary')).toBeFocused()
      expect(await serverStatus(server, auth.serial)).toMatchObject({ status: 'good', revocationReason: null })

      // The right password (after the short wrong-password wait, if it is still running).
      await confirmWithPassword(page, PASSWORD)
      await expect(await pageHeading(page)).toHaveText(text(m, 'revoke.done.title'))
      await expect(page.getByTestId('revoke-done')).toContainText(text(m, `revoke.reasons.${reasonKey}.label`))
      await expectAccessible(page, 'result page')

      expect(await serverStatus(server, auth.serial)).toMatchObject({ status: 'revoked', revocationReason: code })
      // The journey's end: OpenSSL asks the server's OCSP responder.
      const out = await consoleServerOcsp(server, auth.serial, auth.pem)
      expect(out).toContain(`${auth.serial}.pem: revoked`)
      expect(out).toContain(`Reason: ${ocspReason}`)
      expect(out).toContain('Response verify OK')

      // Back never offers to do it again: the certificate is already revoked.
      await page.goBack()
      await expect(page.getByTestId('revoke-already')).toBeVisible()

      // The certificate stays in My certificates, marked revoked, with no Revoke action; after a reload too.
      await page.goto(`${server.url}/certificates`)
      await expect(card.getByTestId('certificate-status')).toHaveText(text(m, 'certificates.status.revoked'))
      await expect(card.getByTestId('certificate-revoke')).toHaveCount(0)
      await page.reload()
      await expect(card.getByTestId('certificate-status')).toHaveText(text(m, 'certificates.status.revoked'))
    })
  })
}
