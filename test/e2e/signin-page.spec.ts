/**
 * The sign-in page carries its own styles and reports problems in an error summary that takes
 * focus (issue 21, defect 3), opened from Home and by URL in a fresh browser — before any console
 * page loaded the stylesheet — in Kazakh and in Russian: panels with borders and padding, buttons
 * apart, a missing key file and password, then a wrong key-file password, each in the summary.
 */
import type { Page } from '@playwright/test'
import { test, expect, expectAccessible, pageHeading } from './fixtures.ts'
import { demoOperator, message, signInWithKeyFile, type Locale } from './handover-helpers.ts'

/** The look that only the sign-in's stylesheets give: bordered, padded panels and spaced buttons. */
async function expectStyled(page: Page): Promise<void> {
  const panel = page.locator('.qt-panel').first()
  await expect(panel).toBeVisible()
  const look = await panel.evaluate((el) => {
    const s = getComputedStyle(el)
    return { border: s.borderTopWidth, padding: s.paddingTop, radius: s.borderTopLeftRadius }
  })
  expect(look.border).toBe('1px')
  expect(parseFloat(look.padding)).toBeGreaterThanOrEqual(12)
  expect(parseFloat(look.radius)).toBeGreaterThan(0)
  const [ncalayer, agent] = await Promise.all([page.locator('#signin-ncalayer').boundingBox(), page.locator('#signin-agent').boundingBox()])
  expect(ncalayer && agent).toBeTruthy()
  const apart = agent!.y >= ncalayer!.y + ncalayer!.height || agent!.x - (ncalayer!.x + ncalayer!.width) >= 8
  expect(apart, 'the two agent buttons do not touch').toBe(true)
}

for (const locale of ['kk', 'ru'] as const satisfies readonly Locale[]) {
  test.describe(`sign-in page (${locale})`, () => {
    test.use({ appLocale: locale })
    const m = (key: string) => message(locale, key)

    test('styled from Home and by URL; problems go to a focused error summary', async ({ page }) => {
      await page.goto('/')
      await page.locator('#main a[href="/signin"]').first().click()
      await expect(await pageHeading(page)).toHaveText(m('nav.signin'))
      await expectStyled(page)

      await page.goto('/signin')
      await expect(await pageHeading(page)).toHaveText(m('nav.signin'))
      await expectStyled(page)

      // Nothing chosen: both problems, in the summary, which takes focus and links to the fields.
      await page.getByTestId('signin-keyfile-submit').click()
      const summary = page.getByTestId('error-summary')
      await expect(summary).toBeFocused()
      await expect(summary.getByRole('heading')).toHaveText(m('request.error_summary_title'))
      await expect(summary.getByRole('link')).toHaveText([m('signin.keyfile.error_file'), m('signin.keyfile.error_password')])
      expect(await summary.evaluate((el) => getComputedStyle(el).borderTopWidth)).toBe('4px')
      await expectAccessible(page, 'sign-in errors')
      await summary.getByRole('link', { name: m('signin.keyfile.error_file') }).click()
      await expect(page.getByTestId('signin-keyfile')).toBeFocused()

      // A wrong password: the server is never asked; the summary names the password field.
      const operator = demoOperator()
      await signInWithKeyFile(page, operator.p12, 'not-the-password')
      await expect(summary.getByRole('link')).toHaveText(m('errors.ERR_WRONG_PASSWORD'))
      await expect(summary).toBeFocused()
      await summary.getByRole('link').click()
      await expect(page.getByTestId('signin-keyfile-password')).toBeFocused()
      await expectAccessible(page, 'wrong password')

      // The right one signs in; the key file is not kept in the browser.
      await signInWithKeyFile(page, operator.p12, operator.password)
      await expect(page).toHaveURL(/\/cabinet$/)
      await expect(page.getByTestId('cabinet-iin')).toHaveText(operator.iin)
      expect((await page.evaluate(() => indexedDB.databases())).map((d) => d.name).filter((n) => n?.startsWith('qoltanba-signin'))).toEqual([])
    })
  })
}
