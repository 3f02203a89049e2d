/**
 * "Sign with your phone" in the kiosk's application wizard (issue 17), in Kazakh and in Russian,
 * in two browser contexts on the shared server: a `?kiosk` device where the applicant answers
 * the wizard and chooses "On your phone", and a phone-emulated context that opens the kiosk's
 * QR link, shows who asks, the same 2-digit code and the application, makes both keys under its
 * own password and sends their requests. The kiosk ends on the confirmation with the phone's
 * number and access code; the application's public keys are the phone's; every IndexedDB
 * database of the kiosk is read at each step (and repeatedly while the phone makes the keys)
 * and never holds a key; "Finish" leaves nothing. A phone that already holds the applicant's
 * signing certificate (issued by this server for an OpenSSL-made key, imported as a .p12) signs
 * the application with it too and says with which certificate.
 *
 * Plain Playwright `test` with the browser's preferred language, as kiosk-handover.spec.ts: no
 * test script writes into the storage the kiosk wipe must empty.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect, devices, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { signInWithPkcs12 } from '../../server/cli/sign-in-client.ts'
import { opensslCsr } from '../server/helpers/csr.ts'
import { expectAccessible } from './fixtures.ts'
import { phoneWithContainer } from './handoff-helpers.ts'
import { chooseCenter } from './journey-helpers.ts'
import { demoOperator, lockKiosk, message, type Locale } from './handover-helpers.ts'
import { readTraces } from './kiosk-helpers.ts'

test.describe.configure({ mode: 'serial' })

const CASES: ReadonlyArray<{ locale: Locale; browserLocale: string; iin: string; holderIin: string }> = [
  { locale: 'kk', browserLocale: 'kk-KZ', iin: '950918400014', holderIin: '990101400015' },
  { locale: 'ru', browserLocale: 'ru-RU', iin: '880530300013', holderIin: '850315300019' },
]
const PHONE_PASSWORD = 'Telefon-Kilt-2026'
const HOLDER_PASSWORD = 'Ustaushy-Kilt-2026'

/** What a browser's IndexedDB holds of keys: records of key stores, and any key-like value anywhere. */
interface KeyScan {
  readonly databases: string[]
  /** Records in the keystore's `keys` store (any database). */
  readonly keyRecords: number
  /** Paths of values that are keys: a CryptoKey, or a field named like private key material. */
  readonly keyLike: string[]
  /** SHA-256 (hex) of each stored key's public key, when the keystore holds keys. */
  readonly spkiSha256: string[]
}

/** Reads every record of every IndexedDB database of the page's origin. */
function scanKeys(page: Page): Promise<KeyScan> {
  return page.evaluate(async () => {
    const scan = { databases: [] as string[], keyRecords: 0, keyLike: [] as string[], spkiSha256: [] as string[] }
    const walk = (value: unknown, path: string, depth: number): void => {
      if (value instanceof CryptoKey) scan.keyLike.push(`${path} (CryptoKey ${value.type})`)
      if (!value || typeof value !== 'object' || depth > 6 || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return
      for (const [k, v] of Object.entries(value)) {
        if (/pkcs8|privatekey|encryptedkey|wrappedkey/i.test(k)) scan.keyLike.push(`${path}.${k}`)
        walk(v, `${path}.${k}`, depth + 1)
      }
    }
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue
      scan.databases.push(info.name)
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!)
        req.onsuccess = () => resolve(req.result)
        req.onerror = () => reject(req.error)
      })
      for (const store of Array.from(db.objectStoreNames)) {
        const records = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(store, 'readonly').objectStore(store).getAll()
          req.onsuccess = () => resolve(req.result)
          req.onerror = () => reject(req.error)
        })
        if (store === 'keys') {
          scan.keyRecords += records.length
          for (const r of records) {
            const spki = (r as { spki?: Uint8Array }).spki
            if (spki) scan.spkiSha256.push(Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(spki))), (b) => b.toString(16).padStart(2, '0')).join(''))
          }
        }
        records.forEach((r, i) => walk(r, `${info.name}/${store}[${i}]`, 0))
      }
      db.close()
    }
    return scan
  })
}

/** The kiosk holds no key: no keystore record, nothing key-like in any database. */
async function expectNoKeyOnKiosk(page: Page, when: string): Promise<void> {
  const scan = await scanKeys(page)
  expect(scan.keyRecords, `keystore records on the kiosk (${when})`).toBe(0)
  expect(scan.keyLike, `key-like values on the kiosk (${when})`).toEqual([])
}

/** Clicks Continue and waits for the next page of the wizard. */
async function next(page: Page): Promise<void> {
  const before = page.url()
  await page.getByTestId('continue').click()
  await expect.poll(() => page.url()).not.toBe(before)
}

/**
 * At a locked kiosk: the wizard for `iin` with "On your phone" and ECDSA keys, then Send; returns
 * the QR code's link and the 2-digit code. The kiosk's IndexedDB is checked on the way.
 */
