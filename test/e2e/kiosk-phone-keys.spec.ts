/**
 * "Sign with your phone" in the kiosk's application wizard (issue 17), in Kazakh and in Russian,
 * in two browser contexts on the shared server: a `?kiosk` device where the applicant answers
 * the wizard and chooses "On your phone", and a phone-emulated context that opens the kiosk's
 * QR link, shows who asks, the same 2-digit code and the application, makes both keys under its
 * own password and sends their requests. The kiosk ends on the confirmation with the phone's
 * number and access code; the application's public keys are the phone's; every IndexedDB
 * database of the kiosk is read at each step (and repeatedly while the phone makes the keys)
 * and never holds a key; "Finish" leaves nothing. A phone that already holds the applicant's
 * signing certificate (issued by this server for an OpenSSL-made key, imported as a .p12) signs
 * the application with it too and says with which certificate, and the operator's page of the
 * application names that certificate.
 *
 * Plain Playwright `test` with the browser's preferred language, as kiosk-handover.spec.ts: no
 * test script writes into the storage the kiosk wipe must empty.
 */
import { test, expect, devices } from '@playwright/test'
import { expectAccessible } from './fixtures.ts'
import { lockKiosk, message, type Locale } from './handover-helpers.ts'
import { readTraces } from './kiosk-helpers.ts'
import { applyAtKiosk, expectNoKeyOnKiosk, operatorPage, phoneHoldingCertificate, PHONE_PASSWORD, HOLDER_PASSWORD, scanKeys } from './kiosk-phone-helpers.ts'

test.describe.configure({ mode: 'serial' })

