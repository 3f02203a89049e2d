/**
 * "Revoke" only where this registration center can revoke (issue 21, defect 7), in Kazakh and in
 * Russian: a certificate of another CA (made here with OpenSSL, as an NCA certificate would be)
 * and an expired one (NCA's long-expired test certificate) show no "Revoke" but a sentence that
 * says why and, for the other CA, where to go; opening the revocation pages by URL says so on the
 * first screen with the way back, instead of failing after three screens with "Not found". Our
 * own valid certificate still offers "Revoke". The server refuses the same with stable codes.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect, expectAccessible, pageHeading, type AppLocale } from './operator-fixtures.ts'
import { messages, text, type Messages } from './revoke-helpers.ts'

const NCA_EXPIRED = join(import.meta.dirname, '../fixtures/nca-test-keys/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12')
const NCA_PASSWORD = 'Qwerty12'
const FOREIGN_CA = 'Foreign Test CA'
const PASSWORD = 'Foreign-key 2026'

/**
 * A valid certificate from a CA that is not ours: OpenSSL makes the CA and a one-year
 * authentication certificate for `iin`, packed with its key as a .p12 (AES-256, OpenSSL 3's default).
 */
function foreignPkcs12(iin: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'qt-foreign-'))
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', `/C=KZ/O=${FOREIGN_CA}/CN=${FOREIGN_CA} 1`])
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/C=KZ/CN=TESTOV TEST/serialNumber=IIN${iin}`])
  writeFileSync(join(dir, 'leaf.ext'), 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
  run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '365', '-extfile', 'leaf.ext', '-out', 'leaf.pem'])
  run(['pkcs12', '-export', '-inkey', 'leaf.key', '-in', 'leaf.pem', '-certfile', 'ca.pem', '-passout', `pass:${PASSWORD}`, '-out', 'foreign.p12'])
  return join(dir, 'foreign.p12')
}

async function importP12(page: Page, file: string, password: string): Promise<void> {
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-file').setInputFiles(file)
  await dialog.getByTestId('import-password').fill(password)
  await dialog.getByTestId('import-submit').click()
  await dialog.getByTestId('import-result').getByTestId('import-close').click()
}

/** The parts of a message around its {placeholder}, to match a sentence whose date the app formats. */
function around(m: Messages, key: string, fill: Record<string, string> = {}): string[] {
  const filled = Object.entries(fill).reduce((s, [name, value]) => s.replace(`{${name}}`, value), text(m, key))
  return filled.split(/\{\w+\}/).map((part) => part.trim()).filter(Boolean)
}

const CASES: ReadonlyArray<{ locale: AppLocale; iin: string }> = [
  { locale: 'kk', iin: '750808300018' },
  { locale: 'ru', iin: '030412500018' },
]

for (const { locale, iin } of CASES) {
  test.describe(`revoke only what this registration center can (${locale})`, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)

    test('another CA’s and an expired certificate: no Revoke, the reason instead; by URL, turned away at once', async ({ page, consoleServer: server }) => {
      test.setTimeout(150_000)
      // Ours, valid: the control — Revoke is offered.
      const application = await server.submit(iin)
      await server.approve(application.number)
      const ours = await server.pkcs12(application, 'auth', PASSWORD)

      await page.goto(`${server.url}/certificates`)
      await importP12(page, ours, PASSWORD)
      await importP12(page, foreignPkcs12(iin), PASSWORD)
      await importP12(page, NCA_EXPIRED, NCA_PASSWORD)
      const cards = page.getByTestId('certificate-card')
      await expect(cards).toHaveCount(3)

      const own = cards.filter({ has: page.getByTestId('certificate-revoke') })
      await expect(own).toHaveCount(1)
      await expect(own.getByTestId('certificate-iin')).toHaveText(iin)

      // Another CA's certificate: who issued it and where to revoke it.
      const foreign = cards.filter({ has: page.locator('[data-reason="foreign"]') })
      await expect(foreign).toHaveCount(1)
      await expect(foreign.getByTestId('certificate-revoke-unavailable')).toHaveText(text(m, 'revoke.eligibility.foreign').replace('{issuer}', FOREIGN_CA))
      await expect(foreign.getByTestId('certificate-revoke')).toHaveCount(0)

      // The expired one: nothing to revoke.
      const expired = cards.filter({ has: page.locator('[data-reason="expired"]') })
      await expect(expired).toHaveCount(1)
      for (const part of around(m, 'revoke.eligibility.expired')) await expect(expired.getByTestId('certificate-revoke-unavailable')).toContainText(part)
      await expect(expired.getByTestId('certificate-revoke')).toHaveCount(0)
      await expectAccessible(page, 'my certificates with certificates that cannot be revoked here')

      // By URL, any page of the flow: turned away on the first screen, with the way back.
      const foreignId = await foreign.getAttribute('data-certificate-id')
      const expiredId = await expired.getAttribute('data-certificate-id')
      for (const step of ['', '/confirm']) {
        await page.goto(`${server.url}/certificates/revoke/${encodeURIComponent(foreignId!)}${step}`)
        await expect(await pageHeading(page)).toHaveText(text(m, 'revoke.not_here.title'))
        await expect(page.getByTestId('revoke-not-here')).toHaveText(text(m, 'revoke.eligibility.foreign').replace('{issuer}', FOREIGN_CA))
        await expect(page.getByTestId('revoke-password')).toHaveCount(0)
        await expect(page.getByTestId('reason-unspecified')).toHaveCount(0)
      }
      await expectAccessible(page, 'revocation turned away')
      await page.goto(`${server.url}/certificates/revoke/${encodeURIComponent(expiredId!)}`)
      await expect(await pageHeading(page)).toHaveText(text(m, 'revoke.not_here.title'))
      for (const part of around(m, 'revoke.eligibility.expired')) await expect(page.getByTestId('revoke-not-here')).toContainText(part)
      await page.getByTestId('revoke-not-here-back').click()
      await expect(await pageHeading(page)).toHaveText(text(m, 'nav.certificates'))
    })
  })
}