async function applyAtKiosk(page: Page, iin: string, m: (key: string) => string): Promise<{ link: string; code: string }> {
  await page.goto('/request')
  await page.locator('#kind-individual').check()
  await next(page)
  await page.locator('#terms').check()
  await next(page)
  await page.getByTestId('iin-input').fill(iin)
  await page.getByTestId('check-iin').click()
  await expect(page.getByTestId('person')).toBeVisible()
  await next(page)
  await next(page)
  await chooseCenter(page, 'KZ-75')
  await next(page)
  // A kiosk offers the phone, files and a token; never this browser.
  await expect(page.locator('#storage-browser')).toHaveCount(0)
  await expect(page.locator('#storage-phone')).toBeVisible()
  await page.locator('#storage-phone').check()
  await expect(page.getByTestId('new-password'), 'no password on the kiosk: the phone asks').toHaveCount(0)
  await expectAccessible(page, 'storage step with the phone')
  await next(page)
  await page.locator('#key-ec').check()
  await next(page)
  await expect(page.getByTestId('check-answers')).toContainText(iin)
  await expect(page.getByTestId('check-answers')).toContainText(m('request.storage.phone'))
  await expectNoKeyOnKiosk(page, 'check your answers')

  // Send: a QR code for the phone instead of key generation.
  await page.getByTestId('continue').click()
  await expect(page.getByTestId('request-phone-keys').getByRole('heading', { level: 1 })).toHaveText(m('request.phone.title'))
  await expect(page.getByTestId('handoff-qr')).toBeVisible()
  const code = (await page.getByTestId('handoff-code').textContent())!.trim()
  const link = (await page.getByTestId('handoff-deep-link').getAttribute('href'))!
  await expectNoKeyOnKiosk(page, 'QR code shown')
  return { link, code }
}

/**
 * A phone whose container holds a signing certificate of `iin` issued by the shared server: keys
 * and CSRs by OpenSSL, the application sent through the API, approved by the demo operator, the
 * certificate and its key imported as a PKCS#12 file. Returns the context and the serial.
 */
