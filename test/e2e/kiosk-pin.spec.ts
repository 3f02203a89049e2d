/**
 * Kiosk mode switched on without the server (docs/kiosk.md): the operator opens `?kiosk` and
 * locks it with a PIN. Kiosk mode then survives reloads without `?kiosk`, the session-end wipe
 * and another `?kiosk` visit; a wrong PIN does not switch it off (a translated message says so);
 * the right PIN does. Against a real server with KIOSK=0, in Kazakh and in Russian.
 */
import { readFileSync } from 'node:fs'
import { expect, type Page } from '@playwright/test'
import { controlled, kioskTest, readTraces } from './kiosk-helpers.ts'

/** One KIOSK=0 server per worker (kiosk mode comes from the URL only); a long idle time, nothing here waits. */
const test = kioskTest({ KIOSK: '0', KIOSK_IDLE_SECONDS: '900' })

test.describe.configure({ mode: 'serial' })

type Locale = 'kk' | 'ru'

/** The kiosk messages of a locale, as the app shows them. */
function kioskMessages(locale: Locale): Record<string, string> {
  return (JSON.parse(readFileSync(`src/i18n/locales/${locale}.json`, 'utf8')) as { kiosk: Record<string, string> }).kiosk
}

/** Fails the test on an uncaught page error or a CSP violation. */
function guard(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text())
  })
  return problems
}

/** The stored device setting (localStorage `qoltanba.kiosk`), parsed; null when there is none. */
async function deviceSetting(page: Page): Promise<Record<string, unknown> | null> {
  const raw = (await readTraces(page)).localStorage['qoltanba.kiosk']
  return raw ? (JSON.parse(raw) as Record<string, unknown>) : null
}

/** Walks the wizard to the key storage step. */
async function openStorageStep(page: Page): Promise<void> {
  await page.goto('/request')
  const next = async () => {
    const before = page.url()
    await page.getByTestId('continue').click()
    await expect.poll(() => page.url()).not.toBe(before)
  }
  await page.locator('#kind-individual').check()
  await next()
  await page.locator('#terms').check()
  await next()
  await page.getByTestId('iin-input').fill('900101300017')
  await page.getByTestId('check-iin').click()
  await expect(page.getByTestId('person')).toBeVisible()
  await next()
  await next()
  await page.getByTestId('region').selectOption('KZ-75')
  await page.locator('input[name="center"]').first().check()
  await next()
  await expect(page).toHaveURL(/\/request\/storage$/)
}

/** Kiosk layout: the kiosk bar with "Leave kiosk mode", and no "This browser" for keys. */
async function expectKioskLayout(page: Page, messages: Record<string, string>): Promise<void> {
  await expect(page.getByTestId('kiosk-bar')).toBeVisible()
  await expect(page.getByTestId('kiosk-leave')).toHaveText(messages.leave!)
  await openStorageStep(page)
  await expect(page.getByTestId('kiosk-keys-notice')).toHaveText(messages.keys_notice!)
  await expect(page.locator('#storage-browser')).toHaveCount(0)
  await expect(page.locator('#storage-file')).toBeVisible()
}

async function enterPin(page: Page, pin: string): Promise<void> {
  await page.getByTestId('kiosk-pin').fill(pin)
  await page.getByTestId('kiosk-pin-submit').click()
}

