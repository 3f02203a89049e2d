/**
 * /sign in kk and ru with key containers of this browser: a PDF signed as CAdES-T (the server's
 * own /tsp) is downloaded and accepted by `openssl cms -verify -content`; a second certificate
 * co-signs that file (two signers, both verified by OpenSSL); offline the signature is made and
 * its timestamp is added when the browser is online again; hashing a 1 GiB file can be cancelled.
 * The certificates come from a throw-away OpenSSL CA (its root is the -CAfile).
 */
import { execFileSync } from 'node:child_process'
import { closeSync, ftruncateSync, mkdtempSync, openSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect, expectAccessible, pageHeading, waitForServiceWorkerControl, type AppLocale } from './fixtures.ts'
import { message } from './handover-helpers.ts'

const PASSWORD = 'Sign-e2e key 2026'
const dir = mkdtempSync(join(tmpdir(), 'qt-sign-e2e-'))
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] })
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Келісімшарт / Договор\ntrailer << /Root 1 0 R >>\n%%EOF\n')
writeFileSync(join(dir, 'contract.pdf'), pdf)

/** A signing certificate (nonRepudiation, emailProtection) of the test CA in a PKCS#12 file. */
function signingKeyFile(name: string, curve: boolean): string {
  openssl(['req', '-newkey', ...(curve ? ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['rsa:2048']), '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`,
    '-subj', `/C=KZ/CN=${name.toUpperCase()} SIGNER/serialNumber=IIN900101300017`])
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-extfile', 'leaf.ext', '-out', `${name}.pem`])
  openssl(['pkcs12', '-export', '-inkey', `${name}.key`, '-in', `${name}.pem`, '-certfile', 'ca.pem', '-passout', `pass:${PASSWORD}`, '-out', `${name}.p12`])
  return join(dir, `${name}.p12`)
}
openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30',
  '-subj', '/C=KZ/CN=Sign e2e CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
writeFileSync(join(dir, 'leaf.ext'), 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\n')
const alice = signingKeyFile('alice', false)
const bob = signingKeyFile('bob', true)

async function importKeyFile(page: Page, p12: string): Promise<void> {
  await page.goto('/certificates')
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-file').setInputFiles(p12)
  await dialog.getByTestId('import-password').fill(PASSWORD)
  await dialog.getByTestId('import-submit').click()
  await dialog.getByTestId('import-result').getByTestId('import-close').click()
}

/** Chooses the PDF on /sign and checks what the page says will be signed. */
async function choosePdf(page: Page): Promise<void> {
  await page.getByTestId('sign-document').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: pdf })
  const sha256 = execFileSync('openssl', ['dgst', '-sha256', '-r', join(dir, 'contract.pdf')]).toString().split(' ')[0]!
  await expect(page.getByTestId('sign-document-sha256')).toHaveText(sha256)
}

/** Signs with the certificate whose option names `who`, saves the file and returns its path. */
async function signAndSave(page: Page, who: string, name: string, options: { timestamp?: boolean; cosign?: string }): Promise<string> {
  const select = page.getByTestId('sign-certificate')
  // The select names the certificate that would sign, never a blank (the first one until another is picked).
  await expect(select).not.toHaveValue('')
  const value = await select.locator('option', { hasText: who }).getAttribute('value')
  await select.selectOption(value!)
  // A countersignature asks no timestamp (the page hides the choice): `timestamp` left out.
  if (options.timestamp !== undefined) await page.getByTestId(options.timestamp ? 'sign-timestamp-with' : 'sign-timestamp-without').check()
  if (options.cosign) await page.getByTestId('sign-cosign').setInputFiles(options.cosign)
  const password = page.getByTestId('sign-password')
  if (await password.count()) await password.fill(PASSWORD)
  await page.getByTestId('sign-submit').click()
  await expect(page.getByTestId('sign-result')).toBeVisible()
  return save(page, name)
}

async function save(page: Page, name: string): Promise<string> {
  const download = page.waitForEvent('download')
  await page.getByTestId('sign-save').click()
  const file = join(dir, name)
  await (await download).saveAs(file)
  return file
}

/** Throws unless OpenSSL verifies every signer of `p7s` over the PDF. */
function opensslVerify(p7s: string): void {
  execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', p7s, '-content', join(dir, 'contract.pdf'), '-CAfile', join(dir, 'ca.pem'),
    '-purpose', 'any', '-out', '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
}
const printed = (p7s: string) => execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', p7s, '-noout']).toString()

