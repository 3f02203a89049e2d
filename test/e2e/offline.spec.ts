/** After one visit the app opens and navigates with the network off (service worker precache). */
import { test, expect, pageHeading, waitForServiceWorkerControl, TOP_LEVEL_ROUTES } from './fixtures.ts'

test('the app opens, reloads and visits every top-level route offline', async ({ page, context }) => {
  await page.goto('/')
  await pageHeading(page)
  await waitForServiceWorkerControl(page)

  // Every lazy route chunk and language chunk is in the precache, not only the entry.
  const precached = await page.evaluate(async () => {
    const urls: string[] = []
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname)
    }
    return urls
  })
  for (const chunk of ['HomeView', 'CertificatesView', 'StatusView', 'SettingsView', 'RequestView', 'SignInView', 'OperatorView', '/kk-shell-', '/kk-rest-', '/ru-shell-', '/ru-rest-', '/en-shell-', '/en-rest-']) {
    expect(precached.some((url) => url.includes(chunk)), `${chunk} precached`).toBe(true)
  }

  await context.setOffline(true)
  await page.reload()
  await expect(await pageHeading(page)).toHaveText('Электрондық цифрлық қолтаңба сертификаттары')
  await expect(page.getByTestId('offline-indicator')).toBeVisible()

  // Deep links typed into the address bar are answered by the navigation fallback.
  for (const path of TOP_LEVEL_ROUTES) {
    await page.goto(path)
    await pageHeading(page)
    await expect(page.getByTestId('offline-indicator')).toBeVisible()
  }

  // In-app navigation loads lazy chunks from the precache too; so does switching language.
  await page.goto('/')
  await page.locator('#main').getByRole('link', { name: 'Өтінім мәртебесін тексеру' }).click()
  await expect(page.locator('#main h1')).toHaveText('Өтінім мәртебесі')
  await page.getByRole('button', { name: 'Русский' }).click()
  await expect(page.locator('#main h1')).toHaveText('Статус заявки')

  // The server is unreachable, and the app says so instead of failing.
  await page.goto('/settings')
  await expect(page.getByTestId('server-version')).toHaveAttribute('data-state', 'unavailable')

  await context.setOffline(false)
  await expect(page.getByTestId('offline-indicator')).toBeHidden()
})
