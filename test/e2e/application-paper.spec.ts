/**
 * The paper side of an application after the confirmation page is gone (issue 21, defect 5), in
 * Kazakh and Russian: submit, leave, then from this device's list and from the status page the
 * print view shows only the form, the PDF downloads as application-<number>.pdf and carries the
 * number, the name, the access code and (in kk) Kazakh letters — read back with pdf.js — and the
 * copy buttons put the number and the access code on the clipboard with a spoken "copied".
 * Another browser that looked the application up by number + code gets the same, without a name.
 * Offline, the PDF is still made: jsPDF's chunk and the fonts are precached. A kiosk prints but
 * offers no PDF (a file in a shared machine's downloads would outlive the session's wipe).
 */
import { readFileSync } from 'node:fs'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { Page } from '@playwright/test'
import { test, expect, expectAccessible, waitForServiceWorkerControl } from './fixtures.ts'
import { fillWizard, submitAndConfirm } from './journey-helpers.ts'
import { lockKiosk, message } from './handover-helpers.ts'

test.describe.configure({ timeout: 180_000 })
test.use({ permissions: ['clipboard-read', 'clipboard-write'] })

/** The text of every page of a PDF, as pdf.js extracts it. */
async function pdfText(path: string): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(readFileSync(path)), isEvalSupported: false }).promise
  const pages: string[] = []
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent()
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '))
  }
  await pdf.destroy()
  return pages.join('\n')
}

/** Clicks "Download as PDF" inside `scope` and returns the file name and its text. */
async function downloadPdf(page: Page, scope: ReturnType<Page['getByTestId']>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), scope.getByTestId('download-pdf').click()])
  const path = await download.path()
  return { name: download.suggestedFilename(), text: await pdfText(path) }
}

/** In print media only the form is shown (nothing of the page around it), then back to screen. */
async function expectPrintShowsOnlyForm(page: Page, number: string, name: string | null): Promise<void> {
  await page.emulateMedia({ media: 'print' })
  const form = page.getByTestId('print-form')
  await expect(form).toHaveCount(1)
  await expect(form).toBeVisible()
  await expect(form).toContainText(number)
  if (name) await expect(form).toContainText(name)
  await expect(page.getByTestId('print-qr-code')).toBeVisible()
  await expect(page.locator('#main')).toBeHidden()
  await expect(page.getByTestId('paper-actions').first()).toBeHidden()
  await page.emulateMedia({ media: 'screen' })
  await expect(form).toBeHidden()
}

async function clipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText())
}

