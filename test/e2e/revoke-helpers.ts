/**
 * Helpers of the revocation and renewal specs (revoke.spec.ts, renewal.spec.ts, journey.spec.ts):
 * the UI messages of a locale, a key file imported into "My certificates", the revocation flow
 * from a card (reason → warning → container password → result), and `openssl ocsp` against a
 * server's responder.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, type Locator, type Page } from '@playwright/test'
import { pageHeading, type AppLocale } from './fixtures.ts'

/** The parsed src/i18n/locales/<locale>.json. */
export type Messages = Record<string, Record<string, unknown>>

/** Reads the UI messages of a locale, so assertions hold in every language. */
export function messages(locale: AppLocale): Messages {
  return JSON.parse(readFileSync(join(import.meta.dirname, `../../src/i18n/locales/${locale}.json`), 'utf8')) as Messages
}

/** The message at a dotted key; throws when it is missing (a renamed key must fail the test, not pass it). */
export function text(m: Messages, key: string): string {
  const raw = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], m)
  if (typeof raw !== 'string') throw new Error(`no message ${key}`)
  return raw
}

/**
 * Imports a .p12 key file through "My certificates" (the container password is the file's) and
 * locks the container again, so the flow under test must unlock it with the password itself.
 */
export async function importKeyFile(page: Page, baseUrl: string, p12: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/certificates`)
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-file').setInputFiles(p12)
  await dialog.getByTestId('import-password').fill(password)
  await dialog.getByTestId('import-submit').click()
  await dialog.getByTestId('import-close').click()
  await page.getByTestId('container-lock').click()
}

/** Reasons the specs use: the radio's test id suffix, the i18n key, the RFC 5280 code and OpenSSL's name. */
export const REASONS = {
  keyCompromise: { key: 'key_compromise', code: 1, ocsp: 'keyCompromise' },
  cessationOfOperation: { key: 'cessation_of_operation', code: 5, ocsp: 'cessationOfOperation' },
} as const
export type Reason = keyof typeof REASONS

/** On the reason page: picks `reason` and continues to the warning page. */
export async function chooseReason(page: Page, m: Messages, reason: Reason): Promise<void> {
  await page.getByTestId(`reason-${reason}`).check()
  await page.getByTestId('revoke-continue').click()
  await expect(await pageHeading(page)).toHaveText(text(m, 'revoke.warning.title'))
  await expect(page.getByTestId('revoke-summary')).toContainText(text(m, `revoke.reasons.${REASONS[reason].key}.label`))
}

/**
 * On the confirmation page: gives the container password and submits until the result shows
 * (retried while a previous wrong-password wait may still be running).
 */
export async function confirmWithPassword(page: Page, password: string): Promise<void> {
  await expect(async () => {
    await page.getByTestId('revoke-password').fill(password)
    await page.getByTestId('revoke-submit').click()
    await expect(page.getByTestId('revoke-done')).toBeVisible({ timeout: 5_000 })
  }).toPass({ timeout: 40_000 })
}

/**
 * The whole happy path from a certificate card: Revoke → reason → warning → password → result.
 * Returns the serial number the reason page showed.
 */
export async function revokeFromCard(page: Page, card: Locator, options: { m: Messages; reason: Reason; password: string }): Promise<string> {
  const { m, reason, password } = options
  await card.getByTestId('certificate-revoke').click()
  await expect(await pageHeading(page)).toHaveText(text(m, 'revoke.reason.title'))
  const serial = (await page.getByTestId('revoke-summary').locator('.revoke-summary__serial').textContent())?.trim() ?? ''
  expect(serial).not.toBe('')
  await chooseReason(page, m, reason)
  await page.getByTestId('revoke-continue').click()
  await expect(await pageHeading(page)).toHaveText(text(m, 'revoke.confirm.title'))
  await confirmWithPassword(page, password)
  await expect(await pageHeading(page)).toHaveText(text(m, 'revoke.done.title'))
  await expect(page.getByTestId('revoke-done')).toContainText(text(m, `revoke.reasons.${REASONS[reason].key}.label`))
  return serial
}

/** Fetches a CA certificate (root, issuing, ocsp) from a server's GET /ca/<name>.crt into `dir` as PEM. */
export async function fetchCaPem(baseUrl: string, name: 'root' | 'issuing' | 'ocsp', dir: string): Promise<string> {
  const response = await fetch(`${baseUrl}/ca/${name}.crt`)
  expect(response.ok).toBe(true)
  const der = join(dir, `${name}.der`)
  writeFileSync(der, Buffer.from(await response.arrayBuffer()))
  const pem = join(dir, `${name}.pem`)
  const converted = spawnSync('openssl', ['x509', '-inform', 'DER', '-in', der, '-out', pem], { encoding: 'utf8' })
  if (converted.status !== 0) throw new Error(`openssl x509: ${converted.stderr}`)
  return pem
}

/**
 * `openssl ocsp` about a certificate (PEM) of a console server (operator-fixtures.ts), verified
 * against its root with its responder certificate; returns what opensslOcsp returns.
 */
export async function consoleServerOcsp(server: { dataDir: string; port: number; caFile(name: 'root' | 'issuing' | 'ocsp'): Promise<string> }, serial: string, pem: string): Promise<string> {
  const certFile = join(server.dataDir, `${serial}.pem`)
  writeFileSync(certFile, pem)
  const [issuer, root, responder] = [await server.caFile('issuing'), await server.caFile('root'), await server.caFile('ocsp')]
  return opensslOcsp({ certFile, issuer, root, responder, port: server.port })
}

/**
 * Asks a server's OCSP responder about `certFile` with `openssl ocsp`, verifying the response
 * against the root with the responder certificate; returns stdout and stderr together
 * ("Response verify OK" is written to stderr).
 */
export function opensslOcsp(options: { certFile: string; issuer: string; root: string; responder: string; port: number }): string {
  const { certFile, issuer, root, responder, port } = options
  const result = spawnSync('openssl', ['ocsp', '-issuer', issuer, '-cert', certFile, '-url', `http://127.0.0.1:${port}/ocsp`, '-CAfile', root, '-VAfile', responder], {
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`openssl ocsp failed: ${result.stderr}`)
  return `${result.stdout}\n${result.stderr}`
}
