/**
 * Passkey unlock (issue 19) in Chromium with its virtual authenticator over the DevTools protocol
 * (WebAuthn.addVirtualAuthenticator with PRF and user verification), against a real Registration
 * Center (operator-fixtures.ts) whose CA issued the certificate in the container:
 * - kk and ru: set up a passkey, reload, unlock by passkey; sign a document (/sign) and sign in,
 *   each by passkey after a reload, both signatures verifying with OpenSSL;
 * - two passkeys (two authenticators), remove one; a foreign passkey is refused with a clear
 *   message and changes nothing; the password still unlocks; the .p12 export still opens in
 *   OpenSSL; a revocation confirmed by passkey;
 * - an authenticator without PRF: setup stores nothing and the option is then hidden with its
 *   reason; a browser that says it has no PRF never offers it.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CDPSession, Page } from '@playwright/test'
import { test, expect, expectAccessible, pageHeading, type AppLocale } from './operator-fixtures.ts'
import { chooseReason, messages as allMessages, text } from './revoke-helpers.ts'

type Messages = { passkey: Record<string, Record<string, string>> }
const messages = (locale: AppLocale) => JSON.parse(readFileSync(join(import.meta.dirname, `../../src/i18n/locales/${locale}.json`), 'utf8')) as Messages

const PASSWORD = 'Passkey-e2e-2026'

/** A virtual authenticator on this page, user verified: the platform's ('internal') or a security key ('usb'). */
async function addAuthenticator(page: Page, hasPrf = true, transport: 'internal' | 'usb' = 'internal'): Promise<{ cdp: CDPSession; id: string }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport,
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      hasPrf,
      automaticPresenceSimulation: true,
    },
  })
  return { cdp, id: authenticatorId }
}

/** Imports a .p12 through "My certificates" and returns the container's card. */
async function importKeyFile(page: Page, url: string, p12: string) {
  await page.goto(`${url}/certificates`)
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-file').setInputFiles(p12)
  await dialog.getByTestId('import-password').fill(PASSWORD)
  await dialog.getByTestId('import-submit').click()
  await dialog.getByTestId('import-result').getByTestId('import-close').click()
  return page.getByTestId('container-card').last()
}

/** Sets up a passkey for the card's container through its dialog. */
async function setUpPasskey(page: Page, card: ReturnType<Page['getByTestId']>, label: string, m: Messages) {
  await card.getByTestId('container-passkeys').click()
  const dialog = page.getByTestId('passkey-dialog')
  await expect(dialog.getByTestId('passkey-loss')).toHaveText(m.passkey.settings!.loss!)
  await dialog.getByTestId('passkey-label').fill(label)
  await dialog.getByTestId('passkey-password').fill(PASSWORD)
  await dialog.getByTestId('passkey-add').click()
  await expect(dialog.getByTestId('passkey-done')).toHaveText(m.passkey.settings!.added!.replace('{label}', label))
  return dialog
}