for (const locale of ['kk', 'ru'] as const) {
  test(`?kiosk with an operator PIN (${locale}): kept across reloads and the session wipe, a wrong PIN does not leave, the right one does`, async ({ page }) => {
    test.setTimeout(180_000)
    const problems = guard(page)
    const messages = kioskMessages(locale)
    const PIN = '482915'
    await page.addInitScript((l) => {
      if (!localStorage.getItem('qoltanba.locale')) localStorage.setItem('qoltanba.locale', l)
    }, locale)

    // Without ?kiosk this server makes no kiosk.
    await page.goto('/')
    await controlled(page)
    await expect(page.locator('#main h1')).toBeVisible()
    await expect(page.getByTestId('kiosk-bar')).toHaveCount(0)

    // ?kiosk asks the operator for a PIN first; kiosk mode is not on until one is set.
    await page.goto('/?kiosk')
    const dialog = page.getByTestId('kiosk-lock-dialog')
    await expect(dialog).toBeVisible()
    await expect(dialog.getByRole('heading')).toHaveText(messages.lock_title!)
    await expect(page.getByTestId('kiosk-bar')).toHaveCount(0)
    await enterPin(page, '12')
    await expect(dialog.getByRole('alert')).toHaveText(messages.pin_invalid!)
    await enterPin(page, PIN)
    await expect(dialog).toBeHidden()
    await expect(page).not.toHaveURL(/kiosk/)
    const stored = await deviceSetting(page)
    expect(stored).toMatchObject({ source: 'url', pin: { salt: expect.any(String), hash: expect.any(String) } })
    // Only its salted hash is kept (the random base64 is left out of the search for the digits).
    const traces = await readTraces(page)
    traces.localStorage['qoltanba.kiosk'] = JSON.stringify({ ...stored, pin: null })
    expect(JSON.stringify(traces), 'the PIN itself is stored nowhere').not.toContain(PIN)
    await expectKioskLayout(page, messages)

    // Reloaded without ?kiosk: still a kiosk, no new PIN asked. Opening ?kiosk again cannot re-lock it.
    await page.goto('/')
    await expect(page.getByTestId('kiosk-bar')).toBeVisible()
    await page.goto('/?kiosk')
    await expect(page.getByTestId('kiosk-bar')).toBeVisible()
    await expect(dialog).toHaveCount(0)
    expect(await deviceSetting(page)).toEqual(stored)

    // The session-end wipe keeps the device setting, PIN included.
    await page.getByTestId('kiosk-finish').click()
    const reloaded = page.waitForEvent('load')
    await page.getByTestId('kiosk-finish-anyway').click()
    await reloaded
    await expect(page.getByTestId('kiosk-leave')).toBeVisible()
    expect(await deviceSetting(page)).toMatchObject({ source: 'url', pin: stored!.pin })

    // A wrong PIN: a clear message, and kiosk mode stays on (also after a reload).
    await page.getByTestId('kiosk-leave').click()
    await expect(dialog).toBeVisible()
    await expect(dialog.getByRole('heading')).toHaveText(messages.leave!)
    await enterPin(page, '111111')
    await expect(dialog.getByRole('alert')).toHaveText(messages.pin_wrong!)
    await expect(page.getByTestId('kiosk-pin')).toHaveValue('')
    await expect(page.getByTestId('kiosk-pin')).toBeFocused()
    await expect(page.getByTestId('kiosk-pin')).toHaveAttribute('aria-invalid', 'true')
    await dialog.getByRole('button', { name: messages.cancel! }).click()
    await expect(dialog).toHaveCount(0)
    await expect(page.getByTestId('kiosk-bar')).toBeVisible()
    await page.reload()
    await expect(page.getByTestId('kiosk-bar')).toBeVisible()
    expect(await deviceSetting(page)).toMatchObject({ source: 'url', pin: stored!.pin })

    // The right PIN: kiosk mode is off, the setting is gone, and "This browser" is offered again.
    await page.getByTestId('kiosk-leave').click()
    const left = page.waitForEvent('load')
    await enterPin(page, PIN)
    await left
    await expect(page.locator('#main h1')).toBeVisible()
    await expect(page.getByTestId('kiosk-bar')).toHaveCount(0)
    expect(await deviceSetting(page)).toBeNull()
    await page.reload()
    await expect(page.locator('#main h1')).toBeVisible()
    await expect(page.getByTestId('kiosk-bar')).toHaveCount(0)
    await openStorageStep(page)
    await expect(page.locator('#storage-browser')).toBeVisible()
    await expect(page.getByTestId('kiosk-keys-notice')).toHaveCount(0)
    expect(problems).toEqual([])
  })
}
