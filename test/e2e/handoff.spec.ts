/**
 * The phone as the key (issue 17) in two browser contexts against a real Registration Center
 * (operator-fixtures.ts), in Kazakh and in Russian: a desktop page without keys and a
 * phone-emulated context whose container holds an authentication certificate. The QR code is
 * read from a screenshot of the desktop's page (jsQR), the phone opens it as its camera app
 * would, shows the same 2-digit code and signs; the desktop lands in the cabinet. A second scan
 * of the same QR code is refused; a PDF chosen on /sign is signed on the phone and the returned
 * .p7s passes `openssl cms -verify`; a phone in a browser started with Chromium's fake camera
 * (a Y4M recording of the QR code) scans it with "Scan"; declining shows on the desktop; the
 * countdown ends in "expired" under Playwright's clock (no sleeps).
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, devices, type BrowserContext, type Page } from '@playwright/test'
import QRCode from 'qrcode'
import jsQR from 'jsqr'
import { test, expect, type AppLocale } from './operator-fixtures.ts'
import { LOCALE_STORAGE_KEY } from './fixtures.ts'
import { phoneWithContainer } from './handoff-helpers.ts'

type Messages = { handoff: { state: Record<string, string>; phone: Record<string, string> }; errors: Record<string, string> }
const messages = (locale: AppLocale) => JSON.parse(readFileSync(join(import.meta.dirname, `../../src/i18n/locales/${locale}.json`), 'utf8')) as Messages

const CASES: ReadonlyArray<{ locale: AppLocale; iin: string }> = [
  { locale: 'kk', iin: '781104300019' },
  { locale: 'ru', iin: '830227400013' },
]
const PASSWORD = 'Handoff-e2e-2026'
const dir = mkdtempSync(join(tmpdir(), 'qt-handoff-e2e-'))
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Келісімшарт / Договор\ntrailer << /Root 1 0 R >>\n%%EOF\n')
writeFileSync(join(dir, 'contract.pdf'), pdf)

/** The QR code's text, decoded from a screenshot of the element (PNG → pixels in the page, jsQR here). */
async function readQrFromScreenshot(page: Page): Promise<string> {
  const png = await page.getByTestId('handoff-qr').screenshot()
  // The PNG is turned into pixels on a blank page (the app's CSP rightly refuses data: fetches).
  const scratch = await page.context().newPage()
  const { data, width, height } = await scratch.evaluate(async (b64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob())
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
    const context = canvas.getContext('2d')!
    context.drawImage(bitmap, 0, 0)
    const image = context.getImageData(0, 0, bitmap.width, bitmap.height)
    return { data: Array.from(image.data), width: image.width, height: image.height }
  }, png.toString('base64'))
  await scratch.close()
  const found = jsQR(new Uint8ClampedArray(data), width, height)
  if (!found) throw new Error('no QR code in the screenshot')
  return found.data
}

/**
 * A Y4M recording (raw 4:2:0 frames, written by code) of `text` as a QR code, for Chromium's fake
 * camera (--use-file-for-fake-video-capture): what the phone's camera would see.
 */
function qrRecording(text: string, file: string): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const size = qr.modules.size
  const width = 640
  const height = 480
  const scale = Math.floor((height - 80) / size)
  const left = Math.floor((width - size * scale) / 2)
  const top = Math.floor((height - size * scale) / 2)
  const luma = Buffer.alloc(width * height, 235)
  for (let y = 0; y < size * scale; y++) {
    for (let x = 0; x < size * scale; x++) {
      if (qr.modules.get(Math.floor(y / scale), Math.floor(x / scale))) luma[(top + y) * width + left + x] = 16
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma])
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: 10 }, () => frame)]))
}

