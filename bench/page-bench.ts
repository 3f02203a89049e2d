/**
 * What the page benches (gost, keystore, sign) share: a page under bench/<name>-page built with
 * Vite, opened in Debian's Chromium through Playwright routing on http://localhost — a secure
 * context, so WebCrypto and IndexedDB are there, with no server and no port to bind — and the
 * way their figures are printed. Each page sets `document.title = 'ready'` once its
 * `window.<name>Bench` functions are in place.
 */
import { readFileSync } from 'node:fs'
import { extname, join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from '@playwright/test'
import type { InlineConfig } from 'vite'

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.css': 'text/css', '.wasm': 'application/wasm' }

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
export const ms = (x: number) => `${x.toFixed(x < 1 ? 3 : 1)} ms`
export const verdict = (ok: boolean) => (ok ? 'OK' : 'MISSED')

/** What a bench page adds to the shared build: its Rollup output (chunks to weigh) or its workers' format. */
export interface BenchPageBuild {
  readonly rollupOptions?: NonNullable<InlineConfig['build']>['rollupOptions']
  readonly worker?: InlineConfig['worker']
}

/**
 * Builds bench/`page` into `outDir` (minified, es2022, `@` → src as in the app).
 *
 * @example
 * await buildBenchPage('sign-page', outDir, { worker: { format: 'es' } })
 */
export async function buildBenchPage(page: string, outDir: string, extra: BenchPageBuild = {}): Promise<void> {
  const { build } = await import('vite')
  await build({
    configFile: false,
    root: resolve('bench', page),
    base: '/',
    logLevel: 'warn',
    resolve: { alias: { '@': resolve('src') } },
    ...(extra.worker ? { worker: extra.worker } : {}),
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      chunkSizeWarningLimit: 4096,
      ...(extra.rollupOptions ? { rollupOptions: extra.rollupOptions } : {}),
    },
  })
}

/**
 * Launches Chromium and opens the page built in `outDir` at `origin`, served from the files by
 * routing; resolves once the page says 'ready'. The caller closes the browser (in a `finally`).
 */
export async function openBenchPage(outDir: string, origin: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  })
  try {
    const page = await browser.newPage()
    page.setDefaultTimeout(600_000)
    await page.route(`${origin}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname
      const file = join(outDir, path === '/' ? 'index.html' : path)
      try {
        await route.fulfill({ body: readFileSync(file), contentType: TYPES[extname(file)] ?? 'application/octet-stream' })
      } catch {
        await route.fulfill({ status: 404, body: 'not found' })
      }
    })
    await page.goto(`${origin}/`)
    await page.waitForFunction(() => document.title === 'ready')
    return { browser, page }
  } catch (error) {
    await browser.close()
    throw error
  }
}
