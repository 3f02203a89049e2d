/**
 * Kiosk mode (issue 8) against a real server with KIOSK=1: a whole applicant journey, then the
 * idle timeout (warning with ≥ 20 s and Continue, then the wipe), "Finish", and the
 * applicant ↔ operator switch. After each session end nothing personal is left in IndexedDB,
 * Cache Storage (but the precache) or web storage, the service worker still controls the page,
 * and the kiosk opens offline. Timers are driven by Playwright's clock, nothing waits for them.
 */
import { expect, type Page } from '@playwright/test'
import { fillWizard, submitAndConfirm } from './journey-helpers.ts'
import {
  KIOSK_IDLE_SECONDS,
  KIOSK_WARN_SECONDS,
  addStrayTraces,
  controlled,
  expectClean,
  readTraces,
  kioskTest,
} from './kiosk-helpers.ts'

/** One KIOSK=1 server per worker; relative URLs (also in the journey helpers) go to it. */
const test = kioskTest()

test.describe.configure({ mode: 'serial' })

/** Fails the test on an uncaught page error or a CSP violation. */
function guard(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text())
  })
  return problems
}

/** Opens the kiosk start screen under a service worker's control. */
async function openKiosk(page: Page): Promise<void> {
  await page.goto('/')
  await controlled(page)
  await expect(page.getByTestId('kiosk-bar')).toBeVisible()
}

/** Asserts the page holds a person's data (so a later clean state proves a wipe). */
async function expectDirty(page: Page): Promise<void> {
  const traces = await readTraces(page)
  expect(traces.databases.filter((d) => d.records > 0).length).toBeGreaterThan(0)
  expect(Object.keys(traces.caches)).toContain('qoltanba-runtime-api')
  expect(Object.keys(traces.localStorage).length).toBeGreaterThan(1)
  expect(Object.keys(traces.sessionStorage).length).toBeGreaterThan(0)
}

test('a journey, then the idle timeout: warning ≥ 20 s with Continue, then every trace is wiped and the kiosk works offline', async ({ page, context }) => {
  test.setTimeout(120_000)
  const problems = guard(page)
  await page.clock.install()
  await openKiosk(page)

  // The applicant applies; the keys leave the kiosk as a file (no "This browser" choice).
  await fillWizard(page, { iin: '900101300017', email: 'kiosk@example.kz', storage: 'file', password: 'Qoltanba-2026', algorithm: 'P-256' })
  const { number } = await submitAndConfirm(page)
  expect(number).toMatch(/^\d{12}$/)
  // The language switch is always on screen; the choice is this person's (localStorage).
  await page.locator('.app-header [data-locale="ru"]').click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
  await addStrayTraces(page)
  await expectDirty(page)

  // Quiet period: the warning opens with a countdown of at least 20 s; Continue keeps the session.
  const warning = page.getByTestId('kiosk-idle-warning')
  await page.clock.fastForward(KIOSK_IDLE_SECONDS * 1000 + 1000)
  await expect(warning).toBeVisible()
  await expect(warning).toHaveAttribute('role', 'alertdialog')
  const shown = Number(await page.getByTestId('kiosk-idle-countdown').textContent())
  expect(shown).toBeGreaterThanOrEqual(20)
  expect(shown).toBeLessThanOrEqual(KIOSK_WARN_SECONDS)
  await expect(page.getByTestId('kiosk-continue')).toBeFocused()
  await page.clock.fastForward(5_000)
  await expect(page.getByTestId('kiosk-idle-countdown')).toHaveText(String(KIOSK_WARN_SECONDS - 5))
  await page.getByTestId('kiosk-continue').click()
  await expect(warning).toBeHidden()
  await expectDirty(page)

  // Quiet again, and nobody answers: the session ends and the start screen opens.
  await page.clock.fastForward(KIOSK_IDLE_SECONDS * 1000 + 1000)
  // Input events are throttled by timers on the same fake clock: move time on until it shows.
  await expect(async () => {
    await page.clock.fastForward(2_000)
    await expect(warning).toBeVisible({ timeout: 1_000 })
  }).toPass()
  const reloaded = page.waitForEvent('load')
  await page.clock.fastForward(KIOSK_WARN_SECONDS * 1000 + 1000)
  await reloaded
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('kiosk-bar')).toBeVisible()
  await expectClean(page)

  // The app shell stayed: the kiosk opens offline, still in kiosk mode.
  await context.setOffline(true)
  await page.reload()
  await expect(page.locator('#main h1')).toBeVisible()
  await expect(page.getByTestId('kiosk-bar')).toBeVisible()
  await context.setOffline(false)
  expect(problems).toEqual([])
})

test('"Finish" ends the session at once and leaves nothing; links cannot leave the app', async ({ page }) => {
  const problems = guard(page)
  await openKiosk(page)
  await fillWizard(page, { iin: '850315300019', storage: 'file', password: 'Qoltanba-2026', algorithm: 'P-256' })
  // Back on the storage step: only the token or a file are offered.
  await page.goBack()
  await page.goBack()
  await expect(page).toHaveURL(/\/request\/storage$/)
  await expect(page.getByTestId('kiosk-keys-notice')).toBeVisible()
  await expect(page.locator('#storage-browser')).toHaveCount(0)
  await expect(page.locator('#storage-file')).toBeVisible()
  await page.evaluate(() => localStorage.setItem('qoltanba.locale', 'ru'))
  await addStrayTraces(page)
  await page.evaluate(async () => {
    const open = indexedDB.open('qoltanba-applications')
    await new Promise((resolve) => (open.onsuccess = resolve))
  })

  // An external link and a new window do nothing.
  const before = page.url()
  await page.evaluate(() => {
    const a = document.createElement('a')
    a.href = 'https://example.com/'
    a.target = '_blank'
    a.textContent = 'external'
    a.id = 'external-link'
    document.querySelector('#main')!.append(a)
  })
  await page.locator('#external-link').click()
  expect(page.url()).toBe(before)
  expect(await page.evaluate(() => window.open('https://example.com/'))).toBeNull()
  expect(page.context().pages()).toHaveLength(1)

  // Finish asks first (a stray touch must not wipe); finishing is the second step.
  await page.getByTestId('kiosk-finish').click()
  const reloaded = page.waitForEvent('load')
  await page.getByTestId('kiosk-finish-anyway').click()
  await reloaded
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('kiosk-bar')).toBeVisible()
  await expectClean(page)
  expect(problems).toEqual([])
})

test('switching between applicant and operator wipes the other\'s session', async ({ page }) => {
  const problems = guard(page)
  await openKiosk(page)
  await expect(page.getByTestId('kiosk-role-applicant')).toHaveAttribute('aria-pressed', 'true')
  await addStrayTraces(page)

  let reloaded = page.waitForEvent('load')
  await page.getByTestId('kiosk-role-operator').click()
  await reloaded
  await expect(page).toHaveURL(/\/operator$/)
  await expect(page.getByTestId('kiosk-role-operator')).toHaveAttribute('aria-pressed', 'true')
  await expectClean(page)

  // Any way back to the applicant's pages goes through the same wipe.
  await addStrayTraces(page)
  reloaded = page.waitForEvent('load')
  await page.locator('.app-header__brand').click()
  await reloaded
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByTestId('kiosk-role-applicant')).toHaveAttribute('aria-pressed', 'true')
  await expectClean(page)
  expect(problems).toEqual([])
})