for (const locale of ['kk', 'ru'] as const) {
  test.describe(`in ${locale}`, () => {
    test.use({ appLocale: locale })

    test('print, PDF and copy from the device list and the status page after leaving the confirmation', async ({ page, browser }) => {
      await fillWizard(page, { iin: '900101300017', storage: 'browser', password: 'Qoltanba-Paper-2026', algorithm: 'P-256' })
      const { number, accessCode } = await submitAndConfirm(page)
      await expect(page.getByTestId('confirmation')).toBeVisible()
      // The confirmation offers the same actions (copy buttons beside print and PDF).
      await expect(page.getByTestId('paper-actions').getByTestId('copy-code')).toBeVisible()
      await expectPrintShowsOnlyForm(page, number, 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ')

      // Leave the confirmation page: a fresh load of the status page.
      await page.goto('/')
      await page.goto('/status')
      const row = page.getByTestId('device-application').filter({ hasText: number })
      await expect(row.getByTestId('paper-access-code')).toHaveText(accessCode)
      // A row renders its form only when asked to print it.
      await expect(page.getByTestId('print-form')).toHaveCount(0)

      await row.getByTestId('copy-code').click()
      expect(await clipboard(page)).toBe(accessCode)
      await expect(page.getByTestId('announcer')).toHaveText(message(locale, 'application_paper.copied_code'))
      await expect(row.getByTestId('copy-code')).toHaveText(message(locale, 'application_paper.copied'))
      await row.getByTestId('copy-number').click()
      expect(await clipboard(page)).toBe(number)
      await expect(page.getByTestId('announcer')).toHaveText(message(locale, 'application_paper.copied_number'))

      await row.getByTestId('print').click()
      await expectPrintShowsOnlyForm(page, number, 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ')
      await expect(page.getByTestId('print-slip')).toContainText(accessCode)

      const fromList = await downloadPdf(page, row)
      expect(fromList.name).toBe(`application-${number}.pdf`)
      expect(fromList.text).toContain(number)
      expect(fromList.text).toContain('ТЕСТОВ ТЕСТ ТЕСТОВИЧ')
      expect(fromList.text).toContain('900101300017')
      expect(fromList.text).toContain(accessCode)
      expect(fromList.text).toContain(message(locale, 'request.print.title'))
      expect(fromList.text).toContain(message(locale, 'application_paper.form.bring_identity'))
      if (locale === 'kk') for (const letter of ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'і']) expect(fromList.text).toContain(letter)
      // The registration center chosen in the wizard is on both the printed form and the PDF.
      await expect(page.getByTestId('print-center')).not.toBeEmpty()
      expect(fromList.text).toContain(message(locale, 'application_paper.form.center_title'))
      await expectAccessible(page, `status list with paper actions (${locale})`)

      // The status page of the application: the same actions, its form always in the page.
      await row.getByRole('link').first().click()
      const details = page.getByTestId('status-details')
      await expect(details.getByTestId('paper-access-code')).toHaveText(accessCode)
      await details.getByTestId('copy-number').click()
      expect(await clipboard(page)).toBe(number)
      await expectPrintShowsOnlyForm(page, number, 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ')
      const fromStatus = await downloadPdf(page, details)
      expect(fromStatus.name).toBe(`application-${number}.pdf`)
      expect(fromStatus.text).toBe(fromList.text)
      await expectAccessible(page, `status page with paper actions (${locale})`)

      // Another browser that knows the number and the code: the form without a name, the code from what was typed.
      const other = await browser.newContext({ baseURL: new URL(page.url()).origin, permissions: ['clipboard-read', 'clipboard-write'] })
      await other.addInitScript((l) => localStorage.setItem('qoltanba.locale', l), locale)
      const elsewhere = await other.newPage()
      await elsewhere.goto('/status')
      await elsewhere.locator('#status-number').fill(number)
      await elsewhere.locator('#status-code').fill(accessCode)
      await elsewhere.getByTestId('status-submit').click()
      const otherDetails = elsewhere.getByTestId('status-details')
      await expect(otherDetails.getByTestId('paper-access-code')).toHaveText(accessCode)
      const elsewherePdf = await downloadPdf(elsewhere, otherDetails)
      expect(elsewherePdf.text).toContain(number)
      expect(elsewherePdf.text).toContain(accessCode)
      expect(elsewherePdf.text).not.toContain('ТЕСТОВ')
      await other.close()
    })
  })
}

test('offline, the PDF is made from the precached library and fonts', async ({ page, context }) => {
  await page.goto('/')
  await waitForServiceWorkerControl(page)
  await fillWizard(page, { iin: '900101300017', storage: 'browser', password: 'Qoltanba-Paper-2026', algorithm: 'P-256' })
  const { number } = await submitAndConfirm(page)
  await context.setOffline(true)
  await page.goto(`/status/${number}`)
  const details = page.getByTestId('status-details')
  await expect(details.getByTestId('paper-number')).toHaveText(number)
  const pdf = await downloadPdf(page, details)
  expect(pdf.text).toContain(number)
  expect(pdf.text).toContain('ТЕСТОВ ТЕСТ ТЕСТОВИЧ')
  expect(pdf.text).toContain(message('kk', 'application_paper.form.bring_identity'))
  await context.setOffline(false)
})

test('a kiosk prints and copies but offers no PDF download', async ({ page }) => {
  await lockKiosk(page, '604318')
  await fillWizard(page, { iin: '900101300017', storage: 'file', password: 'Qoltanba-Paper-2026', algorithm: 'P-256' })
  const { number } = await submitAndConfirm(page)
  const actions = page.getByTestId('paper-actions')
  await expect(actions.getByTestId('print')).toBeVisible()
  await expect(actions.getByTestId('copy-number')).toBeVisible()
  await expect(actions.getByTestId('download-pdf')).toHaveCount(0)
  await expect(page.getByTestId('print-form')).toContainText(number)
})
