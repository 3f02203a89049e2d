/**
 * axe-core on every top-level screen, in Kazakh and Russian, on a phone and a desktop; and the
 * personal cabinet signed in (the shared server's demo operator, with a key file).
 */
import { test, expect, expectAccessible, pageHeading, TOP_LEVEL_ROUTES } from './fixtures.ts'
import { demoOperator, signInWithKeyFile } from './handover-helpers.ts'
import { SERVICE_PAGES } from './service-pages.ts'

for (const locale of ['kk', 'ru'] as const) {
  test.describe(`${locale}`, () => {
    test.use({ appLocale: locale })

    test(`every screen has zero axe violations (${locale}, desktop)`, async ({ page }) => {
      for (const path of [...TOP_LEVEL_ROUTES, '/centers', '/no-such-page']) {
        await page.goto(path)
        await pageHeading(page)
        await expectAccessible(page, `${path} (${locale})`)
      }
    })

    // The start page and the help pages: one test each, so a slow machine stays within the timeout.
    for (const path of SERVICE_PAGES) {
      test(`${path} has zero axe violations (${locale}, desktop)`, async ({ page }) => {
        await page.goto(path)
        await pageHeading(page)
        await expectAccessible(page, `${path} (${locale})`)
      })
    }

    test(`the operator's registration centers, list and form, have zero axe violations (${locale})`, async ({ page }) => {
      const operator = demoOperator()
      await page.goto('/operator/centers')
      await signInWithKeyFile(page, operator.p12, operator.password)
      await expect(page.getByTestId('console-center-astana-1')).toBeVisible()
      await expectAccessible(page, `/operator/centers (${locale})`)
      await page.getByTestId('center-add').click()
      await page.getByTestId('center-save').click()
      await expect(page.getByTestId('error-summary')).toBeFocused()
      await expectAccessible(page, `/operator/centers, new center with errors (${locale})`)
    })

    test(`the phone layout with the menu open has zero axe violations (${locale})`, async ({ page }) => {
      await page.setViewportSize({ width: 360, height: 740 })
      await page.goto('/')
      await pageHeading(page)
      await page.getByTestId('menu-button').click()
      await expect(page.locator('#app-menu-panel')).toBeVisible()
      await expectAccessible(page, `menu open (${locale})`)
    })

    test(`the signed-in cabinet and header have zero axe violations (${locale}, desktop and phone)`, async ({ page }) => {
      const operator = demoOperator()
      await page.goto('/cabinet')
      await expect(page).toHaveURL(/\/signin\?redirect=/)
      await signInWithKeyFile(page, operator.p12, operator.password)
      await expect(page).toHaveURL(/\/cabinet$/)
      await expect(page.getByTestId('cabinet-name')).toBeVisible()
      await expect(page.getByTestId('header-account')).toBeVisible()
      await expectAccessible(page, `/cabinet (${locale})`)
      await page.setViewportSize({ width: 360, height: 740 })
      await page.getByTestId('menu-button').click()
      await expect(page.locator('#app-menu-panel a[href="/cabinet"]')).toBeVisible()
      await expectAccessible(page, `/cabinet, menu open (${locale})`)
      await page.keyboard.press('Escape')
      await page.getByTestId('header-signout').click()
      await expect(page.getByTestId('header-account')).toHaveCount(0)
    })
  })
}
