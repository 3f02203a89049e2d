/**
 * /verify in kk and ru: a detached CAdES-T signature over a PDF — made with OpenSSL by the demo
 * operator's certificate from the shared server's CA, timestamped by the server's own /tsp — is
 * valid on the page, with who, when (the timestamp) and the document's SHA-256; the same
 * signature over the PDF changed by one byte fails with the reason in words; the printable
 * report (print media: the report only, with its QR back to /verify); a PDF signed on /sign (CAdES-T)
 * with the demo operator's key file, downloaded, then verified in a fresh browser context.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect, expectAccessible, pageHeading, LOCALE_STORAGE_KEY, type AppLocale } from './fixtures.ts'
import { demoOperator, message } from './handover-helpers.ts'
import { addUnsignedAttribute } from '../verifier/helpers/openssl-tsa.ts'
import { SIGNATURE_TIMESTAMP_OID } from '../../src/verifier/timestamp-token.ts'
import { parseSignedDataSigners } from '../../src/verifier/cms-signature.ts'

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] })
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Шарт / Договор\ntrailer << /Root 1 0 R >>\n%%EOF\n')

/** The demo operator's detached CAdES signature over `pdf`, with a signature timestamp from the server's /tsp. */
async function signedPdf(baseURL: string): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'qt-verify-e2e-'))
  const { p12, password } = demoOperator()
  const pem = join(dir, 'operator.pem')
  openssl(['pkcs12', '-in', p12, '-passin', `pass:${password}`, '-nodes', '-out', pem])
  const doc = join(dir, 'contract.pdf')
  writeFileSync(doc, pdf)
  const cms = new Uint8Array(openssl(['cms', '-sign', '-binary', '-cades', '-md', 'sha256', '-in', doc, '-signer', pem, '-inkey', pem, '-outform', 'DER']))
  const signatureValue = parseSignedDataSigners(cms)[0]!.signatureValue
  writeFileSync(join(dir, 'sig.bin'), signatureValue)
  const query = openssl(['ts', '-query', '-data', join(dir, 'sig.bin'), '-sha256', '-cert'])
  const reply = await fetch(`${baseURL}/tsp`, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: query })
  expect(reply.status).toBe(200)
  writeFileSync(join(dir, 'reply.tsr'), Buffer.from(await reply.arrayBuffer()))
  const token = new Uint8Array(openssl(['ts', '-reply', '-in', join(dir, 'reply.tsr'), '-token_out']))
  return Buffer.from(addUnsignedAttribute(cms, 0, SIGNATURE_TIMESTAMP_OID, token))
}

let signature: Buffer

for (const locale of ['kk', 'ru'] as const satisfies readonly AppLocale[]) {
  test.describe(`verify (${locale})`, () => {
    test.use({ appLocale: locale })

    test.beforeAll(async ({ baseURL }) => {
      signature ??= await signedPdf(baseURL!)
    })

    async function verify(page: Page, document: Buffer): Promise<void> {
      await page.goto('/verify')
      await expect(await pageHeading(page)).toHaveText(message(locale, 'verify.title'))
      await page.getByTestId('verify-signature-input').setInputFiles({ name: 'contract.pdf.p7s', mimeType: 'application/pkcs7-signature', buffer: signature })
      await page.getByTestId('verify-document-input').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: document })
      await page.getByTestId('verify-submit').click()
      await expect(page.getByTestId('verify-report')).toBeVisible()
    }

    test('a CAdES-T signature and its PDF: valid, who, when and which document', async ({ page }) => {
      await verify(page, pdf)
      const card = page.getByTestId('verify-signer-0')
      await expect(card.getByTestId('verify-reason')).toHaveCount(0)
      await expect(card.getByRole('heading')).toHaveText(message(locale, 'verify.signer.valid'))
      await expect(card).toContainText('CAdES-T')
      await expect(card).toContainText('920722400013')
      await expect(card.getByTestId('verify-timestamp')).not.toHaveText(message(locale, 'verify.signer.no_timestamp'))
      await expect(page.getByTestId('verify-document-hash')).toHaveText(createHash('sha256').update(pdf).digest('hex'))
      await expectAccessible(page, `verify ${locale}`)
    })

    test('the PDF changed by one byte: not valid, and why', async ({ page }) => {
      const changed = Buffer.from(pdf)
      changed[20] = changed[20]! ^ 1
      await verify(page, changed)
      await expect(page.getByTestId('verify-summary')).toHaveText(message(locale, 'verify.report.not_valid'))
      await expect(page.getByTestId('verify-signer-0').getByTestId('verify-reason')).toHaveText(message(locale, 'errors.ERR_DOCUMENT_CHANGED'))
    })

    test('the printable report: on paper only the report, with its QR back to /verify', async ({ page }) => {
      await verify(page, pdf)
      await expect(page.getByTestId('verify-qr')).toBeVisible()
      await page.emulateMedia({ media: 'print' })
      await expect(page.getByTestId('verify-submit')).toBeHidden()
      await expect(page.locator('header').first()).toBeHidden()
      await expect(page.getByTestId('verify-signer-0')).toBeVisible()
      await expect(page.getByTestId('verify-qr')).toBeVisible()
      // The QR's link opens this page expecting the same document.
      await page.emulateMedia({ media: 'screen' })
      await page.goto(`/verify?sha256=${createHash('sha256').update(pdf).digest('hex')}`)
      await expect(page.getByTestId('verify-expected')).toBeVisible()
    })

    test('signed on /sign in one browser, verified in a fresh one', async ({ page, browser, baseURL }) => {
      const { p12, password } = demoOperator()
      await page.goto('/certificates')
      await page.getByTestId('open-import').click()
      const dialog = page.getByTestId('import-dialog')
      await dialog.getByTestId('import-file').setInputFiles(p12)
      await dialog.getByTestId('import-password').fill(password)
      await dialog.getByTestId('import-submit').click()
      await dialog.getByTestId('import-result').getByTestId('import-close').click()
      await page.goto('/sign')
      await page.getByTestId('sign-document').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: pdf })
      await page.getByTestId('sign-timestamp-with').check()
      const passwordField = page.getByTestId('sign-password')
      if (await passwordField.count()) await passwordField.fill(password)
      await page.getByTestId('sign-submit').click()
      await expect(page.getByTestId('sign-result')).toBeVisible()
      const download = page.waitForEvent('download')
      await page.getByTestId('sign-save').click()
      const file = join(mkdtempSync(join(tmpdir(), 'qt-verify-signed-')), 'contract.pdf.p7s')
      await (await download).saveAs(file)

      const fresh = await browser.newContext({ baseURL: baseURL! })
      try {
        await fresh.addInitScript(([key, value]) => localStorage.setItem(key, value), [LOCALE_STORAGE_KEY, locale] as const)
        const other = await fresh.newPage()
        await other.goto('/verify')
        await other.getByTestId('verify-signature-input').setInputFiles(file)
        await other.getByTestId('verify-document-input').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: pdf })
        await other.getByTestId('verify-submit').click()
        const card = other.getByTestId('verify-signer-0')
        await expect(card.getByTestId('verify-reason')).toHaveCount(0)
        await expect(card.getByRole('heading')).toHaveText(message(locale, 'verify.signer.valid'))
        await expect(card).toContainText('CAdES-T')
        await expect(card).toContainText(demoOperator().iin)
      } finally {
        await fresh.close()
      }
    })
  })
}