for (const { locale, iin } of CASES) {
  test.describe(`hand-off to the phone (${locale})`, () => {
    test.use({ appLocale: locale })
    let phone: BrowserContext

    test.beforeAll(async ({ browser, consoleServer }) => {
      const app = await consoleServer.submit(iin)
      await consoleServer.approve(app.number)
      phone = await phoneWithContainer(browser, consoleServer.url, locale, [await consoleServer.pkcs12(app, 'auth', PASSWORD), await consoleServer.pkcs12(app, 'sign', PASSWORD)], PASSWORD)
    })
    test.afterAll(async () => phone?.close())

    test('signs the desktop in by the phone; a second scan of the same QR code is refused', async ({ page, consoleServer }) => {
      const m = messages(locale)
      await page.goto(`${consoleServer.url}/signin`)
      await page.getByTestId('signin-by-phone').click()
      await expect(page.getByTestId('handoff-qr')).toBeVisible()
      const code = await page.getByTestId('handoff-code').textContent()
      const link = await readQrFromScreenshot(page)
      expect(link).toMatch(new RegExp(`^${consoleServer.url}/handoff#`))

      const mobile = await phone.newPage()
      await mobile.goto(link)
      await expect(mobile.getByTestId('handoff-phone-code')).toHaveText(code!)
      await expect(mobile.getByTestId('handoff-origin')).toHaveText(consoleServer.url)
      // The secret left the address bar as soon as the page read it.
      expect(new URL(mobile.url()).hash).toBe('')
      await expect(page.getByTestId('handoff-state')).toHaveText(m.handoff.state.opened!)
      // A second scan of the same QR code (a relayed or photographed code) is refused.
      const again = await phone.newPage()
      await again.goto(link)
      await expect(again.getByTestId('handoff-phone-error')).toHaveText(m.errors.ERR_HANDOFF_USED!)
      await mobile.getByTestId('handoff-password').fill(PASSWORD)
      await mobile.getByTestId('handoff-sign').click()
      await expect(mobile.getByTestId('handoff-phone-done')).toBeVisible()

      await expect(page).toHaveURL(/\/cabinet$/)
      await expect(page.getByTestId('cabinet-iin')).toHaveText(iin)

      // Once completed, the hand-off is gone: the same code names nothing.
      await again.close()
      const later = await phone.newPage()
      await later.goto(link)
      await expect(later.getByTestId('handoff-phone-error')).toHaveText(m.errors.ERR_HANDOFF_NOT_FOUND!)
      await later.close()
      await mobile.close()
    })

    test('signs a PDF on the desktop by the phone; openssl cms -verify accepts the returned signature', async ({ page, consoleServer }) => {
      await page.goto(`${consoleServer.url}/sign`)
      await page.getByTestId('sign-document').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: pdf })
      await page.getByTestId('sign-by-phone-open').click()
      const link = await page.getByTestId('handoff-deep-link').getAttribute('href')
      const mobile = await phone.newPage()
      await mobile.goto(link!)
      const sha256 = createHash('sha256').update(pdf).digest('hex')
      await expect(mobile.getByTestId('handoff-document')).toContainText('contract.pdf')
      await expect(mobile.getByTestId('handoff-document')).toContainText(sha256)
      await expect(mobile.getByTestId('handoff-phone-code')).toHaveText((await page.getByTestId('handoff-code').textContent())!)
      await mobile.getByTestId('handoff-password').fill(PASSWORD)
      await mobile.getByTestId('handoff-sign').click()
      await expect(mobile.getByTestId('handoff-phone-done')).toBeVisible()
      await expect(page.getByTestId('sign-by-phone-done')).toBeVisible()
      const download = page.waitForEvent('download')
      await page.getByTestId('sign-by-phone-save').click()
      const p7s = join(dir, `${locale}-by-phone.p7s`)
      await (await download).saveAs(p7s)
      const root = await consoleServer.caFile('root')
      const issuing = await consoleServer.caFile('issuing')
      execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', p7s, '-content', join(dir, 'contract.pdf'), '-CAfile', root, '-certfile', issuing,
        '-purpose', 'any', '-out', '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
      await mobile.close()
    })

    test('the phone scans the QR code with its camera (Chromium fake camera fed a recording of the code)', async ({ page, consoleServer }) => {
      await page.goto(`${consoleServer.url}/signin`)
      await page.getByTestId('signin-by-phone').click()
      const link = await readQrFromScreenshot(page)
      const recording = join(dir, `${locale}-qr.y4m`)
      qrRecording(link, recording)
      const camera = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${recording}`],
      })
      try {
        const { defaultBrowserType: _type, ...pixel } = devices['Pixel 7']
        const context = await camera.newContext({ ...pixel, permissions: ['camera'] })
        await context.addInitScript(([key, value]) => localStorage.setItem(key, value), [LOCALE_STORAGE_KEY, locale] as const)
        const mobile = await context.newPage()
        await mobile.goto(`${consoleServer.url}/handoff`)
        await mobile.getByTestId('handoff-scan').click()
        // Scanned and opened: the same code as on the desktop, which now says "opened".
        await expect(mobile.getByTestId('handoff-phone-code')).toHaveText((await page.getByTestId('handoff-code').textContent())!, { timeout: 20_000 })
        await expect(page.getByTestId('handoff-state')).toHaveText(messages(locale).handoff.state.opened!)
        await mobile.getByTestId('handoff-decline').click()
        await expect(page.getByTestId('handoff-state')).toHaveText(messages(locale).handoff.state.declined!)
      } finally {
        await camera.close()
      }
    })

    test('declining on the phone shows on the desktop; nothing is signed', async ({ page, consoleServer }) => {
      const m = messages(locale)
      await page.goto(`${consoleServer.url}/signin`)
      await page.getByTestId('signin-by-phone').click()
      const link = await page.getByTestId('handoff-deep-link').getAttribute('href')
      const mobile = await phone.newPage()
      await mobile.goto(link!)
      await mobile.getByTestId('handoff-decline').click()
      await expect(mobile.getByTestId('handoff-phone-declined')).toHaveText(m.handoff.phone.declined!)
      await expect(page.getByTestId('handoff-state')).toHaveText(m.handoff.state.declined!)
      await expect(page.getByTestId('handoff-again')).toBeVisible()
      await mobile.close()
    })

    test('the QR code expires after its countdown (clock hooks, no waiting)', async ({ page, consoleServer }) => {
      const m = messages(locale)
      await page.clock.install()
      await page.goto(`${consoleServer.url}/signin`)
      await page.getByTestId('signin-by-phone').click()
      await expect(page.getByTestId('handoff-qr')).toBeVisible()
      await page.clock.fastForward('05:01')
      await expect(page.getByTestId('handoff-state')).toHaveText(m.handoff.state.expired!)
      await expect(page.getByTestId('handoff-qr')).toHaveCount(0)
    })
  })
}

test.describe('the phone hears the server\u2019s refusal (ru)', () => {
  test.use({ appLocale: 'ru' })

  test('a revoked certificate: the phone says the other screen refused and why, the desktop says the same', async ({ page, browser, consoleServer }) => {
    const m = messages('ru')
    const app = await consoleServer.submit('010203600014')
    await consoleServer.approve(app.number)
    const auth = (await consoleServer.certificates(app)).certificates.find((c) => c.purpose === 'auth')!
    const revoked = await fetch(`${consoleServer.url}/api/v1/operator/certificates/${auth.serial}/revoke`, {
      method: 'POST',
      headers: { cookie: consoleServer.operatorCookie, 'content-type': 'application/json' },
      body: '{"reason":1}',
    })
    expect(revoked.ok).toBe(true)
    const phone = await phoneWithContainer(browser, consoleServer.url, 'ru', [await consoleServer.pkcs12(app, 'auth', PASSWORD)], PASSWORD)
    try {
      await page.goto(`${consoleServer.url}/signin`)
      await page.getByTestId('signin-by-phone').click()
      const link = await page.getByTestId('handoff-deep-link').getAttribute('href')
      const mobile = await phone.newPage()
      await mobile.goto(link!)
      await mobile.getByTestId('handoff-password').fill(PASSWORD)
      await mobile.getByTestId('handoff-sign').click()
      const reason = m.errors.ERR_CERT_REVOKED!
      await expect(mobile.getByTestId('handoff-phone-refused')).toContainText(m.handoff.phone.refused!.replace('{reason}', reason))
      await expect(mobile.getByTestId('handoff-phone-refused')).toContainText(m.handoff.phone.refused_hint!)
      await expect(mobile.getByTestId('handoff-phone-done')).toHaveCount(0)
      await expect(page.getByTestId('handoff-state')).toHaveText(m.handoff.state.failed_because!.replace('{reason}', reason))
      await expect(page.getByTestId('handoff-again')).toBeVisible()
      await expect(page).toHaveURL(/\/signin$/)
    } finally {
      await phone.close()
    }
  })
})
