/**
 * "My certificates" in Chromium, against the real server and built app: keys made and kept by
 * the browser's WebCrypto + IndexedDB, NCA key files imported through the UI.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, expectAccessible, pageHeading, type AppLocale } from './fixtures.ts'
import type { Page } from '@playwright/test'

test.use({ appLocale: 'en' as AppLocale })

const NCA_DIR = join(import.meta.dirname, '../fixtures/nca-test-keys')
const NCA_PASSWORD = 'Qwerty12'
const ncaFile = (name: string) => join(NCA_DIR, name)
const AUTH_FILE = 'AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12'
const SIGN_FILE = 'RSA256_8426360556902ce4ac33977836f873e1dc190976.p12'
/** A GOST key form the browser cannot use (a 2015 private key; NCA's 2004 GOST files import: gost.spec.ts). */
const GOST_UNSUPPORTED_FILE = join(import.meta.dirname, '../fixtures/gost/GOST2015_FORM_UNPROVEN.p12')

async function openCertificates(page: Page): Promise<void> {
  await page.goto('/certificates')
  await expect(await pageHeading(page)).toHaveText('My certificates')
}

test('create a container, reload, unlock, sign and verify', async ({ page }) => {
  await openCertificates(page)
  await expect(page.getByTestId('empty-state')).toBeVisible()

  await page.getByTestId('open-create').click()
  const dialog = page.getByTestId('create-dialog')
  await expect(dialog.getByRole('heading', { name: 'Create keys' })).toBeVisible()
  // Validation on submit: the problem is announced and focused.
  await dialog.getByTestId('create-submit').click()
  await expect(dialog.getByTestId('form-error')).toBeFocused()
  await dialog.getByLabel('Name of the key container').fill('Browser signature')
  await dialog.getByTestId('create-password').fill('correct horse battery')
  await dialog.getByTestId('create-password-repeat').fill('correct horse battery')
  await dialog.getByTestId('create-submit').click()
  await expect(page.getByTestId('certificates-notice')).toContainText('The container “Browser signature” has been created')

  const card = page.getByTestId('container-card').filter({ hasText: 'Browser signature' })
  await expect(card.getByTestId('container-lock-state')).toHaveText(/Unlocked/)
  await expect(card).toContainText('Key RSA 2048')

  await page.reload()
  await expect(card.getByTestId('container-lock-state')).toHaveText(/Locked/)

  await card.getByTestId('container-unlock').click()
  const unlock = page.getByTestId('unlock-dialog')
  await expect(unlock.getByTestId('unlock-password')).toBeFocused()
  await unlock.getByTestId('unlock-password').fill('wrong password')
  await unlock.getByTestId('unlock-submit').click()
  await expect(unlock.getByTestId('form-error')).toContainText('The password is wrong')
  await unlock.getByTestId('unlock-password').fill('correct horse battery')
  await unlock.getByTestId('unlock-submit').click()
  await expect(unlock).toBeHidden()
  await expect(card.getByTestId('container-lock-state')).toHaveText(/Unlocked/)
  // The Unlock button is gone; focus lands on the notice that reports the result.
  await expect(page.getByTestId('certificates-notice')).toBeFocused()

  await card.getByTestId('container-check').click()
  await expect(page.getByTestId('certificates-notice')).toHaveText(/The key works: a test signature was made and verified\./)

  // Nothing but encrypted bytes in IndexedDB.
  const stored = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('qoltanba-keystore')
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    })
    const keys = await new Promise<Array<Record<string, unknown>>>((resolve) => {
      const req = db.transaction('keys').objectStore('keys').getAll()
      req.onsuccess = () => resolve(req.result as Array<Record<string, unknown>>)
    })
    db.close()
    return keys.map((k) => ({ fields: Object.keys(k).sort(), hasCryptoKey: Object.values(k).some((v) => v instanceof CryptoKey) }))
  })
  expect(stored).toEqual([{ fields: ['algorithm', 'containerId', 'createdAt', 'encryptedPkcs8', 'id', 'spki'], hasCryptoKey: false }])

  await card.getByTestId('container-lock').click()
  await expect(card.getByTestId('container-lock-state')).toHaveText(/Locked/)

  // No certificate yet: the backup is the encrypted PKCS#8, which needs no password to save.
  await card.getByTestId('container-export').click()
  const download = page.waitForEvent('download')
  await page.getByTestId('export-dialog').getByTestId('export-key-pem').click()
  const pem = readFileSync((await (await download).path())!, 'utf8')
  expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/)
  await expect(page.getByTestId('certificates-notice')).toContainText('protected by the container password')

  await card.getByTestId('container-delete').click()
  const del = page.getByTestId('delete-dialog')
  await expect(del).toContainText('Without a backup copy')
  await del.getByTestId('delete-confirm').click()
  await expect(page.getByTestId('empty-state')).toBeVisible()
})

