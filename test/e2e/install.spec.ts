/** Installing the app: Chromium's prompt from the menu; instructions on iOS Safari. */
import { test, expect, pageHeading } from './fixtures.ts'

test('the browser install prompt is captured and offered from the menu', async ({ page }) => {
  await page.goto('/')
  await pageHeading(page)
  await page.getByTestId('menu-button').click()
  await expect(page.getByTestId('menu-install')).toHaveCount(0)
  await page.getByTestId('menu-button').click()

  // What Chromium fires when the app is installable (the real one needs user engagement).
  await page.evaluate(() => {
    const event = new Event('beforeinstallprompt', { cancelable: true })
    Object.assign(event, {
      prompt: async () => void Object.assign(window, { installPrompted: true }),
      userChoice: Promise.resolve({ outcome: 'accepted' }),
    })
    window.dispatchEvent(event)
  })
  await page.getByTestId('menu-button').click()
  await page.getByTestId('menu-install').click()
  await expect.poll(() => page.evaluate(() => (window as { installPrompted?: boolean }).installPrompted)).toBe(true)
  // The prompt can be used once: the entry goes away until the browser offers it again.
  await page.getByTestId('menu-button').click()
  await expect(page.getByTestId('menu-install')).toHaveCount(0)
})

test('on iOS the menu explains Share → Add to Home Screen', async ({ browser }) => {
  const context = await browser.newContext({
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    viewport: { width: 390, height: 844 },
    locale: 'ru-RU',
    hasTouch: true,
  })
  const page = await context.newPage()
  const cspErrors: string[] = []
  page.on('console', (msg) => msg.type() === 'error' && /Content Security Policy/i.test(msg.text()) && cspErrors.push(msg.text()))
  await page.goto('/')
  await pageHeading(page)
  await page.getByTestId('menu-button').click()
  await page.getByTestId('menu-install').click()
  const dialog = page.getByRole('dialog', { name: 'Добавить приложение на экран «Домой»' })
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('«Поделиться»')
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  expect(cspErrors).toEqual([])
  await context.close()
})