/** Verifies a CMS SignedData with OpenSSL (attached, or detached over `content`); returns what it printed. */
function opensslVerify(cms: Buffer, content?: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'qoltanba-passkey-e2e-'))
  try {
    writeFileSync(join(dir, 'sig.der'), cms)
    const detached = content ? ['-binary', '-content', writeContent(dir, content)] : []
    const r = spawnSync('openssl', ['cms', '-verify', '-inform', 'DER', '-in', join(dir, 'sig.der'), ...detached, '-noverify', '-out', join(dir, 'out.bin')])
    return `${r.stdout?.toString() ?? ''}${r.stderr?.toString() ?? ''}`
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function writeContent(dir: string, content: Buffer): string {
  writeFileSync(join(dir, 'content.bin'), content)
  return join(dir, 'content.bin')
}

const CASES: ReadonlyArray<{ locale: AppLocale; iin: string }> = [
  { locale: 'kk', iin: '900101300017' },
  { locale: 'ru', iin: '850315300019' },
]

for (const { locale, iin } of CASES) {
  test.describe(`passkey (${locale})`, () => {
    test.use({ appLocale: locale })

    test('sets up a passkey; after reloads, unlocks, signs a document and signs in with it', async ({ page, consoleServer }) => {
      const m = messages(locale)
      const app = await consoleServer.submit(iin)
      await consoleServer.approve(app.number)
      const p12 = await consoleServer.pkcs12(app, 'auth', PASSWORD)
      await addAuthenticator(page)

      const card = await importKeyFile(page, consoleServer.url, p12)
      await expect(card.getByTestId('passkey-count')).toHaveText(m.passkey.card!.none!)
      const dialog = await setUpPasskey(page, card, 'Телефон', m)
      await expect(dialog.getByTestId('passkey-item')).toHaveCount(1)
      await expectAccessible(page, 'passkey dialog')
      await page.keyboard.press('Escape')

      await page.reload()
      await card.getByTestId('container-unlock').click()
      const unlock = page.getByTestId('unlock-dialog')
      await expect(unlock.getByTestId('passkey-first')).toHaveText(m.passkey.unlock!.hint!)
      await expect(unlock.getByTestId('unlock-password')).toHaveCount(0)
      await expect(unlock.getByTestId('unlock-submit')).toHaveText(m.passkey.unlock!.submit!)
      await unlock.getByTestId('unlock-submit').click()
      await expect(unlock).toBeHidden()
      await expect(card.getByTestId('container-lock')).toBeVisible()

      // Signing a document: a reload locks the container again; the passkey opens it, and OpenSSL
      // verifies the detached signature over the document.
      await page.goto(`${consoleServer.url}/sign`)
      const document = Buffer.from(`Қолтаңба: кіру кілтімен қол қою / подпись ключом доступа (${locale})\n`)
      await page.getByTestId('sign-document').setInputFiles({ name: 'note.txt', mimeType: 'text/plain', buffer: document })
      await page.getByTestId('sign-timestamp-without').check()
      await expect(page.getByTestId('passkey-first')).toHaveText(m.passkey.unlock!.hint!)
      await expect(page.getByTestId('sign-password')).toHaveCount(0)
      await page.getByTestId('sign-submit').click()
      await expect(page.getByTestId('sign-result')).toBeVisible()
      const download = page.waitForEvent('download')
      await page.getByTestId('sign-save').click()
      expect(opensslVerify(readFileSync((await (await download).path())!), document)).toContain('Verification successful')

      // Sign-in: locked again after a reload; the passkey opens it and the key signs the server's
      // challenge, which OpenSSL verifies too.
      await page.goto(`${consoleServer.url}/signin`)
      await expect(page.getByTestId('passkey-first')).toBeVisible()
      await expect(page.getByTestId('signin-password')).toHaveCount(0)
      const login = page.waitForRequest((r) => r.url().endsWith('/api/v1/auth/login') && r.method() === 'POST')
      await page.getByTestId('signin-submit').click()
      const { cms } = (await login).postDataJSON() as { cms: string }
      expect(opensslVerify(Buffer.from(cms, 'base64'))).toContain('Verification successful')
      await expect(page).toHaveURL(/\/cabinet$/)
      await expect(page.getByTestId('cabinet-iin')).toHaveText(iin)
    })
  })
}

test.describe('passkey (ru): several passkeys, a foreign one, the password and export', () => {
  test.use({ appLocale: 'ru' })

  test('two passkeys, remove one; a foreign passkey changes nothing; password and .p12 export still work', async ({ page, consoleServer }) => {
    const m = messages('ru')
    const app = await consoleServer.submit('880530300013')
    await consoleServer.approve(app.number)
    const p12 = await consoleServer.pkcs12(app, 'auth', PASSWORD)
    const phone = await addAuthenticator(page)

    await importKeyFile(page, consoleServer.url, p12)
    // Both stores come from one file and share a name: cards by position (oldest first).
    const first = page.getByTestId('container-card').nth(0)
    const dialog = await setUpPasskey(page, first, 'Телефон', m)
    // The second passkey lives on a security key; the phone does not answer meanwhile (it already
    // has a passkey for this store and would refuse the new one).
    await addAuthenticator(page, true, 'usb')
    await phone.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: phone.id, enabled: false })
    await dialog.getByTestId('passkey-label').fill('Ноутбук')
    await dialog.getByTestId('passkey-password').fill(PASSWORD)
    await dialog.getByTestId('passkey-add').click()
    await expect(dialog.getByTestId('passkey-done')).toHaveText(m.passkey.settings!.added!.replace('{label}', 'Ноутбук'))
    await expect(dialog.getByTestId('passkey-item')).toHaveText([/Телефон/, /Ноутбук/])
    await phone.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: phone.id, enabled: true })

    // Remove the phone's passkey: the laptop's still opens the store.
    await dialog.getByTestId('passkey-item').filter({ hasText: 'Телефон' }).getByTestId('passkey-remove').click()
    await expect(dialog.getByTestId('passkey-done')).toHaveText(m.passkey.settings!.removed!.replace('{label}', 'Телефон'))
    await expect(dialog.getByTestId('passkey-item')).toHaveText([/Ноутбук/])
    await page.keyboard.press('Escape')
    await expect(first.getByTestId('passkey-count')).toContainText('1')
    await page.reload()
    await first.getByTestId('container-unlock').click()
    const unlock = page.getByTestId('unlock-dialog')
    await unlock.getByTestId('unlock-submit').click()
    await expect(unlock).toBeHidden()
    await expect(first.getByTestId('container-lock')).toBeVisible()

    // A second store with its own passkey; the first store's record is then pointed at the second
    // store's credential (what a copied or mixed-up record would do): the foreign passkey answers,
    // its PRF output does not open the wrap, and the store stays as it was.
    const second = (await importKeyFile(page, consoleServer.url, p12)) && page.getByTestId('container-card').nth(1)
    await setUpPasskey(page, second, 'Другое', m)
    await page.keyboard.press('Escape')
    const before = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('qoltanba-keystore')
        req.onsuccess = () => resolve(req.result)
        req.onerror = () => reject(req.error)
      })
      const all = await new Promise<Array<{ id: string; containerId: string; credentialId: Uint8Array; label: string }>>((resolve) => {
        const req = db.transaction('passkeys').objectStore('passkeys').getAll()
        req.onsuccess = () => resolve(req.result)
      })
      const mine = all.find((p) => p.label === 'Ноутбук')!
      const foreign = all.find((p) => p.label === 'Другое')!
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('passkeys', 'readwrite')
        tx.objectStore('passkeys').put({ ...mine, credentialId: foreign.credentialId })
        tx.oncomplete = () => resolve()
        tx.onerror = () => reject(tx.error)
      })
      db.close()
      return all.length
    })
    expect(before).toBe(2)
    await page.reload()
    await first.getByTestId('container-unlock').click()
    await unlock.getByTestId('unlock-submit').click()
    await expect(unlock.getByTestId('form-error')).toContainText(m.passkey.errors!.wrong!)
    await expect(unlock.getByTestId('unlock-password')).toHaveCount(0)

    // The password still opens it ("Use password instead").
    await unlock.getByTestId('use-password').click()
    await unlock.getByTestId('unlock-password').fill(PASSWORD)
    await unlock.getByTestId('unlock-submit').click()
    await expect(unlock).toBeHidden()
    await expect(first.getByTestId('container-lock')).toBeVisible()

    // Export is the password's, as before: OpenSSL opens the .p12.
    await first.getByTestId('container-export').click()
    const exportDialog = page.getByTestId('export-dialog')
    await exportDialog.getByTestId('export-password').fill(PASSWORD)
    const download = page.waitForEvent('download')
    await exportDialog.getByTestId('export-submit').click()
    const file = (await (await download).path())!
    const info = execFileSync('openssl', ['pkcs12', '-info', '-noout', '-in', file, '-passin', `pass:${PASSWORD}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    expect(info).toBeDefined()
    const key = execFileSync('openssl', ['pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-nocerts', '-nodes'], { encoding: 'utf8' })
    expect(key).toContain('PRIVATE KEY')

    // Revocation's confirmation is the passkey too: the second store's passkey signs the request.
    await page.reload()
    const all = allMessages('ru')
    await second.getByTestId('certificate-revoke').click()
    await expect(await pageHeading(page)).toHaveText(text(all, 'revoke.reason.title'))
    await chooseReason(page, all, 'keyCompromise')
    await page.getByTestId('revoke-continue').click()
    await expect(await pageHeading(page)).toHaveText(text(all, 'revoke.confirm.title'))
    await expect(page.getByTestId('passkey-first')).toHaveText(m.passkey.unlock!.hint!)
    await expect(page.getByTestId('revoke-password')).toHaveCount(0)
    await page.getByTestId('revoke-submit').click()
    await expect(page.getByTestId('revoke-done')).toContainText(text(all, 'revoke.reasons.key_compromise.label'))
  })
})

test.describe('passkey (kk): without PRF', () => {
  test.use({ appLocale: 'kk' })

  test('an authenticator without PRF stores nothing and the option is hidden with its reason', async ({ page, consoleServer }) => {
    const m = messages('kk')
    const app = await consoleServer.submit('750808300018')
    await consoleServer.approve(app.number)
    const p12 = await consoleServer.pkcs12(app, 'auth', PASSWORD)
    await addAuthenticator(page, false)

    const card = await importKeyFile(page, consoleServer.url, p12)
    await card.getByTestId('container-passkeys').click()
    const dialog = page.getByTestId('passkey-dialog')
    await dialog.getByTestId('passkey-password').fill(PASSWORD)
    await dialog.getByTestId('passkey-add').click()
    await expect(dialog.getByTestId('form-error')).toContainText(m.passkey.errors!.no_prf!)
    await page.keyboard.press('Escape')
    await page.reload()
    await expect(card.getByTestId('passkey-unavailable')).toHaveText(m.passkey.card!.unavailable_prf!)
    await expect(card.getByTestId('container-passkeys')).toHaveCount(0)
    // Nothing was stored: the unlock dialog asks for the password.
    await card.getByTestId('container-unlock').click()
    await expect(page.getByTestId('unlock-dialog').getByTestId('unlock-password')).toBeVisible()
    await expect(page.getByTestId('unlock-dialog').getByTestId('use-password')).toHaveCount(0)
    await page.keyboard.press('Escape')
    // Another authenticator (a security key) may have PRF: the finding can be forgotten.
    await card.getByTestId('passkey-retry').click()
    await expect(card.getByTestId('container-passkeys')).toBeVisible()
  })

  test('a browser that says it has no PRF never offers it', async ({ page, consoleServer }) => {
    const m = messages('kk')
    await page.addInitScript(() => {
      const api = PublicKeyCredential as unknown as { getClientCapabilities?: () => Promise<Record<string, boolean>> }
      api.getClientCapabilities = async () => ({ 'extension:prf': false })
    })
    const app = await consoleServer.submit('950918400014')
    await consoleServer.approve(app.number)
    const card = await importKeyFile(page, consoleServer.url, await consoleServer.pkcs12(app, 'auth', PASSWORD))
    await expect(card.getByTestId('passkey-unavailable')).toHaveText(m.passkey.card!.unavailable_prf!)
    await expect(card.getByTestId('container-passkeys')).toHaveCount(0)
  })
})