const CASES: ReadonlyArray<{ locale: Locale; browserLocale: string; iin: string; holderIin: string }> = [
  { locale: 'kk', browserLocale: 'kk-KZ', iin: '950918400014', holderIin: '990101400015' },
  { locale: 'ru', browserLocale: 'ru-RU', iin: '880530300013', holderIin: '850315300019' },
]
for (const { locale, browserLocale, iin, holderIin } of CASES) {
  test.describe(`kiosk: sign with your phone (${locale})`, () => {
    test.use({ locale: browserLocale })

    test('the application is made with the phone\u2019s keys; the kiosk\u2019s IndexedDB never holds a key; Finish leaves nothing', async ({ page, browser, baseURL }) => {
      test.setTimeout(240_000)
      const m = (key: string) => message(locale, key)
      const problems: string[] = []
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
      await lockKiosk(page, '731946')
      await expectNoKeyOnKiosk(page, 'locked')

      const { link, code } = await applyAtKiosk(page, iin, m)
      expect(link).toMatch(new RegExp(`^${baseURL}/handoff#`))
      await expectAccessible(page, 'QR code for the phone')

      // The applicant's phone: who asks, the same code, the application; keys under its own password.
      const { defaultBrowserType: _type, ...pixel } = devices['Pixel 7']
      const phone = await browser.newContext({ ...pixel, locale: browserLocale })
      try {
        const mobile = await phone.newPage()
        await mobile.goto(link)
        await expect(mobile.getByTestId('handoff-phone-code')).toHaveText(code)
        await expect(mobile.getByTestId('handoff-origin')).toHaveText(baseURL!)
        // Who asks: this registration center's kiosk, in the kiosk's language.
        await expect(mobile.getByTestId('handoff-requester')).toContainText(m('request.phone.requester_plain'))
        await expect(mobile.getByTestId('handoff-application-iin')).toHaveText(iin)
        await expect(page.getByTestId('handoff-state')).toHaveText(m('handoff.state.opened'))
        await expectNoKeyOnKiosk(page, 'phone opened the request')
        await expectAccessible(mobile, 'the application on the phone')
        await mobile.getByTestId('handoff-new-password').fill(PHONE_PASSWORD)
        await mobile.getByTestId('handoff-repeat-password').fill(PHONE_PASSWORD)
        await mobile.getByTestId('handoff-make-keys').click()

        // While the phone makes the keys and the server submits, the kiosk is read again and again.
        const number = page.getByTestId('application-number')
        let samples = 0
        await expect
          .poll(async () => {
            await expectNoKeyOnKiosk(page, `while the phone works (sample ${++samples})`)
            return number.isVisible()
          }, { timeout: 120_000 })
          .toBe(true)
        expect(samples).toBeGreaterThan(0)
        await expect(mobile.getByTestId('handoff-application-done')).toBeVisible()
        await expectAccessible(mobile, 'the application sent, on the phone')
        const phoneNumber = (await mobile.getByTestId('handoff-application-number').textContent())!.trim()
        const phoneCode = (await mobile.getByTestId('handoff-application-access-code').textContent())!.trim()
        await expect(number).toHaveText(phoneNumber)
        await expect(page.getByTestId('access-code')).toHaveText(phoneCode)
        await expect(page.getByTestId('next-text')).toHaveText(m('request.done.next_text_kiosk_phone'))
        await expectNoKeyOnKiosk(page, 'confirmation')

        // The phone holds both keys, and they are the application's keys.
        const phoneScan = await scanKeys(mobile)
        expect(phoneScan.keyRecords).toBe(2)
        const view = await (await page.request.get(`/api/v1/applications/${phoneNumber}`, { headers: { 'x-access-code': phoneCode } })).json()
        expect(view).toMatchObject({ number: phoneNumber, status: 'submitted', storage: 'browser' })
        expect((view.requests as { spkiSha256: string }[]).map((r) => r.spkiSha256).sort()).toEqual([...phoneScan.spkiSha256].sort())
        // The phone remembers the application, so it installs the certificates later.
        await mobile.getByTestId('handoff-application-status').click()
        await expect(mobile).toHaveURL(new RegExp(`/status/${phoneNumber}$`))
      } finally {
        await phone.close()
      }

      // Finish: the kiosk wipe still runs; nothing of the applicant is left.
      await page.getByTestId('kiosk-finish').click()
      await expect(page.getByTestId('kiosk-finish-confirm').getByRole('heading')).toHaveText(m('kiosk.finish_confirm.title'))
      const loaded = page.waitForEvent('load')
      await page.getByTestId('kiosk-finish-anyway').click()
      await loaded
      await expect(page.getByTestId('kiosk-bar')).toBeVisible()
      const traces = await readTraces(page)
      expect(traces.databases.filter((d) => d.records > 0), 'IndexedDB databases with records after Finish').toEqual([])
      await expectNoKeyOnKiosk(page, 'after Finish')
      expect(problems).toEqual([])
    })

    test('a phone that holds the applicant\u2019s signing certificate signs the application too; still no key on the kiosk', async ({ page, browser, baseURL }) => {
      test.setTimeout(240_000)
      const m = (key: string) => message(locale, key)
      const { phone, serial } = await phoneHoldingCertificate(browser, baseURL!, locale, holderIin)
      try {
        await lockKiosk(page, '731946')
        const { link, code } = await applyAtKiosk(page, holderIin, m)
        const mobile = await phone.newPage()
        await mobile.goto(link)
        await expect(mobile.getByTestId('handoff-phone-code')).toHaveText(code)
        // Offered, and chosen by default: the certificate of this IIN on this phone.
        await expect(mobile.getByTestId('handoff-sign-with-certificate')).toBeChecked()
        await expectAccessible(mobile, 'the application with the holder\u2019s certificate')
        await mobile.getByTestId('handoff-holder-password').fill(HOLDER_PASSWORD)
        await mobile.getByTestId('handoff-new-password').fill(PHONE_PASSWORD)
        await mobile.getByTestId('handoff-repeat-password').fill(PHONE_PASSWORD)
        await mobile.getByTestId('handoff-make-keys').click()
        await expect(mobile.getByTestId('handoff-application-signed-by')).toContainText(serial)
        const number = (await mobile.getByTestId('handoff-application-number').textContent())!.trim()
        await expect(page.getByTestId('application-number')).toHaveText(number, { timeout: 60_000 })
        await expectNoKeyOnKiosk(page, 'confirmation of a signed application')
        // The phone holds the new pair next to the certificate that vouched for it.
        expect((await scanKeys(mobile)).keyRecords).toBe(3)

        // The operator's page of the application says which certificate of the applicant signed it.
        const operator = await operatorPage(browser, baseURL!, browserLocale)
        try {
          await operator.page.goto(`/operator/applications/${number}`)
          const signed = operator.page.getByTestId('application-holder-signed')
          await expect(signed).toContainText(m('operator.application.holder_signature'))
          await expect(signed).toContainText(message(locale, 'operator.application.holder_signed', { serial, date: '' }).replace(/,\s*$/, ''))
          await expectAccessible(operator.page, 'the operator\u2019s application signed by the holder')
        } finally {
          await operator.context.close()
        }
      } finally {
        await phone.close()
      }
    })
  })
}
