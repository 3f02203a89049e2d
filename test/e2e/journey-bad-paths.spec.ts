/**
 * Bad paths of the status and installation journey, each with its message and nothing lost:
 * wrong access code, unknown number, rejected and expired applications, the server unreachable
 * (while checking and while submitting). A wrong container password is in journey.spec.ts.
 */
import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures.ts'
import { fillWizard, journeyPort, type JourneyServer, startJourneyServer, submitAndConfirm } from './journey-helpers.ts'

const PORT = journeyPort(20)
const IIN = '781104300019'
const en = JSON.parse(readFileSync('src/i18n/locales/en.json', 'utf8')) as {
  errors: Record<string, string>
  status: { states: Record<string, string>; form: Record<string, string> }
}
let server: JourneyServer

test.use({ baseURL: `http://localhost:${PORT}`, appLocale: 'en' })
test.describe.configure({ mode: 'serial', timeout: 180_000 })

test.beforeAll(async () => {
  test.setTimeout(180_000)
  server = await startJourneyServer(PORT)
})
test.afterAll(async () => {
  await server?.stop()
})

async function apply(page: Page): Promise<{ number: string; accessCode: string }> {
  await fillWizard(page, { iin: IIN, storage: 'browser', password: 'Bad-Paths-1', algorithm: 'P-256' })
  return submitAndConfirm(page)
}

async function lookUp(page: Page, number: string, code: string): Promise<void> {
  await page.goto('/status')
  await page.locator('#status-number').fill(number)
  await page.locator('#status-code').fill(code)
  await page.getByTestId('status-submit').click()
}

test('wrong access code, unknown number, malformed number; then a rejected application', async ({ page, context }) => {
  const { number, accessCode } = await apply(page)
  // Another browser profile: the application is not on this device, only number + code help.
  const other = await context.browser()!.newContext({ baseURL: `http://localhost:${PORT}` })
  const p = await other.newPage()
  await p.addInitScript(() => localStorage.setItem('qoltanba.locale', 'en'))

  await lookUp(p, number, `${accessCode}x`)
  const summary = p.getByTestId('error-summary')
  await expect(summary).toBeFocused()
  await expect(summary).toContainText(en.errors.ERR_ACCESS_DENIED!)
  await expect(p).toHaveTitle(/^Error: /)
  // What was typed stays.
  await expect(p.locator('#status-number')).toHaveValue(number)

  await lookUp(p, '000000000000', accessCode)
  await expect(p.getByTestId('error-summary')).toContainText(en.errors.ERR_ACCESS_DENIED!)

  await lookUp(p, '12345', accessCode)
  await expect(p.getByTestId('error-summary')).toContainText(en.status.form.error_number!)
  await expect(p.locator('#status-number-error')).toContainText(en.status.form.error_number!)
  await expect(p.locator('#status-number')).toHaveAttribute('aria-describedby', 'status-number-error')

  await lookUp(p, number, accessCode)
  await expect(p.getByTestId('status-tag')).toHaveAttribute('data-status', 'submitted')
  await other.close()

  await server.reject(number, 'The identity document does not match')
  await page.goto(`/status/${number}`)
  await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'rejected')
  await expect(page.getByTestId('rejection-reason')).toContainText('The identity document does not match')
  await expect(page.getByTestId('install-link')).toHaveCount(0)
})

test('an expired application says so', async ({ page }) => {
  const { number } = await apply(page)
  await server.makeOverdue(number)
  await page.goto(`/status/${number}`)
  await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'expired')
  await expect(page.getByTestId('status-tag')).toHaveText(en.status.states.expired!)
  await expect(page.getByTestId('status-history')).toContainText(en.status.states.expired!)
})

test('server unreachable: last known status with its time; a submission waits and is sent later', async ({ page }) => {
  const { number } = await apply(page)
  await page.goto(`/status/${number}`)
  await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'submitted')

  await server.kill()
  try {
    await page.getByTestId('check-again').click()
    await expect(page.getByTestId('status-error')).toContainText(en.errors.ERR_NETWORK!)
    await expect(page.getByTestId('status-error')).toContainText('Last known status as of')
    await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'submitted')
  } finally {
    await server.restart()
  }

  // Submitting while the server is down: kept in the outbox, visibly waiting.
  await fillWizard(page, { iin: IIN, storage: 'browser', password: 'Bad-Paths-2', algorithm: 'P-256' })
  await server.kill()
  try {
    await page.getByTestId('continue').click()
    await expect(page.getByTestId('waiting')).toBeVisible({ timeout: 60_000 })
    await expect(page.getByTestId('waiting')).toContainText(en.errors.ERR_NETWORK!.split('.')[0]!)
  } finally {
    await server.restart()
  }
  const before = (await server.applicationsOf(IIN)).length
  await page.getByTestId('send-now').click()
  await expect(page.getByTestId('application-number')).toHaveText(/^\d{12}$/, { timeout: 30_000 })
  expect((await server.applicationsOf(IIN)).length).toBe(before + 1)
})
