/**
 * Shared Playwright fixtures for specs that use the running server (playwright.config.ts starts
 * it on http://localhost:4173 with the built PWA and a throw-away DATA_DIR).
 *
 * - `test` sets the interface language (option `appLocale`, default kk) and fails a test on a
 *   CSP violation or an uncaught page error (opt out with `allowPageErrors`).
 * - `expectAccessible(page)` runs axe-core (WCAG 2.2 A/AA) and expects zero violations.
 * - `waitForServiceWorkerControl(page)` makes the page controlled (prompt mode needs a reload).
 * - `startServer()` runs another real server on its own port (ports 4174-4179 are ours).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { test as base, expect, type Page } from '@playwright/test'
import { AxeBuilder } from '@axe-core/playwright'

export { expect }

/** Interface languages. */
export type AppLocale = 'kk' | 'ru' | 'en'

/** localStorage key of the language choice (src/i18n/locales.ts). */
export const LOCALE_STORAGE_KEY = 'qoltanba.locale'

/** The top-level screens and their heading per language (the heading is the page's h1). */
export const TOP_LEVEL_ROUTES = ['/', '/certificates', '/status', '/settings', '/request', '/signin', '/operator', '/sign', '/verify', '/handoff'] as const

export const test = base.extend<{ appLocale: AppLocale; allowPageErrors: boolean; pageGuard: void }>({
  appLocale: ['kk', { option: true }],
  allowPageErrors: [false, { option: true }],
  page: async ({ page, appLocale }, use) => {
    // Only when nothing is stored: a switch made during the test must survive reloads.
    await page.addInitScript(
      ([key, locale]) => {
        if (!localStorage.getItem(key)) localStorage.setItem(key, locale)
      },
      [LOCALE_STORAGE_KEY, appLocale] as const,
    )
    await use(page)
  },
  pageGuard: [
    async ({ page, allowPageErrors }, use) => {
      const problems: string[] = []
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`)
      })
      page.on('pageerror', (error) => {
        if (!allowPageErrors) problems.push(`page error: ${error.message}`)
      })
      await use()
      expect(problems, 'CSP violations or uncaught errors').toEqual([])
    },
    { auto: true },
  ],
})

/** Waits for the page's h1 and returns it. */
export async function pageHeading(page: Page) {
  const heading = page.locator('#main h1')
  await expect(heading).toBeVisible()
  return heading
}

/** Runs axe-core with the WCAG 2.2 A/AA rules and expects no violations. */
export async function expectAccessible(page: Page, context = ''): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze()
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(summary, `accessibility violations ${context}`).toEqual([])
}

/**
 * Waits until a service worker controls the page. In prompt mode the first visit is not
 * controlled (no clientsClaim), so this reloads once when needed.
 */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload()
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true)
}

/** A real server started by a spec. */
export interface RunningServer {
  readonly url: string
  stop(): Promise<void>
}

/**
 * Starts `server/main.ts` on `port` with the given dist and data directories (and extra
 * environment, e.g. `{ CA_KEY_ALGORITHM: 'P-256' }` for a faster first start); resolves when healthy.
 */
export async function startServer(options: { port: number; distDir: string; dataDir: string; env?: Record<string, string> }): Promise<RunningServer> {
  const url = `http://localhost:${options.port}`
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      DIST_DIR: options.distDir,
      DATA_DIR: options.dataDir,
      PUBLIC_URL: url,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server on port ${options.port} exited with ${child.exitCode}`)
    const ok = await fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false)
    if (ok) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server on port ${options.port} did not become healthy`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
