/**
 * NCA's GOST keys in Chromium (issue 23), in Kazakh and Russian: the sample GOSTKNCA file
 * (GOST 34.310-2004) imports into "My certificates" and its key is named in NCA terms; a GOST key
 * whose certificate a test GOST root issued (our code signs the root, the certificate and the CRL)
 * signs in to a Registration Center that trusts that root through TRUST_ANCHORS_DIR, with the
 * root's GOST-signed CRL fetched from the certificate's distribution point; a document signed on
 * /sign with a GOST key verifies VALID on /verify (the page computes the GOST digest on the
 * device, the server checks it) and one changed byte reads "document changed".
 */
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect, pageHeading, startServer, type AppLocale, type RunningServer } from './fixtures.ts'
import { message } from './handover-helpers.ts'
import { writePkcs12 } from '../../src/pki/pkcs12/index.ts'
import { localCrlChecker, verifySignedCms } from '../../src/verifier/index.ts'
import { buildGostPki, gostCrl, type GostTestCert } from '../verifier/helpers/gost-pki.ts'

const PORT = Number(process.env.QOLTANBA_E2E_PORT ?? 4173) + 36
const NCA_GOST = join(import.meta.dirname, '../fixtures/nca-test-keys/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12')
const PASSWORD = 'Qwerty12'

