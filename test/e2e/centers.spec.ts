/**
 * Registration centers end to end on the shared server (its first start seeded the demo
 * directory): the wizard's center step in kk and ru (keyboard included), the check page, the
 * printed form and the status page; an operator adds a center, edits its hours and deactivates it
 * in the console and the public /centers page follows; the wizard's directory offline.
 */
import { readFileSync } from 'node:fs'
import { test, expect, pageHeading, waitForServiceWorkerControl } from './fixtures.ts'
import { fillWizard, submitAndConfirm, toEmailStep } from './journey-helpers.ts'
import { demoOperator, signInWithKeyFile } from './handover-helpers.ts'

type Messages = { centers: { card: Record<string, string>; page: Record<string, string>; wizard: Record<string, string>; operator: Record<string, string>; form: { rules: Record<string, string> } & Record<string, unknown> } }
const messages = (locale: 'kk' | 'ru') => JSON.parse(readFileSync(`src/i18n/locales/${locale}.json`, 'utf8')) as Messages

/** The demo centers the journeys choose, as the directory words them. */
const CENTERS = {
  kk: {
    region: 'KZ-55',
    id: 'pavlodar-1',
    name: '№1 тіркеу орталығы, Павлодар (демо)',
    address: 'Павлодар қ., Сәтбаев көшесі, 75',
    hours: 'Дс–Жм 09:00–18:00',
    phone: '+7 7182 55 01 01',
  },
  ru: {
    region: 'KZ-71',
    id: 'astana-2',
    name: 'Центр регистрации №2, Астана (демо)',
    address: 'г. Астана, улица Бейбитшилик, 33',
    hours: 'Пн–Пт 09:00–19:00, Сб 10:00–14:00',
    phone: '+7 7172 55 02 02',
  },
} as const

