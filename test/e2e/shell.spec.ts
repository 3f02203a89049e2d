/** The app shell: languages, navigation, keyboard use, responsive layout, headers, manifest. */
import { readFileSync } from 'node:fs'
import { test, expect, pageHeading, TOP_LEVEL_ROUTES, LOCALE_STORAGE_KEY } from './fixtures.ts'
import { SERVICE_PAGES } from './service-pages.ts'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

test.describe('first visit language', () => {
  for (const [browserLocale, expected, heading] of [
    ['ru-RU', 'ru', 'Сертификаты электронной цифровой подписи'],
    ['kk-KZ', 'kk', 'Электрондық цифрлық қолтаңба сертификаттары'],
    ['en-US', 'kk', 'Электрондық цифрлық қолтаңба сертификаттары'],
    ['de-DE', 'kk', 'Электрондық цифрлық қолтаңба сертификаттары'],
  ] as const) {
    test(`browser ${browserLocale} → ${expected}`, async ({ browser }) => {
      const context = await browser.newContext({ locale: browserLocale })
      const page = await context.newPage()
      await page.goto('/')
      await expect(await pageHeading(page)).toHaveText(heading)
      await expect(page.locator('html')).toHaveAttribute('lang', expected)
      await context.close()
    })
  }
})

test('the language switch is in the header, updates <html lang> and is remembered', async ({ page }) => {
  await page.goto('/status')
  await expect(await pageHeading(page)).toHaveText('Өтінім мәртебесі')
  const russian = page.getByRole('banner').getByRole('button', { name: 'Русский' })
  await russian.click()
  await expect(russian).toHaveAttribute('aria-pressed', 'true')
  await expect(page.locator('#main h1')).toHaveText('Статус заявки')
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
  await expect(page).toHaveTitle('Статус заявки — Колтанба')
  expect(await page.evaluate((key) => localStorage.getItem(key), LOCALE_STORAGE_KEY)).toBe('ru')
  await page.reload()
  await expect(page.locator('#main h1')).toHaveText('Статус заявки')
  await page.getByRole('button', { name: 'English' }).click()
  await expect(page.locator('#main h1')).toHaveText('Application status')
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
})

test('home offers the four main tasks, and each link opens its screen', async ({ page }) => {
  await page.goto('/')
  const main = page.locator('#main')
  const tasks = [
    ['Сертификат алу', /\/get-certificate$/],
    ['Өтінім мәртебесін тексеру', /\/status$/],
    ['Менің сертификаттарым', /\/certificates$/],
    ['Сертификатпен кіру', /\/signin$/],
  ] as const
  for (const [link, path] of tasks) {
    await main.getByRole('link', { name: link }).click()
    await expect(page).toHaveURL(path)
    // Each screen has its own heading (the feature decides its text).
    await expect(page.locator('#main h1')).toBeVisible()
    await expect(page.locator('#main h1')).not.toHaveText('Электрондық цифрлық қолтаңба сертификаттары')
    await page.goBack()
    await expect(page).toHaveURL('/')
  }
})

test('a page change moves focus to the heading, sets the title and is announced', async ({ page }) => {
  await page.goto('/')
  await pageHeading(page)
  await page.locator('#main').getByRole('link', { name: 'Өтінім мәртебесін тексеру' }).click()
  const heading = page.locator('#main h1')
  await expect(heading).toHaveText('Өтінім мәртебесі')
  await expect(heading).toBeFocused()
  await expect(page).toHaveTitle('Өтінім мәртебесі — Қолтаңба')
  await expect(page.getByTestId('announcer')).toHaveText('Өтінім мәртебесі беті ашылды')
})

test('the skip link is the first tab stop and moves focus to the main content', async ({ page }) => {
  await page.goto('/settings')
  await pageHeading(page)
  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Негізгі мазмұнға өту' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page.locator('#main')).toBeFocused()
})

test('the menu works with the keyboard and closes with Escape', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto('/')
  await pageHeading(page)
  // The home page offers signing and checking a document too.
  await expect(page.getByTestId('home-sign')).toHaveAttribute('href', '/sign')
  await expect(page.getByTestId('home-verify')).toHaveAttribute('href', '/verify')
  const button = page.getByTestId('menu-button')
  await button.focus()
  await page.keyboard.press('Enter')
  await expect(button).toHaveAttribute('aria-expanded', 'true')
  const menu = page.locator('#app-menu-panel')
  await expect(menu.getByRole('link')).toHaveCount(8)
  // Signing and checking documents are reachable from the menu, each link a 44 px target.
  for (const [name, href] of [['Құжатқа қол қою', '/sign'], ['Қолтаңбаны тексеру', '/verify']] as const) {
    const link = menu.getByRole('link', { name })
    await expect(link).toHaveAttribute('href', href)
    const box = await link.boundingBox()
    expect(box?.height ?? 0, name).toBeGreaterThanOrEqual(44)
  }
  await page.keyboard.press('Escape')
  await expect(menu).toBeHidden()
  await expect(button).toBeFocused()
  await button.click()
  await menu.getByRole('link', { name: 'Баптаулар' }).click()
  await expect(page).toHaveURL('/settings')
  await expect(menu).toBeHidden()
})

