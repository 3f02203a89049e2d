/**
 * Offline submission: the application is prepared with the network off (keys, requests, outbox),
 * shows "waiting to send", survives a reload, and is sent exactly once when the network returns
 * — the server then holds one application for the applicant.
 */
import { test, expect, waitForServiceWorkerControl } from './fixtures.ts'
import { fillWizard, journeyPort, type JourneyServer, startJourneyServer } from './journey-helpers.ts'

const PORT = journeyPort(19)
const IIN = '920722400013'
let server: JourneyServer

test.use({ baseURL: `http://localhost:${PORT}`, appLocale: 'ru' })
test.describe.configure({ timeout: 180_000 })

test.beforeAll(async () => {
  test.setTimeout(180_000)
  server = await startJourneyServer(PORT)
})
test.afterAll(async () => {
  await server?.stop()
})

test('prepared offline, waiting to send, sent once after reconnect', async ({ page, context }) => {
  await page.goto('/')
  await waitForServiceWorkerControl(page)
  await fillWizard(page, { iin: IIN, storage: 'browser', password: 'Offline-2026', algorithm: 'P-256' })

  await context.setOffline(true)
  await page.getByTestId('continue').click()
  const waiting = page.getByTestId('waiting')
  await expect(waiting).toBeVisible({ timeout: 60_000 })
  await expect(waiting).toContainText('Ожидает отправки')
  expect(await server.applicationsOf(IIN)).toEqual([])

  // Nothing is lost on a reload while offline (the app comes from the service worker).
  await page.reload()
  await expect(page.getByTestId('waiting')).toBeVisible()
  await page.goto('/status')
  await expect(page.getByTestId('outbox-item')).toHaveCount(1)
  await expect(page.getByTestId('outbox-item').getByTestId('status-tag')).toHaveAttribute('data-status', 'waiting')
  await page.getByTestId('outbox-item').getByRole('link').click()
  await expect(page.getByTestId('waiting')).toBeVisible()

  // The network returns: the 'online' event sends it; a second tab and a "Send now" click race it.
  const second = await context.newPage()
  await context.setOffline(false)
  await second.goto('/status')
  const number = page.getByTestId('application-number')
  await expect(number).toHaveText(/^\d{12}$/, { timeout: 30_000 })
  await expect(second.getByTestId('device-application')).toHaveCount(1)
  await expect(second.getByTestId('outbox-item')).toHaveCount(0)
  await second.close()

  const onServer = await server.applicationsOf(IIN)
  expect(onServer).toEqual([{ number: (await number.textContent())!.trim(), status: 'submitted' }])
})