for (const locale of ['kk', 'ru'] as const) {
  test.describe(locale, () => {
    test.use({ appLocale: locale })
    const c = CENTERS[locale]
    const m = messages(locale)

    test('the wizard chooses a center; the check page, the printed form and the status page show it', async ({ page }) => {
      await fillWizard(page, { iin: '900101300017', region: c.region, center: c.id, storage: 'browser', password: 'Qoltanba-Centre-2026', algorithm: 'P-256' })
      const check = page.getByTestId('check-answers')
      for (const text of [c.name, c.address, c.hours, c.phone]) await expect(check).toContainText(text)

      const { number } = await submitAndConfirm(page)
      const printed = page.getByTestId('print-center').first()
      for (const text of [c.name, c.address, c.hours, c.phone]) await expect(printed).toContainText(text)

      await page.goto(`/status/${number}`)
      const card = page.getByTestId('status-center')
      await expect(card.getByRole('heading')).toHaveText(m.centers.wizard.center_legend!)
      await expect(card.getByTestId('center-name')).toHaveText(c.name)
      await expect(card.getByTestId('center-address')).toHaveText(c.address)
      await expect(card.getByTestId('center-hours')).toContainText(c.hours)
      await expect(card.getByTestId('center-phone')).toContainText(c.phone)
      await expect(card.getByTestId('center-map')).toHaveAttribute('href', /^https:\/\/www\.openstreetmap\.org\//)
      await expect(page.getByTestId('print-center').first()).toContainText(c.name)
    })
  })
}

test.describe('ru', () => {
  test.use({ appLocale: 'ru' })
  const m = messages('ru')

  test('the center step works from the keyboard: the summary link, Space and arrow keys choose a center, Tab reaches its map link, Enter continues', async ({ page }) => {
    await toEmailStep(page)
    await page.getByTestId('continue').click()
    await expect(page.locator('#main h1')).toHaveText(m.centers.wizard.title!)

    // Continue without an answer: the summary takes focus and links to the region.
    await page.getByTestId('continue').press('Enter')
    await expect(page.getByTestId('error-summary')).toBeFocused()
    await expect(page.getByTestId('error-summary')).toContainText(m.centers.wizard.error_region!)

    const region = page.getByTestId('region')
    await region.focus()
    await region.selectOption('KZ-75')
    // Almaty has two centers: none is chosen for the applicant.
    await page.getByTestId('continue').press('Enter')
    await expect(page.getByTestId('error-summary')).toContainText(m.centers.wizard.error_center!)
    await page.getByTestId('error-summary').getByRole('link').first().press('Enter')
    await expect(page.getByTestId('center-almaty-1')).toBeFocused()
    await page.keyboard.press('Space')
    await expect(page.getByTestId('center-almaty-1')).toBeChecked()
    await page.keyboard.press('ArrowDown')
    await expect(page.getByTestId('center-almaty-2')).toBeChecked()
    // The map link is its own Tab stop after the chosen center, named for it.
    await page.keyboard.press('Tab')
    await expect(page.locator(':focus')).toHaveAttribute('href', /openstreetmap/)
    await expect(page.locator(':focus')).toContainText('Центр регистрации №2, Алматы (демо)')
    await page.getByTestId('continue').press('Enter')
    await expect(page).toHaveURL(/\/request\/storage$/)
  })

  test('an operator adds a center, changes its hours and deactivates it; /centers follows each change', async ({ page }) => {
    const operator = demoOperator()
    const id = `e2e-${Date.now().toString(36)}`
    const name = `Центр регистрации ${id}`
    await page.goto('/operator/centers')
    await signInWithKeyFile(page, operator.p12, operator.password)
    await expect(page.getByTestId('center-console')).toBeVisible()

    await page.getByTestId('center-add').click()
    const form = page.getByTestId('center-form')
    await expect(form.getByRole('heading', { level: 2 })).toBeFocused()
    await page.locator('#center-id').fill(id)
    await page.locator('#center-region').selectOption('KZ-39')
    for (const [lang, value] of [['kk', `Тіркеу орталығы ${id}`], ['ru', name], ['en', `Registration center ${id}`]]) {
      await page.locator(`#center-name-${lang}`).fill(value!)
      await page.locator(`#center-address-${lang}`).fill(`Костанай, ${id}`)
      await page.locator(`#center-hours-${lang}`).fill('09:00–18:00')
    }
    await page.locator('#center-phone').fill('+7 7142 55 09 09')
    await page.locator('#center-map-url').fill('http://maps.example.kz/x')
    await page.getByTestId('center-save').click()
    // Refused before anything is sent: the summary names the field and the rule.
    await expect(page.getByTestId('error-summary')).toBeFocused()
    await expect(page.getByTestId('error-summary')).toContainText(m.centers.form.rules.https!.replace('{field}', 'Ссылка на карту'))
    await expect(page.locator('#center-map-url')).toHaveAttribute('aria-invalid', 'true')
    await page.locator('#center-map-url').fill('https://www.openstreetmap.org/?mlat=53.21&mlon=63.62')
    await page.getByTestId('center-save').click()
    await expect(page.getByTestId('center-notice')).toBeFocused()
    await expect(page.getByTestId('center-notice')).toHaveText(m.centers.operator.saved!.replace('{name}', name))

    await page.getByTestId(`center-edit-${id}`).click()
    await expect(page.locator('#center-id')).toHaveCount(0)
    await page.locator('#center-hours-ru').fill('Пн–Сб 08:00–20:00')
    await page.getByTestId('center-save').click()
    await expect(page.getByTestId('center-notice')).toBeFocused()
    await expect(page.getByTestId(`console-center-${id}`)).toContainText('Пн–Сб 08:00–20:00')

    await page.goto('/centers')
    await pageHeading(page)
    const item = page.getByTestId(`center-item-${id}`)
    await expect(item.getByTestId('center-name')).toHaveText(name)
    await expect(item.getByTestId('center-hours')).toContainText('Пн–Сб 08:00–20:00')
    await expect(page.getByTestId('centers-KZ-39').getByRole('heading', { level: 2 })).toHaveText('Костанайская область')

    await page.goto('/operator/centers')
    await page.getByTestId(`center-toggle-${id}`).click()
    await expect(page.getByTestId('center-notice')).toContainText(m.centers.operator.deactivated!.replace('{name}', name))
    await expect(page.getByTestId(`console-center-${id}`)).toContainText(m.centers.operator.inactive!)
    await page.goto('/centers')
    await expect(page.getByTestId('center-item-kostanay-1')).toBeVisible()
    await expect(page.getByTestId(`center-item-${id}`)).toHaveCount(0)
  })

  test('after one visit the directory works offline: /centers and the wizard\'s center step use the saved copy', async ({ page, context }) => {
    await page.goto('/centers')
    await expect(page.getByTestId('center-item-astana-1')).toBeVisible()
    await waitForServiceWorkerControl(page)
    await expect(page.getByTestId('center-item-astana-1')).toBeVisible()

    // The wizard up to the e-mail step needs the server (the IIN check); then the network goes.
    await toEmailStep(page)
    await context.setOffline(true)
    await page.getByTestId('continue').click()
    await expect(page.getByTestId('centers-saved-copy')).toBeVisible()
    await page.getByTestId('region').selectOption('KZ-62')
    await expect(page.getByTestId('center-zhezkazgan-1')).toBeChecked()
    await page.getByTestId('continue').click()
    await expect(page).toHaveURL(/\/request\/storage$/)

    await page.goto('/centers')
    await expect(page.getByTestId('centers-saved-copy')).toBeVisible()
    await expect(page.getByTestId('center-item-oskemen-1')).toBeVisible()
    await context.setOffline(false)
  })
})
