/**
 * Kiosk details (issue 21, item 8), against a real KIOSK=1 server: every touch target is at least
 * 48 px (the footer links were 19 px tall); "Finish" always asks first and "Go back" keeps the
 * session; the confirmation page of a key-file application does not send the applicant to
 * install on this kiosk — in kk and ru.
 */
import { readFileSync } from 'node:fs'
import { expect, type Page } from '@playwright/test'
import { fillWizard, submitAndConfirm } from './journey-helpers.ts'
import { controlled, kioskTest, readTraces } from './kiosk-helpers.ts'

const test = kioskTest().extend<{ appLocale: 'kk' | 'ru' }>({
  appLocale: ['kk', { option: true }],
  page: async ({ page, appLocale }, use) => {
    const problems: string[] = []
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text())
    })
    // Every session end clears localStorage, so the language is set again on each load.
    await page.addInitScript((locale) => {
      if (!localStorage.getItem('qoltanba.locale')) localStorage.setItem('qoltanba.locale', locale)
    }, appLocale)
    await use(page)
    expect(problems).toEqual([])
  },
})
test.describe.configure({ mode: 'serial' })

type Messages = { kiosk: { finish_confirm: Record<string, string> }; request: { done: Record<string, string> } }
const messages = (locale: string): Messages => JSON.parse(readFileSync(`src/i18n/locales/${locale}.json`, 'utf8')) as Messages

async function openKiosk(page: Page): Promise<void> {
  await page.goto('/')
  await controlled(page)
  await expect(page.getByTestId('kiosk-bar')).toBeVisible()
}

/** Visible touch targets smaller than 48 × 48 px (radios and checkboxes count by their label). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector = 'a[href], button, select, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), summary, [role=button], label:has(input[type=radio]), label:has(input[type=checkbox])'
    return [...document.querySelectorAll<HTMLElement>(selector)]
      .filter((el) => {
        const r = el.getBoundingClientRect()
        const style = getComputedStyle(el)
        // Visually hidden (skip link until focused) and not rendered elements are no targets.
        return r.width > 1 && r.height > 1 && style.visibility !== 'hidden' && !el.closest('[hidden], dialog:not([open])')
      })
      .filter((el) => {
        const r = el.getBoundingClientRect()
        return r.height < 48 || r.width < 48
      })
      .map((el) => {
        const r = el.getBoundingClientRect()
        return `${el.tagName.toLowerCase()} «${(el.textContent ?? '').trim().slice(0, 30)}» ${Math.round(r.width)}×${Math.round(r.height)}`
      })
  })
}

test('every touch target is at least 48 × 48 px', async ({ page }) => {
  await openKiosk(page)
  for (const path of ['/', '/request', '/status']) {
    await page.goto(path)
    // The page's heading shows before the server's client config turns the kiosk layout on (a
    // CI run measured /status's citizen header): measure once the kiosk bar is there.
    await expect(page.getByTestId('kiosk-bar')).toBeVisible()
    await expect(page.locator('#main h1')).toBeVisible()
    expect(await smallTargets(page), `small targets on ${path}`).toEqual([])
  }
  // A question page with radios, hints and the Back link.
  await page.goto('/request')
  await expect(page.getByTestId('kiosk-bar')).toBeVisible()
  await page.locator('#kind-individual').check()
  await page.getByTestId('continue').click()
  await expect(page.locator('#terms')).toBeVisible()
  expect(await smallTargets(page), 'small targets on the terms step').toEqual([])
})

for (const locale of ['kk', 'ru'] as const) {
  test.describe(locale, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)

    test('"Finish" always asks; "Go back" keeps the session, finishing wipes it', async ({ page }) => {
      await openKiosk(page)
      await page.goto('/request')
      await page.locator('#kind-individual').check()
      await page.getByTestId('continue').click()
      await expect(page).toHaveURL(/\/request\/terms$/)

      await page.getByTestId('kiosk-finish').click()
      const confirm = page.getByTestId('kiosk-finish-confirm')
      await expect(confirm.getByRole('heading')).toHaveText(m.kiosk.finish_confirm.title!)
      await expect(confirm).toContainText(m.kiosk.finish_confirm.text!)
      await expect(page.getByTestId('kiosk-finish-back')).toBeFocused()
      await page.keyboard.press('Escape')
      await expect(confirm).toHaveCount(0)
      await expect(page).toHaveURL(/\/request\/terms$/)
      await expect(page.getByTestId('kiosk-finish')).toBeFocused()

      await page.getByTestId('kiosk-finish').click()
      const reloaded = page.waitForEvent('load')
      await page.getByTestId('kiosk-finish-anyway').click()
      await reloaded
      await expect(page).toHaveURL(/\/$/)
      // The applicant's answers are gone (kiosk.spec.ts checks every storage after a Finish).
      const traces = await readTraces(page)
      expect(traces.databases.filter((d) => d.records > 0)).toEqual([])
      await page.goto('/request/terms')
      await expect(page).toHaveURL(/\/request\/kind$/)
    })

    test('the confirmation of a key-file application does not say to install on this kiosk', async ({ page }) => {
      await openKiosk(page)
      await fillWizard(page, { iin: locale === 'kk' ? '880530300013' : '950918400014', storage: 'file', password: 'Kiosk-done 2026', algorithm: 'P-256' })
      await submitAndConfirm(page)
      const next = page.getByTestId('next-text')
      await expect(next).toHaveText(m.request.done.next_text_kiosk_files!)
      await expect(next).not.toHaveText(m.request.done.next_text!)
    })
  })
}