let work: string
let server: RunningServer
let crlServer: Server
let testP12: string
let signP12: string
let root: GostTestCert
let rootCrl: Uint8Array

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  test.setTimeout(240_000)
  work = mkdtempSync(join(tmpdir(), 'qoltanba-gost-e2e-'))
  let crl: Uint8Array = new Uint8Array()
  crlServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/pkix-crl' })
    res.end(crl)
  })
  await new Promise<void>((resolve) => crlServer.listen(0, '127.0.0.1', resolve))
  const address = crlServer.address()
  const crlUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/gost-root.crl`
  const pki = await buildGostPki(crlUrl)
  crl = gostCrl(pki.root)
  root = pki.root
  rootCrl = crl
  const anchors = join(work, 'anchors')
  mkdirSync(anchors)
  writeFileSync(join(anchors, 'gost-test-root.cer'), pki.root.der)
  testP12 = join(work, 'gost-auth.p12')
  writeFileSync(
    testP12,
    await writePkcs12({ entries: [{ pkcs8: pki.leaf.key.pkcs8, certificate: pki.leaf.der, chain: [pki.root.der] }], password: PASSWORD, compatibility: 'legacy' }),
  )
  signP12 = join(work, 'gost-sign.p12')
  writeFileSync(
    signP12,
    await writePkcs12({ entries: [{ pkcs8: pki.signer.key.pkcs8, certificate: pki.signer.der, chain: [pki.root.der] }], password: PASSWORD, compatibility: 'legacy' }),
  )
  server = await startServer({
    port: PORT,
    distDir: process.env.QOLTANBA_E2E_DIST ?? 'dist',
    dataDir: join(work, 'data'),
    env: { TRUST_ANCHORS_DIR: anchors, CA_KEY_ALGORITHM: 'P-256' },
  })
})

test.afterAll(async () => {
  await server?.stop()
  await new Promise((resolve) => crlServer?.close(resolve))
  if (work) rmSync(work, { recursive: true, force: true })
})

const HEADINGS: Record<'kk' | 'ru', { certificates: RegExp }> = {
  kk: { certificates: /Менің сертификаттарым/ },
  ru: { certificates: /Мои сертификаты/ },
}

for (const locale of ['kk', 'ru'] as const) {
  test.describe(`GOST keys (${locale})`, () => {
    test.use({ appLocale: locale as AppLocale })

    test('the NCA GOST file imports; a GOST certificate under a trusted GOST root signs in', async ({ page }) => {
      await page.goto(`${server.url}/certificates`)
      await expect(await pageHeading(page)).toHaveText(HEADINGS[locale].certificates)
      await page.getByTestId('open-import').click()
      const dialog = page.getByTestId('import-dialog')
      await expect(dialog.getByTestId('import-gost-limits')).toBeVisible()
      await dialog.getByTestId('import-file').setInputFiles(NCA_GOST)
      await dialog.getByTestId('import-password').fill(PASSWORD)
      await dialog.getByTestId('import-submit').click()
      await expect(dialog.getByTestId('import-result')).toBeVisible()
      await dialog.getByTestId('import-close').click()
      await expect(page.getByTestId('container-card').first()).toContainText('GOST 34.310-2004')

      await page.getByTestId('open-import').click()
      await dialog.getByTestId('import-file').setInputFiles(testP12)
      await dialog.getByTestId('import-password').fill(PASSWORD)
      await dialog.getByTestId('import-submit').click()
      await expect(dialog.getByTestId('import-result')).toBeVisible()
      await dialog.getByTestId('import-close').click()

      await page.goto(`${server.url}/signin`)
      await page.getByRole('radio', { name: /ТЕСТОВ ТЕСТ.*123456789011/ }).check()
      await page.getByTestId('signin-password').fill(PASSWORD)
      await page.getByTestId('signin-submit').click()
      await expect(page).toHaveURL(/\/cabinet$/)
      await expect(page.getByTestId('cabinet-iin')).toHaveText('123456789011')
    })
  })
}

for (const locale of ['kk', 'ru'] as const) {
  test.describe(`GOST document signature on /sign and /verify (${locale})`, () => {
    test.use({ appLocale: locale as AppLocale })

    test('a document signed on /sign with a GOST key verifies VALID on /verify; one changed byte is "document changed"', async ({ page }) => {
      const document = Buffer.from(`Құжат / Документ — GOST (${locale})\n`)
      await page.goto(`${server.url}/certificates`)
      await page.getByTestId('open-import').click()
      const dialog = page.getByTestId('import-dialog')
      await dialog.getByTestId('import-file').setInputFiles(signP12)
      await dialog.getByTestId('import-password').fill(PASSWORD)
      await dialog.getByTestId('import-submit').click()
      await dialog.getByTestId('import-result').getByTestId('import-close').click()

      await page.goto(`${server.url}/sign`)
      await page.getByTestId('sign-document').setInputFiles({ name: 'contract.txt', mimeType: 'text/plain', buffer: document })
      await page.getByTestId('sign-timestamp-without').check()
      const passwordField = page.getByTestId('sign-password')
      if (await passwordField.count()) await passwordField.fill(PASSWORD)
      await page.getByTestId('sign-submit').click()
      await expect(page.getByTestId('sign-result')).toBeVisible()
      const download = page.waitForEvent('download')
      await page.getByTestId('sign-save').click()
      const signaturePath = join(work, `contract-${locale}.txt.p7s`)
      await (await download).saveAs(signaturePath)
      const signature = readFileSync(signaturePath)
      // An independent look at the browser-made file: our verifier over the bytes themselves.
      const result = await verifySignedCms({ cms: new Uint8Array(signature), content: new Uint8Array(document), trustAnchors: [root.der], revocation: localCrlChecker([rootCrl]) })
      expect(result.identity.iin).toBe('123456789011')

      // The page hashes the document on the device with the signer's GOST digest; the server checks it.
      const verify = async (bytes: Buffer) => {
        await page.goto(`${server.url}/verify`)
        await page.getByTestId('verify-signature-input').setInputFiles({ name: 'contract.txt.p7s', mimeType: 'application/pkcs7-signature', buffer: signature })
        await page.getByTestId('verify-document-input').setInputFiles({ name: 'contract.txt', mimeType: 'text/plain', buffer: bytes })
        await page.getByTestId('verify-submit').click()
        await expect(page.getByTestId('verify-report')).toBeVisible()
      }
      await verify(document)
      await expect(page.getByTestId('verify-summary')).toHaveText(message(locale, 'verify.report.all_valid', { n: '1' }))
      const card = page.getByTestId('verify-signer-0')
      await expect(card.getByTestId('verify-reason')).toHaveCount(0)
      await expect(card.getByRole('heading')).toHaveText(message(locale, 'verify.signer.valid'))
      await expect(card).toContainText('123456789011')

      const changed = Buffer.from(document)
      changed[0] = changed[0]! ^ 1
      await verify(changed)
      await expect(page.getByTestId('verify-summary')).toHaveText(message(locale, 'verify.report.not_valid'))
      await expect(page.getByTestId('verify-signer-0').getByTestId('verify-reason')).toHaveText(message(locale, 'errors.ERR_DOCUMENT_CHANGED'))
    })
  })
}
