/**
 * Helpers of the kiosk specs where the applicant's phone makes the keys (kiosk-phone-keys,
 * kiosk-phone-refusal), on the shared server: the kiosk's wizard up to the QR code, a phone that
 * already holds the applicant's signing certificate, what a browser's IndexedDB holds of keys,
 * and a page of the operator console signed in as the demo operator.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { signInWithPkcs12 } from '../../server/cli/sign-in-client.ts'
import { opensslCsr } from '../server/helpers/csr.ts'
import { expectAccessible } from './fixtures.ts'
import { phoneWithContainer } from './handoff-helpers.ts'
import { chooseCenter } from './journey-helpers.ts'
import { demoOperator, type Locale } from './handover-helpers.ts'

export const PHONE_PASSWORD = 'Telefon-Kilt-2026'
export const HOLDER_PASSWORD = 'Ustaushy-Kilt-2026'

/** What a browser's IndexedDB holds of keys: records of key stores, and any key-like value anywhere. */
export interface KeyScan {
  readonly databases: string[]
  /** Records in the keystore's `keys` store (any database). */
  readonly keyRecords: number
  /** Paths of values that are keys: a CryptoKey, or a field named like private key material. */
  readonly keyLike: string[]
  /** SHA-256 (hex) of each stored key's public key, when the keystore holds keys. */
  readonly spkiSha256: string[]
}

/** Reads every record of every IndexedDB database of the page's origin. */
export function scanKeys(page: Page): Promise<KeyScan> {
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
export async function expectNoKeyOnKiosk(page: Page, when: string): Promise<void> {
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
export async function applyAtKiosk(page: Page, iin: string, m: (key: string) => string): Promise<{ link: string; code: string }> {
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
  // No "The key is on this device" link at a kiosk: the QR code is the only way to the phone.
  await expect(page.getByTestId('handoff-deep-link')).toHaveCount(0)
  const link = (await page.getByTestId('handoff-qr').getAttribute('data-text'))!
  await expectNoKeyOnKiosk(page, 'QR code shown')
  return { link, code }
}

/**
 * A phone whose container holds a signing certificate of `iin` issued by the shared server: keys
 * and CSRs by OpenSSL, the application sent through the API, approved by the demo operator, the
 * certificate and its key imported as a PKCS#12 file. Returns the context and the serial.
 */
export async function phoneHoldingCertificate(browser: Browser, baseUrl: string, locale: Locale, iin: string): Promise<{ phone: BrowserContext; serial: string }> {
  const keys = { auth: opensslCsr('p256'), sign: opensslCsr('p256') }
  const applied = await fetch(`${baseUrl}/api/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ profile: 'individual', iin, region: 'KZ-75', storage: 'browser', requests: [{ purpose: 'auth', csr: keys.auth.pem }, { purpose: 'sign', csr: keys.sign.pem }] }),
  })
  expect(applied.status).toBe(201)
  const { number, accessCode } = (await applied.json()) as { number: string; accessCode: string }
  const cookie = await operatorCookie(baseUrl)
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

/** The demo operator's session cookie (certificate sign-in through the API, as the CLI does). */
export async function operatorCookie(baseUrl: string): Promise<string> {
  const operator = demoOperator()
  const { cookie } = await signInWithPkcs12({ baseUrl, fetch: globalThis.fetch, p12: new Uint8Array(readFileSync(operator.p12)), password: operator.password })
  return cookie
}

/** A page of the operator console in `browserLocale`, signed in as the demo operator (its session cookie). */
export async function operatorPage(browser: Browser, baseUrl: string, browserLocale: string): Promise<{ context: BrowserContext; page: Page }> {
  const cookie = await operatorCookie(baseUrl)
  const context = await browser.newContext({ locale: browserLocale })
  const [name, ...rest] = cookie.split(';')[0]!.split('=')
  await context.addCookies([{ name: name!.trim(), value: rest.join('='), url: baseUrl }])
  return { context, page: await context.newPage() }
}