test('every screen fits a 320 px phone and a 1920 px kiosk without horizontal scrolling', async ({ page }) => {
  for (const width of [320, 1920]) {
    await page.setViewportSize({ width, height: 800 })
    for (const path of [...TOP_LEVEL_ROUTES, ...SERVICE_PAGES]) {
      await page.goto(path)
      await pageHeading(page)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow, `${path} at ${width}px`).toBeLessThanOrEqual(0)
    }
  }
})

test('every control of the header is a 44 × 44 px touch target, on a phone and a desktop', async ({ page }) => {
  for (const width of [375, 1366]) {
    await page.setViewportSize({ width, height: 800 })
    await page.goto('/')
    await pageHeading(page)
    const small = await page.locator('header').first().evaluate((header) =>
      [...header.querySelectorAll<HTMLElement>('a, button')]
        .map((el) => ({ el, box: el.getBoundingClientRect() }))
        .filter(({ el, box }) => box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden')
        .filter(({ el, box }) => !el.classList.contains('skip-link') && (box.width < 44 || box.height < 44))
        .map(({ el, box }) => `${el.className} ${Math.round(box.width)}×${Math.round(box.height)}`),
    )
    expect(small, `${width}px`).toEqual([])
  }
})

test('unknown paths show a translated "not found" page', async ({ page }) => {
  await page.goto('/no/such/page')
  await expect(await pageHeading(page)).toHaveText('Бет табылмады')
  await page.getByRole('link', { name: 'Басты бетке оралу' }).click()
  await expect(page).toHaveURL('/')
})

test('settings show storage persistence, usage and the server version', async ({ page }) => {
  await page.goto('/settings')
  await pageHeading(page)
  await expect(page.getByTestId('storage-state')).toHaveAttribute('data-state', /^(persisted|not_persisted|denied)$/)
  await expect(page.getByTestId('storage-usage')).toContainText(/\d\s[КМГ]Б/)
  await expect(page.getByTestId('server-version')).toHaveText(pkg.version)
  await expect(page.getByTestId('app-version')).not.toBeEmpty()
})

test('documents carry a strict CSP and the right cache headers', async ({ request }) => {
  for (const path of ['/', '/status']) {
    const response = await request.get(path)
    const csp = response.headers()['content-security-policy'] ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    // NCALayer (wss://127.0.0.1:13579) and our agent live on loopback.
    expect(csp).toMatch(/connect-src 'self'[^;]* wss:\/\/127\.0\.0\.1:(13579|\*)/)
    // 'wasm-unsafe-eval' lets the hashing worker compile WebAssembly; no inline code, no eval.
    expect(csp).not.toMatch(/'unsafe-(inline|eval|hashes)'/)
    expect(response.headers()['cache-control']).toBe('no-cache')
  }
  expect((await request.get('/sw.js')).headers()['cache-control']).toBe('no-cache')
  const html = await (await request.get('/')).text()
  // Every script is an external file: no inline code for the CSP to block.
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  expect(html).not.toMatch(/<style/)
})

test('the manifest is installable: kk, standalone, 192/512 icons and a separate maskable icon', async ({ request }) => {
  const manifest = (await (await request.get('/manifest.webmanifest')).json()) as {
    lang: string
    display: string
    start_url: string
    scope: string
    icons: { src: string; sizes: string; purpose?: string }[]
  }
  expect(manifest).toMatchObject({ lang: 'kk', display: 'standalone', scope: '/' })
  const pngSize = (body: Buffer) => `${body.readUInt32BE(16)}x${body.readUInt32BE(20)}`
  for (const [sizes, purpose] of [['192x192', 'any'], ['512x512', 'any'], ['512x512', 'maskable']] as const) {
    const icon = manifest.icons.find((i) => i.sizes === sizes && (i.purpose ?? 'any') === purpose)
    expect(icon, `${sizes} ${purpose}`).toBeDefined()
    const body = await (await request.get(icon!.src)).body()
    expect(pngSize(body)).toBe(sizes)
  }
})
