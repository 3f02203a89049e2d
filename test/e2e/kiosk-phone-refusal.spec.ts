/**
 * A kiosk's application refused on the phone's answer (issue 17, server/handoffs/README.md), in
 * Russian on the shared server: the phone holds the applicant's signing certificate, which the
 * operator revokes before the applicant comes; the phone signs the application with it, the
 * server refuses (ERR_CERT_REVOKED) and the kiosk hears it at once — the reason translated and
 * what to do next — while the phone says the same. "New QR code" is the retry: the phone scans it
 * and, without the revoked certificate, makes new keys for the new hand-off; the kiosk ends on
 * the number and access code, and the application's keys are not those of the refused attempt.
 */
import { randomUUID } from 'node:crypto'
import { test, expect } from '@playwright/test'
import { expectAccessible } from './fixtures.ts'
import { lockKiosk, message } from './handover-helpers.ts'
import { applyAtKiosk, expectNoKeyOnKiosk, operatorCookie, phoneHoldingCertificate, PHONE_PASSWORD, HOLDER_PASSWORD, scanKeys } from './kiosk-phone-helpers.ts'

const HOLDER_IIN = '830227400013'

test.use({ locale: 'ru-RU' })

test('a refused answer: the kiosk says why and what to do next; a new QR code and new keys on the phone go through', async ({ page, browser, baseURL }) => {
  test.setTimeout(240_000)
  const m = (key: string, values: Record<string, string> = {}) => message('ru', key, values)
  const { phone, serial } = await phoneHoldingCertificate(browser, baseURL!, 'ru', HOLDER_IIN)
  try {
    // The certificate on the phone is revoked meanwhile (the phone does not know yet).
    const revoked = await fetch(`${baseURL}/api/v1/operator/certificates/${serial}/revoke`, {
      method: 'POST',
      headers: { cookie: await operatorCookie(baseURL!), 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ reason: 1 }),
    })
    expect(revoked.status).toBe(200)

    await lockKiosk(page, '731946')
    const first = await applyAtKiosk(page, HOLDER_IIN, m)
    const mobile = await phone.newPage()
    await mobile.goto(first.link)
    await expect(mobile.getByTestId('handoff-phone-code')).toHaveText(first.code)
    await expect(mobile.getByTestId('handoff-sign-with-certificate')).toBeChecked()
    await mobile.getByTestId('handoff-holder-password').fill(HOLDER_PASSWORD)
    await mobile.getByTestId('handoff-new-password').fill(PHONE_PASSWORD)
    await mobile.getByTestId('handoff-repeat-password').fill(PHONE_PASSWORD)
    await mobile.getByTestId('handoff-make-keys').click()

    // Both screens say why; the kiosk says what to do next and offers a new QR code.
    const reason = m('errors.ERR_CERT_REVOKED')
    await expect(mobile.getByTestId('handoff-phone-refused')).toContainText(reason)
    const request = page.getByTestId('handoff-request')
    await expect(request).toHaveAttribute('data-state', 'failed')
    await expect(page.getByTestId('handoff-state')).toHaveText(m('handoff.state.failed_because', { reason }))
    await expect(page.getByTestId('handoff-failed-next')).toHaveText(m('handoff.request.failed_next_application'))
    await expect(page.getByTestId('handoff-qr')).toHaveCount(0)
    await expectAccessible(page, 'the kiosk after a refused answer')
    await expectNoKeyOnKiosk(page, 'after a refused answer')
    const refusedKeys = (await scanKeys(mobile)).spkiSha256

    // The retry: a new QR code (a new hand-off), scanned by the phone, which makes new keys.
    await page.getByTestId('handoff-again').click()
    await expect(page.getByTestId('handoff-qr')).not.toHaveAttribute('data-text', first.link)
    const link = (await page.getByTestId('handoff-qr').getAttribute('data-text'))!
    const code = (await page.getByTestId('handoff-code').textContent())!.trim()
    const retry = await phone.newPage()
    await retry.goto(link)
    await expect(retry.getByTestId('handoff-phone-code')).toHaveText(code)
    await retry.getByTestId('handoff-sign-with-certificate').uncheck()
    await retry.getByTestId('handoff-new-password').fill(PHONE_PASSWORD)
    await retry.getByTestId('handoff-repeat-password').fill(PHONE_PASSWORD)
    await retry.getByTestId('handoff-make-keys').click()
    await expect(retry.getByTestId('handoff-application-done')).toBeVisible({ timeout: 60_000 })
    const number = (await retry.getByTestId('handoff-application-number').textContent())!.trim()
    const accessCode = (await retry.getByTestId('handoff-application-access-code').textContent())!.trim()
    await expect(page.getByTestId('application-number')).toHaveText(number, { timeout: 60_000 })
    await expect(page.getByTestId('access-code')).toHaveText(accessCode)
    await expectNoKeyOnKiosk(page, 'confirmation after the retry')

    const view = await (await page.request.get(`/api/v1/applications/${number}`, { headers: { 'x-access-code': accessCode } })).json()
    const keys = (view.requests as { spkiSha256: string }[]).map((r) => r.spkiSha256)
    expect(keys).toHaveLength(2)
    for (const k of keys) expect(refusedKeys, 'the retry sends new keys').not.toContain(k)
    expect((await scanKeys(retry)).spkiSha256).toEqual(expect.arrayContaining(keys))
  } finally {
    await phone.close()
  }
})
