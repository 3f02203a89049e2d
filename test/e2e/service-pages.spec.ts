/**
 * The pages around the wizard: the start page leads from Home into the wizard; every help page
 * opens from the footer with one h1 and its title in the tab; the privacy notice names all that the
 * browser keeps (the kiosk's wipe was left out once); the FAQ answers open by keyboard;
 * the pages open offline once the service worker has precached them.
 */
import type { Page } from '@playwright/test'
import { test, expect, pageHeading, expectAccessible, waitForServiceWorkerControl } from './fixtures.ts'
import { message } from './handover-helpers.ts'

const TEXT = {
  kk: {
    app: 'Қолтаңба',
    homeCard: 'Сертификат алу',
    start: 'Электрондық цифрлық қолтаңба сертификатын алу',
    startNow: 'Бастау',
    firstStep: 'Сертификаттар кім үшін?',
    footer: [
      ['Анықтама', '/help', 'Анықтама'],
      ['Байланыс', '/help/contacts', 'Байланыс'],
      ['Құпиялылық', '/help/privacy', 'Құпиялылық туралы хабарлама'],
      ['Қолжетімділік', '/help/accessibility', 'Қолжетімділік туралы мәлімдеме'],
      ['Кері байланыс', '/help/feedback', 'Пікір қалдыру'],
    ],
    topics: [
      ['Кілттерді қайда сақтау керек', '/help/storage'],
      ['Токенді баптау: Qoltanba агенті немесе NCALayer', '/help/agent'],
    ],
  },
  ru: {
    app: 'Колтанба',
    homeCard: 'Получить сертификат',
    start: 'Получить сертификат электронной цифровой подписи',
    startNow: 'Начать',
    firstStep: 'Для кого сертификаты?',
    footer: [
      ['Помощь', '/help', 'Помощь'],
      ['Контакты', '/help/contacts', 'Контакты'],
      ['Конфиденциальность', '/help/privacy', 'Уведомление о конфиденциальности'],
      ['Доступность', '/help/accessibility', 'Заявление о доступности'],
      ['Обратная связь', '/help/feedback', 'Оставить отзыв'],
    ],
    topics: [
      ['Где хранить ключи', '/help/storage'],
      ['Настройка токена: агент Qoltanba или NCALayer', '/help/agent'],
    ],
  },
} as const

/** The page has exactly one h1, with this text, and the tab's title names it. */
async function expectPage(page: Page, heading: string, app: string): Promise<void> {
  await expect(await pageHeading(page)).toHaveText(heading)
  await expect(page.locator('h1')).toHaveCount(1)
  await expect(page).toHaveTitle(`${heading} — ${app}`)
}

for (const locale of ['kk', 'ru'] as const) {
  const text = TEXT[locale]
  test.describe(locale, () => {
    test.use({ appLocale: locale })

    test(`Home → start page → Start now reaches the wizard's first step (${locale})`, async ({ page }) => {
      await page.goto('/')
      await pageHeading(page)
      await page.locator('#main').getByRole('link', { name: text.homeCard }).click()
      await expect(page).toHaveURL(/\/get-certificate$/)
      await expectPage(page, text.start, text.app)
      await expect(page.locator('#main h1')).toBeFocused()
      // What you need, what happens next, the cost and the three storages, then Start now.
      await expect(page.locator('#main h2')).toHaveCount(4)
      for (const storage of ['browser', 'file', 'token']) await expect(page.getByTestId(`storage-choice-${storage}`)).toBeVisible()
      const startNow = page.getByRole('link', { name: text.startNow, exact: true })
      await expect(startNow).toBeVisible()
      await startNow.click()
      await expect(page).toHaveURL(/\/request$/)
      await expect(page.locator('#main h1')).toHaveText(text.firstStep)
    })

    test(`every help page opens from the footer with one h1 and its title (${locale})`, async ({ page }) => {
      await page.goto('/')
      await pageHeading(page)
      const footer = page.locator('footer')
      for (const [label, path, heading] of text.footer) {
        await footer.getByRole('link', { name: label, exact: true }).click()
        await expect(page).toHaveURL(new RegExp(`${path}$`))
        await expectPage(page, heading, text.app)
      }
      // Feedback (the last footer link) is an e-mail to support with the subject filled in.
      await expect(page.getByTestId('support-email')).toHaveAttribute('href', /^mailto:[^?]+@[^?]+\?subject=.+/)
      // The topics that the footer does not name open from the help index.
      for (const [heading, path] of text.topics) {
        await footer.getByRole('link', { name: text.footer[0][0], exact: true }).click()
        await page.locator('#main').getByRole('link', { name: heading, exact: true }).click()
        await expect(page).toHaveURL(new RegExp(`${path}$`))
        await expectPage(page, heading, text.app)
      }
    })

    test(`the privacy notice lists all that this browser keeps, the kiosk's wipe last (${locale})`, async ({ page }) => {
      await page.goto('/help/privacy')
      await pageHeading(page)
      const kept = page.getByRole('region', { name: message(locale, 'help.privacy.device.title') }).getByRole('listitem')
      await expect(kept).toHaveText(['containers', 'applications', 'settings', 'kiosk'].map((key) => message(locale, `help.privacy.device.${key}`)))
    })

    test(`the FAQ answers open by keyboard alone (${locale})`, async ({ page }) => {
      await page.goto('/')
      await pageHeading(page)
      await page.locator('footer').getByRole('link', { name: text.footer[0][0], exact: true }).click()
      await expect(page.locator('#main h1')).toBeFocused()
      const items = page.locator('#main details')
      const count = await items.count()
      expect(count).toBe(7)
      for (let i = 0; i < count; i++) {
        const item = items.nth(i)
        const summary = item.locator('summary')
        // Tab forward until this question has focus (the topic links come first).
        for (let tabs = 0; tabs < 20 && !(await summary.evaluate((el) => el === document.activeElement)); tabs++) await page.keyboard.press('Tab')
        await expect(summary).toBeFocused()
        await expect(item.locator('p').first()).toBeHidden()
        await page.keyboard.press('Enter')
        await expect(item).toHaveAttribute('open', '')
        await expect(item.locator('p').first()).toBeVisible()
      }
      // All answers open: still no accessibility violation.
      await expectAccessible(page, `FAQ open (${locale})`)
      await page.keyboard.press('Enter')
      await expect(items.last()).not.toHaveAttribute('open', '')
    })
  })
}

