/**
 * The "Get a certificate" wizard as a question-page flow: Step N of M, validation on Continue with
 * an error summary that takes focus (and "Error:" in the title), the same message at the field,
 * Back link and browser Back keeping answers, the chosen center a line per fact on Check your answers,
 * "Change" from Check your answers returning there,
 * axe clean with and without errors, no sideways scrolling on a phone.
 */
import type { Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { test, expect, expectAccessible } from './fixtures.ts'

const en = JSON.parse(readFileSync('src/i18n/locales/en.json', 'utf8')) as { request: Record<string, Record<string, string>>; centers: Record<string, Record<string, string>>; password: Record<string, Record<string, string>> }
const notProvided = (JSON.parse(readFileSync('src/i18n/locales/en.json', 'utf8')) as { request: { not_provided: string } }).request.not_provided

test.use({ appLocale: 'en' })

async function noSidewaysScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true)
}

test('validation, error summary focus, Back, Change, accessibility', async ({ page }) => {
  await page.goto('/request')
  await expect(page.getByTestId('step-caption')).toHaveText('Step 1 of 7')
  await expect(page.locator('#main h1')).toHaveText(en.request.kind!.title!)

  // Continue without an answer: summary focused, title prefixed, message at the field.
  await page.getByTestId('continue').click()
  const summary = page.getByTestId('error-summary')
  await expect(summary).toBeFocused()
  await expect(summary).toContainText(en.request.kind!.error_required!)
  await expect(page.locator('#kind-error')).toContainText(en.request.kind!.error_required!)
  await expect(page).toHaveTitle(/^Error: /)
  await expectAccessible(page, 'kind with errors')
  await summary.getByRole('link').click()
  await expect(page.locator('#kind-individual')).toBeFocused()

  // Legal entity: BIN check digit and role from the profiles.
  await page.locator('#kind-legal').check()
  await page.locator('#bin').fill('220340000016')
  await page.getByTestId('continue').click()
  await expect(summary).toContainText(en.request.kind!.error_bin_check!)
  await expect(summary).toContainText(en.request.kind!.error_organization!)
  await expect(summary).toContainText(en.request.kind!.error_role!)
  // Screen readers read each field's message with the field.
  await expect(page.locator('#organization')).toHaveAttribute('aria-describedby', 'organization-error')
  await expect(page.locator('#role')).toHaveAttribute('aria-describedby', 'role-error')
  await page.locator('#bin').fill('2203 4000 0015')
  await page.locator('#organization').fill('ТОО «Демо»')
  await page.locator('#role').selectOption('legal_signer')
  await page.getByTestId('continue').click()
  await expect(page).toHaveURL(/\/request\/terms$/)
  await expect(page.locator('#main h1')).toBeFocused()
  await expect(page.getByTestId('step-caption')).toHaveText('Step 2 of 7')

  await page.locator('#terms').check()
  await page.getByTestId('continue').click()
  await page.getByTestId('iin-input').fill('900101300018')
  await page.getByTestId('check-iin').click()
  await expect(summary).toContainText(en.request.iin!.error_check!)
  await page.getByTestId('iin-input').fill('12345')
  await page.getByTestId('continue').click()
  await expect(summary).toContainText(en.request.iin!.error_format!)
  await page.getByTestId('iin-input').fill('900101300017')
  await page.getByTestId('check-iin').click()
  await expect(page.getByTestId('person')).toContainText('ТЕСТОВИЧ')
  await expectAccessible(page, 'iin checked')

  // Back link and browser Back keep the answers.
  await page.getByTestId('back-link').click()
  await expect(page.locator('#terms')).toBeChecked()
  await page.goBack()
  await expect(page.getByTestId('iin-input')).toHaveValue('900101300017')
  await page.getByTestId('continue').click()

  await page.locator('#email').fill('not an address')
  await page.getByTestId('continue').click()
  await expect(summary).toContainText(en.request.email!.error_format!.replace("{'@'}", '@'))
  await page.locator('#email').fill('')
  await page.getByTestId('continue').click()

  await page.getByTestId('continue').click()
  await expect(summary).toContainText(en.centers!.wizard!.error_region!)
  await expect(page.getByTestId('region')).toHaveAttribute('aria-describedby', 'region-hint region-error')
  // Two centers in Almaty: one must be chosen; Ulytau's only center is chosen with the region.
  await page.getByTestId('region').selectOption('KZ-75')
  await page.getByTestId('continue').click()
  await expect(summary).toContainText(en.centers!.wizard!.error_center!)
  await page.getByTestId('region').selectOption('KZ-62')
  await expect(page.getByTestId('center-zhezkazgan-1')).toBeChecked()
  await page.getByTestId('continue').click()

  await page.locator('#storage-browser').check()
  await page.getByTestId('new-password').fill('short1')
  await page.getByTestId('continue').click()
  await expect(summary).toContainText(en.password!.problems!.too_short!)
  await page.getByTestId('new-password').fill('password1')
  await page.getByTestId('continue').click()
  await expect(summary).toContainText(en.password!.problems!.common!)
  await page.getByTestId('new-password').fill('Strong-Passw0rd-2026')
  await expect(page.getByTestId('password-strength')).toContainText('strong')
  await page.getByTestId('repeat-password').fill('different-1')
  await page.getByTestId('continue').click()
  await expect(summary).toContainText(en.request.storage!.error_mismatch!)
  await expectAccessible(page, 'storage with errors')
  await page.getByTestId('repeat-password').fill('Strong-Passw0rd-2026')
  await page.getByTestId('continue').click()

  await expect(page.locator('#key-rsa')).toBeChecked()
  await page.getByTestId('continue').click()
  const answers = page.getByTestId('check-answers')
  await expect(answers).toContainText('220340000015')
  await expect(answers).toContainText('Ulytau Region')
  // The chosen center: name, address, hours and phone each on a line of its own (they were one run-on line of semicolons).
  const centerLines = page.getByTestId('check-center').locator('span')
  await expect(centerLines).toHaveCount(4)
  const tops = await centerLines.evaluateAll((lines) => lines.map((line) => line.getBoundingClientRect().top))
  expect(new Set(tops).size).toBe(4)
  await expect(centerLines.last()).toHaveText(new RegExp(`^${en.centers!.card!.phone!}: `))
  await expect(answers).toContainText(notProvided)
  await expectAccessible(page, 'check answers')

  // Change → Continue returns to Check your answers.
  await answers.getByRole('link', { name: /E-mail/ }).click()
  await page.locator('#email').fill('demo@example.kz')
  await page.getByTestId('continue').click()
  await expect(page).toHaveURL(/\/request\/check$/)
  await expect(answers).toContainText('demo@example.kz')
})

test('wizard pages fit a phone screen', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto('/request')
  await page.getByTestId('continue').click()
  await noSidewaysScroll(page)
  await page.locator('#kind-legal').check()
  await noSidewaysScroll(page)
  await page.goto('/status')
  await noSidewaysScroll(page)
  await expectAccessible(page, 'status page')
})

test('a deep link past unanswered steps lands on the first one', async ({ page }) => {
  await page.goto('/request/check')
  await expect(page).toHaveURL(/\/request\/kind$/)
})