test('import an NCA key file through the picker, see the certificate, sign with it, export it', async ({ page }) => {
  await openCertificates(page)
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-file').setInputFiles(ncaFile(AUTH_FILE))
  await expect(dialog).toContainText(`Selected file: ${AUTH_FILE}`)
  await dialog.getByTestId('import-password').fill(NCA_PASSWORD)
  await dialog.getByTestId('import-submit').click()

  const result = dialog.getByTestId('import-result')
  await expect(result).toContainText('The key file has been imported')
  await expect(result.getByTestId('import-close')).toBeFocused()
  await expect(result).toContainText('1 key and 1 certificate')
  await expect(result.getByTestId('certificate-iin')).toHaveText('123456789011')
  await expect(result.getByTestId('certificate-purpose')).toContainText('Authentication')
  // NCA's 2018 test certificates are long expired.
  await expect(result.getByTestId('certificate-status')).toHaveText('Expired')
  await expectAccessible(page, 'import result')
  await result.getByTestId('import-close').click()

  const card = page.getByTestId('container-card').first()
  await expect(card.getByTestId('certificate-card')).toContainText('ТЕСТОВ ТЕСТ')
  await expect(card.getByTestId('certificate-iin')).toHaveText('123456789011')
  await card.getByTestId('container-check').click()
  await expect(page.getByTestId('certificates-notice')).toHaveText(/The key works/)

  await card.getByRole('button', { name: 'Certificate details' }).click()
  const details = page.getByTestId('certificate-details')
  await expect(details).toContainText('SERIALNUMBER=IIN123456789011')
  await expect(details).toContainText('SHA-256 fingerprint')
  await details.getByRole('button', { name: 'Close' }).click()

  await card.getByTestId('container-export').click()
  const exportDialog = page.getByTestId('export-dialog')
  await exportDialog.getByTestId('export-password').fill(NCA_PASSWORD)
  await exportDialog.getByTestId('export-legacy').check()
  const download = page.waitForEvent('download')
  await exportDialog.getByTestId('export-submit').click()
  const file = await download
  expect(file.suggestedFilename()).toMatch(/\.p12$/)
  const bytes = readFileSync((await file.path())!)
  expect(bytes.byteLength).toBeGreaterThan(1000)
  await expect(page.getByTestId('certificates-notice')).toContainText('has been saved')
  await expectAccessible(page, 'container list')
})

test('drop a key file onto the import area', async ({ page }) => {
  await openCertificates(page)
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  const bytes = [...readFileSync(ncaFile(SIGN_FILE))]
  const dataTransfer = await page.evaluateHandle(
    ([data, name]) => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([new Uint8Array(data)], name, { type: 'application/x-pkcs12' }))
      return transfer
    },
    [bytes, SIGN_FILE] as const,
  )
  await dialog.getByTestId('import-drop-zone').dispatchEvent('drop', { dataTransfer })
  await expect(dialog).toContainText(`Selected file: ${SIGN_FILE}`)
  await dialog.getByTestId('import-password').fill(NCA_PASSWORD)
  await dialog.getByTestId('import-submit').click()
  await expect(dialog.getByTestId('import-result').getByTestId('certificate-purpose')).toContainText('Signing')
})

test('a GOST key the browser cannot use is refused with a plain explanation and the agent route; nothing is stored', async ({ page }) => {
  await openCertificates(page)
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-file').setInputFiles(GOST_UNSUPPORTED_FILE)
  await dialog.getByTestId('import-password').fill(NCA_PASSWORD)
  await dialog.getByTestId('import-submit').click()
  const notice = dialog.getByTestId('gost-notice')
  await expect(notice).toContainText('This GOST key cannot be used in a browser')
  await expect(notice.getByRole('link', { name: 'Sign with a token and the agent' })).toHaveAttribute('href', /\/request\?storage=token/)

  await dialog.getByTestId('import-password').fill('wrong')
  await dialog.getByTestId('import-file').setInputFiles(ncaFile(AUTH_FILE))
  await dialog.getByTestId('import-submit').click()
  await expect(dialog.getByTestId('form-error')).toContainText(/password is wrong/)
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('empty-state')).toBeVisible()
})

test('phone layout: no horizontal scrolling, full-width actions', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ru-RU' })
  const page = await context.newPage()
  await page.goto('/certificates')
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-file').setInputFiles(ncaFile(AUTH_FILE))
  await dialog.getByTestId('import-password').fill(NCA_PASSWORD)
  await dialog.getByTestId('import-submit').click()
  await expect(dialog.getByTestId('import-result')).toBeVisible()
  await dialog.getByTestId('import-close').click()
  await expect(page.getByTestId('certificate-status')).toHaveText('Истёк')
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await context.close()
})

test('rename a container and change its password; the new password unlocks it', async ({ page }) => {
  await openCertificates(page)
  await page.getByTestId('open-create').click()
  const create = page.getByTestId('create-dialog')
  await create.getByLabel('Name of the key container').fill('Old name')
  await create.getByTestId('create-password').fill('first password')
  await create.getByTestId('create-password-repeat').fill('first password')
  await create.getByLabel('ECDSA P-256').check()
  await create.getByTestId('create-submit').click()

  const card = page.getByTestId('container-card')
  await expect(card).toContainText('Key ECDSA P-256')
  await card.getByText('More actions').click()
  await card.getByTestId('container-rename').click()
  const rename = page.getByTestId('rename-dialog')
  await rename.getByTestId('rename-name').fill('New name')
  await rename.getByTestId('rename-submit').click()
  await expect(card.getByRole('heading', { name: 'New name' })).toBeVisible()

  await card.getByText('More actions').click()
  await card.getByTestId('container-change-password').click()
  const change = page.getByTestId('change-password-dialog')
  await change.getByTestId('change-password-old').fill('first password')
  await change.getByTestId('change-password-new').fill('second password')
  await change.getByTestId('change-password-repeat').fill('second password')
  await change.getByTestId('change-password-submit').click()
  await expect(page.getByTestId('certificates-notice')).toContainText('The password of “New name” has been changed.')

  await card.getByTestId('container-lock').click()
  await card.getByTestId('container-unlock').click()
  const unlock = page.getByTestId('unlock-dialog')
  await unlock.getByTestId('unlock-password').fill('second password')
  await unlock.getByTestId('unlock-submit').click()
  await expect(card.getByTestId('container-lock-state')).toHaveText(/Unlocked/)
})