for (const locale of ['kk', 'ru'] as const satisfies readonly AppLocale[]) {
  test.describe(`sign (${locale})`, () => {
    test.use({ appLocale: locale })

    test('a PDF signed as CAdES-T, co-signed by a second certificate; OpenSSL verifies both', async ({ page }) => {
      await importKeyFile(page, alice)
      await importKeyFile(page, bob)
      await page.goto('/sign')
      await expect(await pageHeading(page)).toHaveText(message(locale, 'sign.title'))
      await choosePdf(page)
      await expectAccessible(page, `sign ${locale}`)
      const first = await signAndSave(page, 'ALICE', `alice-${locale}.p7s`, { timestamp: true })
      expect(first.endsWith('.p7s')).toBe(true)
      await expect(page.getByTestId('sign-result-timestamp')).toContainText(message(locale, 'sign.result.timestamp_added').split('{time}')[0]!.trim())
      opensslVerify(first)
      expect(printed(first)).toContain('id-smime-aa-timeStampToken')

      await page.goto('/sign')
      await choosePdf(page)
      const both = await signAndSave(page, 'BOB', `both-${locale}.p7s`, { timestamp: false, cosign: first })
      const dump = printed(both)
      expect(dump.match(/d\.issuerAndSerialNumber:/g)).toHaveLength(2)
      expect(dump).toContain('ALICE SIGNER')
      expect(dump).toContain('BOB SIGNER')
      opensslVerify(both)
    })

    test('countersign: Bob countersigns Alice\'s signature; OpenSSL verifies it and /verify names him', async ({ page }) => {
      await importKeyFile(page, alice)
      await importKeyFile(page, bob)
      await page.goto('/sign')
      await choosePdf(page)
      const first = await signAndSave(page, 'ALICE', `counter-first-${locale}.p7s`, { timestamp: false })
      await page.goto('/sign')
      await choosePdf(page)
      await page.getByTestId('sign-cosign').setInputFiles(first)
      await page.getByTestId('sign-addition-countersign').check()
      await expect(page.getByTestId('sign-countersigned')).toContainText('ALICE SIGNER')
      await expect(page.getByTestId('sign-submit')).toHaveText(message(locale, 'sign.countersign.submit'))
      const countered = await signAndSave(page, 'BOB', `countered-${locale}.p7s`, {})
      const dump = printed(countered)
      // One signer (Alice) with Bob's countersignature in her unsigned attributes.
      expect(dump.match(/d\.issuerAndSerialNumber:/g)).toHaveLength(1)
      expect(dump).toContain('countersignature')
      expect(dump).toContain('BOB SIGNER')
      opensslVerify(countered)

      await page.goto('/verify')
      await page.getByTestId('verify-signature-input').setInputFiles(countered)
      await page.getByTestId('verify-document-input').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: pdf })
      await page.getByTestId('verify-submit').click()
      const counter = page.getByTestId('verify-signer-0').getByTestId('verify-countersignature-0')
      await expect(counter).toContainText(message(locale, 'verify.signer.countersigned'))
      await expect(counter).toContainText('BOB SIGNER')
    })

    test('offline: signed without the network, the timestamp is added when it returns', async ({ page, context }) => {
      await importKeyFile(page, alice)
      await page.goto('/sign')
      await choosePdf(page)
      await context.setOffline(true)
      await signAndSave(page, 'ALICE', `offline-${locale}.p7s`, { timestamp: true })
      await expect(page.getByTestId('sign-result-timestamp')).toHaveText(message(locale, 'sign.result.timestamp_pending'))
      await context.setOffline(false)
      await expect(page.getByTestId('sign-result-timestamp')).toContainText(message(locale, 'sign.result.timestamp_added').split('{time}')[0]!.trim())
      const later = await save(page, `offline-later-${locale}.p7s`)
      opensslVerify(later)
      expect(printed(later)).toContain('id-smime-aa-timeStampToken')
    })
  })
}

test('hashing a 1 GiB file shows progress and can be cancelled', async ({ page }) => {
  const big = join(dir, 'video.bin')
  const fd = openSync(big, 'w')
  ftruncateSync(fd, 1024 * 1024 * 1024)
  closeSync(fd)
  await page.goto('/sign')
  await page.getByTestId('sign-document').setInputFiles(big)
  await expect(page.getByTestId('sign-hash-progress')).toBeVisible()
  await page.getByTestId('sign-hash-cancel').click()
  await expect(page.getByTestId('sign-hash-progress')).toHaveCount(0)
  await expect(page.getByTestId('sign-document-facts')).toHaveCount(0)
  await expect(page.getByTestId('sign-submit')).toHaveCount(0)
})

test('the share target: a file shared to the installed app opens /sign with it', async ({ page }) => {
  await page.goto('/sign')
  await waitForServiceWorkerControl(page)
  // What the phone's share sheet does: a multipart POST of the manifest's share_target.
  await page.evaluate(() => {
    const form = document.createElement('form')
    form.method = 'POST'
    form.action = '/sign/share'
    form.enctype = 'multipart/form-data'
    const input = document.createElement('input')
    input.type = 'file'
    input.name = 'document'
    const files = new DataTransfer()
    files.items.add(new File(['Бөлісілген құжат\n'], 'shared-note.txt', { type: 'text/plain' }))
    input.files = files.files
    form.append(input)
    document.body.append(form)
    form.submit()
  })
  await page.waitForURL('**/sign?shared=1')
  await expect(page.getByTestId('sign-document-facts')).toContainText('shared-note.txt')
  const manifest = await (await page.request.get('/manifest.webmanifest')).json() as { share_target?: { action: string } }
  expect(manifest.share_target?.action).toBe('/sign/share')
})

test('a signature made offline is kept: a later visit adds its timestamp and offers the file', async ({ page, context }) => {
  await importKeyFile(page, alice)
  await page.goto('/sign')
  await waitForServiceWorkerControl(page)
  await choosePdf(page)
  await context.setOffline(true)
  await signAndSave(page, 'ALICE', 'kept-offline.p7s', { timestamp: true })
  await expect(page.getByTestId('sign-result-timestamp')).toHaveText(message('kk', 'sign.result.timestamp_pending'))
  // Leave /sign while still offline (the service worker serves the app), come back online later.
  await page.goto('/certificates')
  await context.setOffline(false)
  await page.goto('/sign')
  const item = page.getByTestId('sign-pending-item')
  await expect(item).toContainText(`contract.pdf.p7s — ${message('kk', 'sign.pending.ready')}`)
  const download = page.waitForEvent('download')
  await item.getByTestId('sign-pending-save').click()
  const file = join(dir, 'kept-later.p7s')
  await (await download).saveAs(file)
  opensslVerify(file)
  expect(printed(file)).toContain('id-smime-aa-timeStampToken')
  await expect(item).toHaveCount(0)
})