test.describe('ru', () => {
  test.use({ appLocale: 'ru' })
  test('the lost-password answer says the password cannot be recovered and what to do (ru)', async ({ page }) => {
    await page.goto('/help')
    await pageHeading(page)
    await page.getByText('Я забыл(а) пароль').click()
    const answer = page.getByTestId('faq-lost_password')
    await expect(answer).toContainText('Пароль нельзя восстановить')
    await expect(answer).toContainText('центр регистрации')
    await expect(answer.getByRole('link')).toHaveAttribute('href', '/get-certificate')
  })
})

test('the start page and help pages open offline after the service worker precached them', async ({ page, context }) => {
  await page.goto('/')
  await pageHeading(page)
  await waitForServiceWorkerControl(page)

  await context.setOffline(true)
  // Typed into the address bar: answered by the navigation fallback and the precached chunks.
  await page.goto('/get-certificate')
  await expectPage(page, TEXT.kk.start, TEXT.kk.app)
  await expect(page.getByTestId('offline-indicator')).toBeVisible()
  await page.goto('/help/privacy')
  await expectPage(page, 'Құпиялылық туралы хабарлама', TEXT.kk.app)
  // In-app navigation from the footer loads the help chunk from the precache too.
  await page.locator('footer').getByRole('link', { name: 'Қолжетімділік', exact: true }).click()
  await expectPage(page, 'Қолжетімділік туралы мәлімдеме', TEXT.kk.app)
  await page.getByRole('button', { name: 'Русский' }).click()
  await expect(page.locator('#main h1')).toHaveText('Заявление о доступности')
  await context.setOffline(false)
})

test('on a kiosk the start page offers no "in this browser" and feedback needs no mail program', async ({ page }) => {
  await page.goto('/?kiosk')
  await page.getByTestId('kiosk-pin').fill('4826')
  await page.getByTestId('kiosk-pin-submit').click()
  await expect(page.getByTestId('kiosk-bar')).toBeVisible()

  await page.locator('#main').getByRole('link', { name: TEXT.kk.homeCard }).click()
  await expectPage(page, TEXT.kk.start, TEXT.kk.app)
  await expect(page.getByTestId('storage-choice-kiosk')).toBeVisible()
  await expect(page.getByTestId('storage-choice-browser')).toHaveCount(0)
  await expect(page.getByTestId('storage-choice-file')).toBeVisible()

  // Every footer link is a 48 px touch target on a kiosk (docs/kiosk.md).
  const footerLinks = page.locator('footer nav a')
  await expect(footerLinks).toHaveCount(5)
  for (const box of await footerLinks.evaluateAll((links) => links.map((a) => a.getBoundingClientRect().height))) expect(box).toBeGreaterThanOrEqual(48)

  await page.locator('footer').getByRole('link', { name: 'Кері байланыс', exact: true }).click()
  await expectPage(page, 'Пікір қалдыру', TEXT.kk.app)
  // The kiosk blocks mail links, so the address is text to note down.
  await expect(page.getByTestId('support-email')).not.toHaveAttribute('href', /.*/)
  await expect(page.getByTestId('support-email')).toContainText('@')
})