async function phoneHoldingCertificate(browser: Browser, baseUrl: string, locale: Locale, iin: string): Promise<{ phone: BrowserContext; serial: string }> {
  const keys = { auth: opensslCsr('p256'), sign: opensslCsr('p256') }
  const applied = await fetch(`${baseUrl}/api/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ profile: 'individual', iin, region: 'KZ-75', storage: 'browser', requests: [{ purpose: 'auth', csr: keys.auth.pem }, { purpose: 'sign', csr: keys.sign.pem }] }),
  })
  expect(applied.status).toBe(201)
  const { number, accessCode } = (await applied.json()) as { number: string; accessCode: string }
  const operator = demoOperator()
  const { cookie } = await signInWithPkcs12({ baseUrl, fetch: globalThis.fetch, p12: new Uint8Array(readFileSync(operator.p12)), password: operator.password })
  const approved = await fetch(`${baseUrl}/api/v1/operator/applications/${number}/approve`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ identityChecked: true }) })
  expect(approved.status).toBe(200)
  const issued = (await (await fetch(`${baseUrl}/api/v1/applications/${number}/certificates`, { headers: { 'x-access-code': accessCode } })).json()) as {
    certificates: { purpose: string; serial: string; pem: string }[]
    chain: string[]
  }
  const sign = issued.certificates.find((c) => c.purpose === 'sign')!
  const dir = mkdtempSync(join(tmpdir(), 'qt-kiosk-holder-'))
  try {
    writeFileSync(join(dir, 'key.pem'), keys.sign.keyPem)
    writeFileSync(join(dir, 'cert.pem'), sign.pem)
    writeFileSync(join(dir, 'chain.pem'), issued.chain.join('\n'))
    const p12 = join(dir, 'sign.p12')
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'cert.pem'), '-certfile', join(dir, 'chain.pem'), '-passout', `pass:${HOLDER_PASSWORD}`, '-out', p12], { stdio: 'pipe' })
    return { phone: await phoneWithContainer(browser, baseUrl, locale, [p12], HOLDER_PASSWORD), serial: sign.serial }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

for (const { locale, browserLocale, iin, holderIin } of CASES) {
  test.describe(`kiosk: sign with your phone (${locale})`, () => {
    test.use({ locale: browserLocale })

    test('the application is made with the phone\u2019s keys; the kiosk\u2019s IndexedDB never holds a key; Finish leaves nothing', async ({ page, browser, baseURL }) => {
      test.setTimeout(240_000)
      const m = (key: string) => message(locale, key)
      const problems: string[] = []
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
      await lockKiosk(page, '731946')
      await expectNoKeyOnKiosk(page, 'locked')

      const { link, code } = await applyAtKiosk(page, iin, m)
      expect(link).toMatch(new RegExp(`^${baseURL}/handoff#`))
      await expectAccessible(page, 'QR code for the phone')

      // The applicant's phone: who asks, the same code, the application; keys under its own password.
      const { defaultBrowserType: _type, ...pixel } = devices['Pixel 7']
      const phone = await browser.newContext({ ...pixel, locale: browserLocale })
      try {
        const mobile = await phone.newPage()
        await mobile.goto(link)
        await expect(mobile.getByTestId('handoff-phone-code')).toHaveText(code)
        await expect(mobile.getByTestId('handoff-origin')).toHaveText(baseURL!)
        // Who asks: this registration center's kiosk, in the kiosk's language.
        await expect(mobile.getByTestId('handoff-requester')).toContainText(m('request.phone.requester_plain'))
        await expect(mobile.getByTestId('handoff-application-iin')).toHaveText(iin)
        await expect(page.getByTestId('handoff-state')).toHaveText(m('handoff.state.opened'))
        await expectNoKeyOnKiosk(page, 'phone opened the request')
        await expectAccessible(mobile, 'the application on the phone')
        await mobile.getByTestId('handoff-new-password').fill(PHONE_PASSWORD)
        await mobile.getByTestId('handoff-repeat-password').fill(PHONE_PASSWORD)
        await mobile.getByTestId('handoff-make-keys').click()

        // While the phone makes the keys and the server submits, the kiosk is read again and again.
        const number = page.getByTestId('application-number')
        let samples = 0
        await expect
          .poll(async () => {
            await expectNoKeyOnKiosk(page, `while the phone works (sample ${++samples})`)
            return number.isVisible()
          }, { timeout: 120_000 })
          .toBe(true)
        expect(samples).toBeGreaterThan(0)
        await expect(mobile.getByTestId('handoff-application-done')).toBeVisible()
        await expectAccessible(mobile, 'the application sent, on the phone')
        const phoneNumber = (await mobile.getByTestId('handoff-application-number').textContent())!.trim()
        const phoneCode = (await mobile.getByTestId('handoff-application-access-code').textContent())!.trim()
        await expect(number).toHaveText(phoneNumber)
        await expect(page.getByTestId('access-code')).toHaveText(phoneCode)
        await expect(page.getByTestId('next-text')).toHaveText(m('request.done.next_text_kiosk_phone'))
        await expectNoKeyOnKiosk(page, 'confirmation')

        // The phone holds both keys, and they are the application's keys.
        const phoneScan = await scanKeys(mobile)
        expect(phoneScan.keyRecords).toBe(2)
        const view = await (await page.request.get(`/api/v1/applications/${phoneNumber}`, { headers: { 'x-access-code': phoneCode } })).json()
        expect(view).toMatchObject({ number: phoneNumber, status: 'submitted', storage: 'browser' })
        expect((view.requests as { spkiSha256: string }[]).map((r) => r.spkiSha256).sort()).toEqual([...phoneScan.spkiSha256].sort())
        // The phone remembers the application, so it installs the certificates later.
        await mobile.getByTestId('handoff-application-status').click()
        await expect(mobile).toHaveURL(new RegExp(`/status/${phoneNumber}$`))
      } finally {
        await phone.close()
      }

      // Finish: the kiosk wipe still runs; nothing of the applicant is left.
      await page.getByTestId('kiosk-finish').click()
      await expect(page.getByTestId('kiosk-finish-confirm').getByRole('heading')).toHaveText(m('kiosk.finish_confirm.title'))
      const loaded = page.waitForEvent('load')
      await page.getByTestId('kiosk-finish-anyway').click()
      await loaded
      await expect(page.getByTestId('kiosk-bar')).toBeVisible()
      const traces = await readTraces(page)
      expect(traces.databases.filter((d) => d.records > 0), 'IndexedDB databases with records after Finish').toEqual([])
      await expectNoKeyOnKiosk(page, 'after Finish')
      expect(problems).toEqual([])
    })

    test('a phone that holds the applicant\u2019s signing certificate signs the application too; still no key on the kiosk', async ({ page, browser, baseURL }) => {
      test.setTimeout(240_000)
      const m = (key: string) => message(locale, key)
      const { phone, serial } = await phoneHoldingCertificate(browser, baseURL!, locale, holderIin)
      try {
        await lockKiosk(page, '731946')
        const { link, code } = await applyAtKiosk(page, holderIin, m)
        const mobile = await phone.newPage()
        await mobile.goto(link)
        await expect(mobile.getByTestId('handoff-phone-code')).toHaveText(code)
        // Offered, and chosen by default: the certificate of this IIN on this phone.
        await expect(mobile.getByTestId('handoff-sign-with-certificate')).toBeChecked()
        await expectAccessible(mobile, 'the application with the holder\u2019s certificate')
        await mobile.getByTestId('handoff-holder-password').fill(HOLDER_PASSWORD)
        await mobile.getByTestId('handoff-new-password').fill(PHONE_PASSWORD)
        await mobile.getByTestId('handoff-repeat-password').fill(PHONE_PASSWORD)
        await mobile.getByTestId('handoff-make-keys').click()
        await expect(mobile.getByTestId('handoff-application-signed-by')).toContainText(serial)
        const number = (await mobile.getByTestId('handoff-application-number').textContent())!.trim()
        await expect(page.getByTestId('application-number')).toHaveText(number, { timeout: 60_000 })
        await expectNoKeyOnKiosk(page, 'confirmation of a signed application')
        // The phone holds the new pair next to the certificate that vouched for it.
        expect((await scanKeys(mobile)).keyRecords).toBe(3)
      } finally {
        await phone.close()
      }
    })
  })
}
