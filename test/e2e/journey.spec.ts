/**
 * The citizen's whole journey against a real Registration Center, once in Kazakh and once in
 * Russian: apply (keys in this browser) → operator approves (operator API, certificate sign-in by CLI) → status →
 * install → My certificates → revoke one certificate from My certificates, after which
 * `openssl ocsp` against the server says "revoked" with the chosen reason. Then the key-file variant: two .p12 files that OpenSSL opens with
 * the chosen password and whose certificates match their keys.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect, expectAccessible } from './fixtures.ts'
import { fillWizard, journeyPort, type JourneyServer, startJourneyServer, submitAndConfirm } from './journey-helpers.ts'
import { fetchCaPem, messages, opensslOcsp, REASONS, revokeFromCard, text } from './revoke-helpers.ts'

const PORT = journeyPort(18)
let server: JourneyServer

test.use({ baseURL: `http://localhost:${PORT}` })
test.describe.configure({ mode: 'serial', timeout: 180_000 })

test.beforeAll(async () => {
  test.setTimeout(180_000)
  server = await startJourneyServer(PORT)
})
test.afterAll(async () => {
  await server?.stop()
})

for (const locale of ['kk', 'ru'] as const) {
  test.describe(`in ${locale}`, () => {
    test.use({ appLocale: locale })

    test('apply → approve → status → install → My certificates → revoke → OCSP says revoked', async ({ page }) => {
      await fillWizard(page, { iin: '900101300017', email: 'testov@example.kz', storage: 'browser', password: 'Qoltanba-2026', algorithm: 'RSA-2048' })
      await expect(page.locator('html')).toHaveAttribute('lang', locale)
      await expectAccessible(page, 'check answers')
      const { number, accessCode } = await submitAndConfirm(page)
      expect(accessCode.length).toBeGreaterThanOrEqual(8)
      await expect(page.getByTestId('qr-code')).toBeVisible()
      // The print form is in the page (shown by the print stylesheet only) in the chosen language.
      await expect(page.getByTestId('print-form')).toContainText(number)
      await expect(page.getByTestId('print-form')).toContainText('900101300017')
      await page.emulateMedia({ media: 'print' })
      await expect(page.getByTestId('print-form')).toBeVisible()
      await expect(page.getByTestId('print-qr-code')).toBeVisible()
      await page.emulateMedia({ media: 'screen' })
      await expect(page.getByTestId('print-form')).toBeHidden()
      await expectAccessible(page, 'confirmation')

      await page.goto('/status')
      await expect(page.getByTestId('device-application').filter({ hasText: number })).toBeVisible()
      await page.getByTestId('device-application').filter({ hasText: number }).getByRole('link').click()
      await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'submitted')

      await server.approve(number)
      await page.getByTestId('check-again').click()
      await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'issued')
      await expect(page.getByTestId('status-history').locator('li')).toHaveCount(2)
      await expectAccessible(page, 'status issued')

      await page.getByTestId('install-link').click()
      await page.getByTestId('install-start').click()
      const done = page.getByTestId('install-done')
      await expect(done).toBeVisible({ timeout: 30_000 })
      await expect(done.getByTestId('certificate-card')).toHaveCount(2)
      await expect(done.getByTestId('certificate-card').first()).toContainText('ТЕСТОВ ТЕСТ')
      await expectAccessible(page, 'installed')
      expect((await server.applicationsOf('900101300017')).find((a) => a.number === number)?.status).toBe('installed')

      await page.getByTestId('to-certificates').click()
      const cards = page.getByTestId('certificate-card').filter({ hasText: 'ТЕСТОВ ТЕСТ' })
      await expect(cards).toHaveCount(2)

      // The citizen revokes one of the two certificates (signed in the browser with its key).
      const m = messages(locale)
      const reason = locale === 'kk' ? 'keyCompromise' : 'cessationOfOperation'
      const serial = await revokeFromCard(page, cards.first(), { m, reason, password: 'Qoltanba-2026' })

      // OpenSSL asks the journey server's OCSP responder, verifying the answer against the root.
      const issued = (await (await fetch(`${server.url}/api/v1/applications/${number}/certificates`, { headers: { 'x-access-code': accessCode } })).json()) as {
        certificates: { serial: string; pem: string }[]
      }
      const revoked = issued.certificates.find((c) => c.serial.toLowerCase() === serial.toLowerCase())
      expect(revoked, `certificate ${serial} among ${issued.certificates.map((c) => c.serial).join(', ')}`).toBeDefined()
      const dir = mkdtempSync(join(tmpdir(), 'qoltanba-journey-ocsp-'))
      try {
        const certFile = join(dir, 'revoked.pem')
        writeFileSync(certFile, revoked!.pem)
        const [issuer, root, responder] = [await fetchCaPem(server.url, 'issuing', dir), await fetchCaPem(server.url, 'root', dir), await fetchCaPem(server.url, 'ocsp', dir)]
        const out = opensslOcsp({ certFile, issuer, root, responder, port: PORT })
        expect(out).toContain(`${certFile}: revoked`)
        expect(out).toContain(`Reason: ${REASONS[reason].ocsp}`)
        expect(out).toContain('Response verify OK')
        // The other certificate is untouched.
        const other = issued.certificates.find((c) => c !== revoked)!
        writeFileSync(certFile, other.pem)
        expect(opensslOcsp({ certFile, issuer, root, responder, port: PORT })).toContain(`${certFile}: good`)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }

      // My certificates keeps both: the revoked one marked revoked (no Revoke action), the other valid.
      await page.goto('/certificates')
      const status = (key: string) => cards.filter({ has: page.getByTestId('certificate-status').getByText(text(m, key), { exact: true }) })
      await expect(status('certificates.status.revoked')).toHaveCount(1)
      await expect(status('certificates.status.revoked').getByTestId('certificate-revoke')).toHaveCount(0)
      await expect(status('certificates.status.valid')).toHaveCount(1)
    })
  })
}

test('key files: two .p12 files that OpenSSL opens and whose certificates match their keys', async ({ page }) => {
  const password = 'Kilt-Fail-77'
  await fillWizard(page, { iin: '850315300019', storage: 'file', password, algorithm: 'P-256' })
  const { number } = await submitAndConfirm(page)
  await server.approve(number)
  await page.goto(`/status/${number}`)
  await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'issued')
  await page.getByTestId('install-link').click()

  // Wrong password first: a clear message, nothing installed, the password can be typed again.
  await page.getByTestId('install-password').fill('not-the-password-1')
  await page.getByTestId('install-start').click()
  await expect(page.getByTestId('error-summary')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('error-summary')).toBeFocused()
  expect((await server.applicationsOf('850315300019')).find((a) => a.number === number)?.status).toBe('issued')

  const dir = mkdtempSync(join(tmpdir(), 'qoltanba-p12-'))
  try {
    const downloads: string[] = []
    page.on('download', (d) => {
      downloads.push(d.suggestedFilename())
      void d.saveAs(join(dir, d.suggestedFilename()))
    })
    await page.getByTestId('install-password').fill(password)
    await page.getByTestId('install-start').click()
    await expect(page.getByTestId('install-done')).toBeVisible({ timeout: 60_000 })
    await expect.poll(() => downloads.length).toBe(2)
    const names = [...downloads].sort()
    expect(names[0]).toMatch(/^AUTH_ECDSA256_[0-9a-f]{40}\.p12$/)
    expect(names[1]).toMatch(/^ECDSA256_[0-9a-f]{40}\.p12$/)
    await expect(page.getByTestId('key-files')).toContainText(names[0]!)
    for (const name of names) {
      const file = join(dir, name)
      await expect.poll(() => readFileSync(file, { flag: 'r' }).length > 0).toBe(true)
      execFileSync('openssl', ['pkcs12', '-info', '-noout', '-in', file, '-passin', `pass:${password}`], { stdio: 'pipe' })
      const p12 = (...args: string[]) => execFileSync('openssl', ['pkcs12', '-in', file, '-passin', `pass:${password}`, ...args], { encoding: 'utf8' })
      const pem = p12('-clcerts', '-nokeys')
      const certPub = execFileSync('openssl', ['x509', '-noout', '-pubkey'], { input: pem, encoding: 'utf8' })
      const keyPub = execFileSync('openssl', ['pkey', '-pubout'], { input: p12('-nocerts', '-nodes'), encoding: 'utf8' })
      expect(certPub).toBe(keyPub)
      // The CA chain travels with the key: the certificate verifies against the file's own CA certificates.
      const cas = p12('-cacerts', '-nokeys')
      expect(cas.match(/BEGIN CERTIFICATE/g)).toHaveLength(2)
      const dirCa = join(dir, `${name}.ca.pem`)
      writeFileSync(dirCa, cas)
      expect(execFileSync('openssl', ['verify', '-CAfile', dirCa, '-purpose', 'any'], { input: pem, encoding: 'utf8' })).toContain('OK')
      const subject = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'utf8'], { input: pem, encoding: 'utf8' })
      expect(subject).toContain('IIN850315300019')
      // The file name carries the certificate's subject key identifier, like NCA's.
      const ski = execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectKeyIdentifier'], { input: pem, encoding: 'utf8' })
      expect(ski.replace(/[^0-9A-Fa-f]/g, '').toLowerCase().slice(-40)).toBe(name.replace(/^.*_([0-9a-f]{40})\.p12$/, '$1'))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  expect((await server.applicationsOf('850315300019')).find((a) => a.number === number)?.status).toBe('installed')
})
