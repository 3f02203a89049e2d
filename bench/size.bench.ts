/**
 * First-paint and precache size of the built PWA (dist/, built first if missing).
 *
 * First paint = every script Chromium had loaded when the home page first painted content
 * (entry, its static imports, the language's shell messages, the home view); what loads after
 * it (the rest of the messages, the service worker and its precache) does not count.
 * Budget: 80 KB gzip; pkijs (~95 KB gzip) must never be in it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium } from '@playwright/test'

const DIST = resolve(process.env.DIST_DIR ?? 'dist')
const BUDGET_KB = 80
const ORIGIN = 'http://bench.qoltanba.test'
/** Strings that survive minification and exist only in pkijs. */
const PKIJS_MARKERS = ["Object's schema was not verified against input data for", 'SignedDataVerifyError']

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1)
const gzipSize = (data: Buffer) => gzipSync(data, { level: 9 }).length

async function ensureBuilt(): Promise<void> {
  if (existsSync(join(DIST, 'index.html'))) return
  console.info('dist/ missing: building…')
  const { build } = await import('vite')
  await build({ logLevel: 'warn', build: { outDir: DIST } })
}

/** Scripts fetched until the home heading is visible, by path. */
async function firstPaintScripts(): Promise<string[]> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  })
  try {
    const context = await browser.newContext({ serviceWorkers: 'block', locale: 'kk-KZ' })
    await context.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname
      const file = join(DIST, path === '/' ? 'index.html' : path)
      if (path.startsWith('/api/')) return route.fulfill({ status: 503, body: '' })
      // Deep links get the app shell, like the real server.
      const served = existsSync(file) ? file : join(DIST, 'index.html')
      const ext = served.slice(served.lastIndexOf('.'))
      await route.fulfill({ status: 200, body: readFileSync(served), contentType: TYPES[ext] ?? 'application/octet-stream' })
    })
    const page = await context.newPage()
    await page.goto(`${ORIGIN}/`)
    await page.locator('#main h1').waitFor({ state: 'visible' })
    return await page.evaluate(() => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Infinity
      return (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((entry) => entry.responseEnd <= paint && new URL(entry.name).pathname.endsWith('.js'))
        .map((entry) => new URL(entry.name).pathname)
    })
  } finally {
    await browser.close()
  }
}

/** URLs in the Workbox precache manifest inside dist/sw.js. */
function precacheUrls(): string[] {
  const sw = readFileSync(join(DIST, 'sw.js'), 'utf8')
  return [...sw.matchAll(/url:\s*"([^"]+)"/g)].map((m) => m[1] ?? '').filter(Boolean)
}

export async function run(): Promise<void> {
  await ensureBuilt()
  const scripts = await firstPaintScripts()
  let firstPaint = 0
  const pkijsIn: string[] = []
  for (const path of scripts) {
    const data = readFileSync(join(DIST, path))
    firstPaint += gzipSize(data)
    const text = data.toString('utf8')
    if (PKIJS_MARKERS.some((marker) => text.includes(marker))) pkijsIn.push(path)
    console.info(`  first paint  ${kb(gzipSize(data)).padStart(6)} KB gz  ${path}`)
  }
  console.info(`first paint JS (home, kk): ${kb(firstPaint)} KB gzip in ${scripts.length} files; budget ${BUDGET_KB} KB → ${((firstPaint / 1024 / BUDGET_KB) * 100).toFixed(0)} % of budget`)

  let precacheAll = 0
  let precacheJs = 0
  const urls = precacheUrls()
  for (const url of urls) {
    const file = join(DIST, url)
    if (!existsSync(file)) continue
    const size = gzipSize(readFileSync(file))
    precacheAll += size
    if (url.endsWith('.js')) precacheJs += size
  }
  console.info(`precache: ${urls.length} entries, ${kb(precacheAll)} KB gzip (JS ${kb(precacheJs)} KB); first paint is ${((firstPaint / precacheJs) * 100).toFixed(0)} % of precached JS`)

  if (firstPaint > BUDGET_KB * 1024) console.info(`FAIL first paint ${kb(firstPaint)} KB gzip exceeds the ${BUDGET_KB} KB budget`)
  else console.info(`OK first paint within the ${BUDGET_KB} KB budget`)
  if (pkijsIn.length) {
    console.info(`FAIL pkijs is in the first paint: ${pkijsIn.join(', ')}`)
    process.exitCode = 1
  } else console.info('OK pkijs is not in the first paint')
}
