/**
 * The wizard's small rough edges (issue 21, item 8): every storage radio at full size, Continue
 * doing the IIN lookup itself, focus landing on the lookup's result when "Check IIN" is pressed
 * by keyboard, the region list in the reader's alphabet, and a breached password like "password1"
 * refused with a reason and advice in the reader's language — in kk and ru.
 */
import type { Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { test, expect } from './fixtures.ts'

type Messages = {
  request: { iin: Record<string, string>; regions: Record<string, string> }
  errors: Record<string, string>
  password: Record<'problems' | 'warnings' | 'suggestions', Record<string, string>>
}
const messages = (locale: string): Messages => JSON.parse(readFileSync(`src/i18n/locales/${locale}.json`, 'utf8')) as Messages

/** Valid check digit, not in the demo person registry (server/registry/demo-persons.json). */
const UNKNOWN_IIN = '880202300013'
const KNOWN_IIN = '900101300017'

async function toIinStep(page: Page): Promise<void> {
  await page.goto('/request')
  await page.locator('#kind-individual').check()
  await page.getByTestId('continue').click()
  await page.locator('#terms').check()
  await page.getByTestId('continue').click()
  await expect(page.getByTestId('iin-input')).toBeVisible()
}

/** Answers kind, terms, IIN (checked by the button) and the optional e-mail: the region step. */
async function toRegionStep(page: Page): Promise<void> {
  await toIinStep(page)
  await page.getByTestId('iin-input').fill(KNOWN_IIN)
  await page.getByTestId('check-iin').click()
  await expect(page.getByTestId('person')).toBeVisible()
  await page.getByTestId('continue').click()
  await expect(page).toHaveURL(/\/request\/email$/)
  await page.getByTestId('continue').click()
  await expect(page.getByTestId('region')).toBeVisible()
}

for (const locale of ['kk', 'ru'] as const) {
  test.describe(locale, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)

    test('Continue with a valid, unchecked IIN looks the person up and goes on', async ({ page }) => {
      await toIinStep(page)
      await page.getByTestId('iin-input').fill(KNOWN_IIN)
      await page.getByTestId('continue').click()
      await expect(page).toHaveURL(/\/request\/email$/)
      await page.getByTestId('back-link').click()
      await expect(page.getByTestId('person')).toContainText('ТЕСТОВИЧ')

      // Errors as before: unknown person, bad check digit — and the wizard stays.
      await page.getByTestId('iin-input').fill(UNKNOWN_IIN)
      await page.getByTestId('continue').click()
      await expect(page.getByTestId('error-summary')).toBeFocused()
      await expect(page.getByTestId('error-summary')).toContainText(m.errors.ERR_PERSON_NOT_FOUND!)
      await expect(page).toHaveURL(/\/request\/iin$/)
      await page.getByTestId('iin-input').fill('900101300018')
      await page.getByTestId('continue').click()
      await expect(page.getByTestId('error-summary')).toContainText(m.request.iin.error_check!)
      await expect(page).toHaveURL(/\/request\/iin$/)
    })

    test('"Check IIN" by keyboard moves focus to the found name or to the errors', async ({ page }) => {
      await toIinStep(page)
      await page.getByTestId('iin-input').fill(KNOWN_IIN)
      await page.keyboard.press('Tab')
      await expect(page.getByTestId('check-iin')).toBeFocused()
      await page.keyboard.press('Enter')
      await expect(page.getByTestId('person')).toBeFocused()
      await expect(page.getByTestId('person')).toContainText('ТЕСТОВИЧ')

      await page.getByTestId('iin-input').fill(UNKNOWN_IIN)
      await page.getByTestId('check-iin').focus()
      await page.keyboard.press('Enter')
      await expect(page.getByTestId('error-summary')).toBeFocused()
      await expect(page.getByTestId('error-summary')).toContainText(m.errors.ERR_PERSON_NOT_FOUND!)
      expect(await page.evaluate(() => document.activeElement === document.body)).toBe(false)
    })

    test('every storage radio is full size, on a desktop and a phone', async ({ page }) => {
      await toRegionStep(page)
      await page.getByTestId('region').selectOption('KZ-75')
      await page.locator('input[name="center"]').first().check()
      await page.getByTestId('continue').click()
      const radios = page.locator('input[type=radio][name=storage]')
      await expect(radios.first()).toBeVisible()
      for (const size of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
        await page.setViewportSize(size)
        const boxes = await radios.evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((r) => ({ width: r.width, height: r.height })))
        expect(boxes.length).toBeGreaterThanOrEqual(2)
        for (const box of boxes) {
          expect(box, `radio box at ${size.width} px`).toEqual(boxes[0])
          expect(box.width).toBeGreaterThanOrEqual(20)
          expect(box.height).toBeGreaterThanOrEqual(20)
        }
      }
    })

    test('the region list is in this language\'s alphabetical order', async ({ page }) => {
      await toRegionStep(page)
      const names = (await page.getByTestId('region').locator('option:not([disabled])').allTextContents()).map((s) => s.trim())
      const bare = (name: string) => name.replace(/^(город|область)\s+|\s+(облысы|қаласы|область)$/u, '')
      const collator = new Intl.Collator(locale)
      // Three cities of republican significance first, then the regions in this language's alphabet.
      const cities = names.slice(0, 3)
      const regions = names.slice(3)
      expect(cities.map(bare)).toEqual([...cities.map(bare)].sort(collator.compare))
      expect(regions.map(bare)).toEqual([...regions.map(bare)].sort(collator.compare))
      expect(names).toHaveLength(20)
      expect(names).toContain(m.request.regions.KZ_63)
    })

    test('"password1" is refused with a reason and advice; a long passphrase is accepted', async ({ page }) => {
      await toRegionStep(page)
      await page.getByTestId('region').selectOption('KZ-75')
      await page.locator('input[name="center"]').first().check()
      await page.getByTestId('continue').click()
      await page.locator('#storage-browser').check()
      await page.getByTestId('new-password').fill('password1')
      await page.getByTestId('repeat-password').fill('password1')
      // The estimator's advice, in this language (zxcvbn itself speaks only English).
      const advice = page.getByTestId('password-advice')
      await expect(advice).toContainText(m.password.warnings.similarToCommon!)
      await expect(advice).toContainText(m.password.suggestions.anotherWord!)
      await page.getByTestId('continue').click()
      const summary = page.getByTestId('error-summary')
      await expect(summary).toBeFocused()
      await expect(summary).toContainText(m.password.problems.common!)
      await expect(page).toHaveURL(/\/request\/storage$/)

      const passphrase = 'tulpar kokpar jailau dombyra'
      await page.getByTestId('new-password').fill(passphrase)
      await page.getByTestId('repeat-password').fill(passphrase)
      await expect(advice).toHaveCount(0)
      await page.getByTestId('continue').click()
      await expect(page).toHaveURL(/\/request\/key-type$/)
    })
  })
}
