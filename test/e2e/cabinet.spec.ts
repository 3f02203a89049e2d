/**
 * The personal cabinet (issue 21, defect 6), in Kazakh and in Russian, against a Registration
 * Center of its own (operator-fixtures.ts): signed out, /cabinet sends to sign-in and comes back;
 * signed in with a key file it greets the person by name — never the DN — lists the applications
 * and certificates with their statuses in words and dates in the language (a real Kazakh date,
 * "2027 ж. 4 желтоқсан", where Chromium has no Kazakh data), the serial grouped and copyable, the
 * header shows who is signed in on every page, another device's session can be ended one by one
 * or all at once, and signing out in the header ends it all. The home page offers the cabinet, not
 * sign-in, to a signed-in person; /status/:number of an application made elsewhere shows its status
 * by the session (the access code is asked only for another person's), dates in words.
 */
import { X509Certificate } from 'node:crypto'
import type { Browser, Page } from '@playwright/test'
import { test, expect, expectAccessible, type AppLocale } from './operator-fixtures.ts'
import { message, signInWithKeyFile } from './handover-helpers.ts'

const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'
const PASSWORD = 'Cabinet-e2e-2026'

/**
 * Persons of server/registry/demo-persons.json and how the cabinet must write them: no other spec
 * submits for them on this server, whose queue operator.spec counts by IIN.
 */
const CASES: ReadonlyArray<{ locale: 'kk' | 'ru'; iin: string; name: string; intl: string }> = [
  { locale: 'kk', iin: '750808300018', name: 'Үсенов Қайрат Маратұлы', intl: 'kk-KZ' },
  { locale: 'ru', iin: '030412500018', name: 'Нұрғалиев Темірлан Асқарұлы', intl: 'ru-RU' },
]

/** The long date as ICU's real data writes it in that language (Node has Kazakh data; the oracle). */
function longDate(intl: string, iso: string): string {
  return new Intl.DateTimeFormat(intl, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Almaty' }).format(new Date(iso))
}

/** Signs in with the key file on /signin in a fresh context with another browser's User-Agent. */
async function signInElsewhere(browser: Browser, url: string, locale: AppLocale, p12: string): Promise<Page> {
  const context = await browser.newContext({ userAgent: FIREFOX_LINUX })
  await context.addInitScript((l) => localStorage.setItem('qoltanba.locale', l), locale)
  const page = await context.newPage()
  await page.goto(`${url}/signin`)
  await signInWithKeyFile(page, p12, PASSWORD)
  await expect(page).toHaveURL(/\/cabinet$/)
  return page
}

for (const person of CASES) {
  const { locale } = person
  const m = (key: string, values: Record<string, string> = {}) => message(locale, key, values)

  test.describe(`cabinet (${locale})`, () => {
    test.use({ appLocale: locale })

    test('names the person, says where things stand in words, ends other sessions, signs out', async ({ page, browser, context, consoleServer: server }) => {
      test.slow()
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
      // Two issued applications and one waiting; one certificate suspended, one revoked.
      const first = await server.submit(person.iin)
      await server.approve(first.number)
      const second = await server.submit(person.iin)
      await server.approve(second.number)
      const waiting = await server.submit(person.iin)
      const [firstCerts, secondCerts] = [(await server.certificates(first)).certificates, (await server.certificates(second)).certificates]
      const validAuth = firstCerts.find((c) => c.purpose === 'auth')!
      const suspended = firstCerts.find((c) => c.purpose === 'sign')!
      const revoked = secondCerts.find((c) => c.purpose === 'auth')!
      const operator = { cookie: server.operatorCookie, 'content-type': 'application/json' }
      expect((await fetch(`${server.url}/api/v1/operator/certificates/${suspended.serial}/hold`, { method: 'POST', headers: operator, body: '{}' })).ok).toBe(true)
      expect((await fetch(`${server.url}/api/v1/operator/certificates/${revoked.serial}/revoke`, { method: 'POST', headers: operator, body: '{"reason":4}' })).ok).toBe(true)
      const p12 = await server.pkcs12(first, 'auth', PASSWORD)

      // Signed out, the home page offers sign-in.
      await page.goto(`${server.url}/`)
      await expect(page.getByTestId('home-signin')).toHaveAttribute('href', '/signin')
      await expect(page.getByTestId('home-cabinet')).toHaveCount(0)

      // Signed out, the cabinet sends to sign-in, which comes back to it.
      await page.goto(`${server.url}/cabinet`)
      await expect(page).toHaveURL(/\/signin\?redirect=%2Fcabinet$|\/signin\?redirect=\/cabinet$/)
      await signInWithKeyFile(page, p12, PASSWORD)
      await expect(page).toHaveURL(/\/cabinet$/)
      await expect(page.locator('#main h1')).toHaveText(m('nav.cabinet'))

      // The person by name, not by DN.
      await expect(page.getByTestId('cabinet-name')).toHaveText(person.name)
      await expect(page.getByTestId('cabinet-iin')).toHaveText(person.iin)
      await expect(page.getByTestId('cabinet')).not.toContainText('SERIALNUMBER')
      await expect(page.getByTestId('cabinet')).not.toContainText('CN=')

      // Applications: statuses in words, the submission date in the language, what to do next.
      const row = (number: string) => page.locator(`[data-testid="cabinet-application"][data-number="${number}"]`)
      await expect(row(first.number).getByTestId('cabinet-application-status')).toHaveText(m('status.states.issued'))
      await expect(row(first.number).getByTestId('cabinet-install')).toHaveAttribute('href', `/install/${first.number}`)
      await expect(row(waiting.number).getByTestId('cabinet-application-status')).toHaveText(m('status.states.submitted'))
      await expect(row(waiting.number).getByTestId('cabinet-install')).toHaveCount(0)
      await expect(row(waiting.number).getByTestId('cabinet-open-status')).toHaveAttribute('href', `/status/${waiting.number}`)
      // Waiting for confirmation: the form to print, as PDF, and the number to copy, in the row.
      for (const action of ['print', 'download-pdf', 'copy-number']) await expect(row(waiting.number).getByTestId(action)).toBeVisible()
      await expect(row(first.number).getByTestId('print')).toHaveCount(0)
      const today = longDate(person.intl, new Date().toISOString())
      await expect(row(waiting.number).getByTestId('cabinet-application-submitted')).toHaveText(today)

      // Certificates: purpose and standing in words, with the date that goes with each.
      const cert = (serial: string) => page.locator(`[data-testid="cabinet-certificate"]:has([data-serial="${serial}"])`)
      const notAfter = new Date(new X509Certificate(validAuth.pem).validTo).toISOString()
      await expect(cert(validAuth.serial).getByRole('heading')).toHaveText(m('cabinet.certificates.purpose.auth'))
      await expect(cert(validAuth.serial).getByTestId('cabinet-certificate-state')).toHaveText(m('cabinet.certificates.state.good'))
      await expect(cert(validAuth.serial).getByTestId('cabinet-certificate-when')).toHaveText(m('cabinet.certificates.when.good', { date: longDate(person.intl, notAfter) }))
      if (locale === 'kk') await expect(cert(validAuth.serial).getByTestId('cabinet-certificate-when')).toContainText(/\d{4} ж\. \d{1,2} [а-яәғқңөұүһі]+$/)
      else await expect(cert(validAuth.serial).getByTestId('cabinet-certificate-when')).toContainText(/до \d{1,2} [а-я]+ \d{4} г\.$/)
      await expect(cert(suspended.serial).getByRole('heading')).toHaveText(m('cabinet.certificates.purpose.sign'))
      await expect(cert(suspended.serial).getByTestId('cabinet-certificate-state')).toHaveText(m('cabinet.certificates.state.hold'))
      await expect(cert(suspended.serial).getByTestId('cabinet-certificate-when')).toHaveText(m('cabinet.certificates.when.hold', { date: today }))
      await expect(cert(revoked.serial).getByTestId('cabinet-certificate-state')).toHaveText(m('cabinet.certificates.state.revoked'))
      await expect(cert(revoked.serial).getByTestId('cabinet-certificate-when')).toHaveText(m('cabinet.certificates.when.revoked', { date: today }))

      // The serial in groups of four, copied whole.
      const serial = cert(validAuth.serial).getByTestId('cabinet-serial')
      await expect(serial).toHaveText(validAuth.serial.toUpperCase().match(/.{1,4}/g)!.join(' '))
      await cert(validAuth.serial).getByTestId('cabinet-copy-serial').click()
      await expect(cert(validAuth.serial).getByTestId('cabinet-copy-serial')).toHaveText(m('cabinet.certificates.copied'))
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(validAuth.serial.toUpperCase())
      await expectAccessible(page, `cabinet (${locale})`)

      // Signed in, the home page offers the cabinet instead of sign-in.
      await page.goto(`${server.url}/`)
      await expect(page.getByTestId('home-cabinet')).toHaveAttribute('href', '/cabinet')
      await expect(page.getByTestId('home-cabinet')).toContainText(m('home.cabinet_title'))
      await expect(page.getByTestId('home-signin')).toHaveCount(0)
      // An application made elsewhere (no access code in this browser): the session shows its
      // status, with the dates written as the cabinet writes them.
      await page.goto(`${server.url}/status/${waiting.number}`)
      await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'submitted')
      await expect(page.getByTestId('status-history').locator('time')).toHaveText([today])
      await expect(page.getByTestId('status-no-code')).toHaveCount(0)
      await page.goto(`${server.url}/status/${first.number}`)
      await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'issued')
      await expect(page.getByTestId('status-history').locator('time')).toHaveText([today, today])
      await page.getByTestId('check-again').click()
      await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'issued')
      await expectAccessible(page, `status by session (${locale})`)
      // Not one of mine: the access code is asked.
      await page.goto(`${server.url}/status/${first.number.replace(/\d$/, (d) => String((Number(d) + 1) % 10))}`)
      await expect(page.getByTestId('status-no-code')).toHaveText(m('status.detail.no_code'))
      await page.goto(`${server.url}/cabinet`)

      // The header says who is signed in, on every page, after a reload too.
      await expect(page.getByTestId('header-name')).toHaveText(person.name)
      // On a phone the whole name shows (it was cut with an ellipsis) and the bar's controls are 44 px targets.
      await page.setViewportSize({ width: 375, height: 812 })
      expect(await page.getByTestId('header-cabinet').evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= window.innerWidth)).toBe(true)
      for (const control of [page.getByTestId('header-cabinet'), page.getByTestId('header-signout')]) {
        const box = (await control.boundingBox())!
        expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44)
      }
      await page.setViewportSize({ width: 1280, height: 720 })
      await page.goto(`${server.url}/certificates`)
      await expect(page.getByTestId('header-name')).toHaveText(person.name)
      await page.getByTestId('header-cabinet').click()
      await expect(page).toHaveURL(/\/cabinet$/)

      // Sessions: start from this one alone (other specs may have signed this person in too).
      const sessions = page.getByTestId('cabinet-session')
      await expect(sessions.first()).toBeVisible() // the list has loaded, so the button's presence is known
      if (await page.getByTestId('cabinet-sessions-signout-others').isVisible()) await page.getByTestId('cabinet-sessions-signout-others').click()
      await expect(page.getByTestId('cabinet-sessions-only-this')).toHaveText(m('cabinet.sessions.only_this'))
      await expect(sessions).toHaveCount(1)
      await expect(sessions.first()).toHaveAttribute('data-current', 'true')

      // Another browser signs in: listed with its device; "Sign out" on its row ends it there.
      const other = await signInElsewhere(browser, server.url, locale, p12)
      await page.reload()
      await expect(sessions).toHaveCount(2)
      const firefox = page.locator('[data-testid="cabinet-session"][data-current="false"]')
      await expect(firefox.getByTestId('cabinet-session-device')).toHaveText(m('cabinet.sessions.device', { browser: 'Firefox', os: 'Linux' }))
      await firefox.getByTestId('cabinet-session-signout').click()
      await expect(sessions).toHaveCount(1)
      await other.reload()
      await expect(other).toHaveURL(/\/signin\?redirect=/)

      // Two more: "Sign out of all other sessions" ends both, this one stays.
      const more = [await signInElsewhere(browser, server.url, locale, p12), await signInElsewhere(browser, server.url, locale, p12)]
      await page.reload()
      await expect(sessions).toHaveCount(3)
      await page.getByTestId('cabinet-sessions-signout-others').click()
      await expect(sessions).toHaveCount(1)
      await expect(page.getByTestId('cabinet-sessions-only-this')).toBeVisible()
      for (const p of more) {
        await p.reload()
        await expect(p).toHaveURL(/\/signin\?redirect=/)
        await p.context().close()
      }
      await other.context().close()

      // Sign out in the header: the header forgets the person and the cabinet is closed again.
      await page.getByTestId('header-signout').click()
      await expect(page).toHaveURL(/\/signin\?redirect=/)
      await expect(page.getByTestId('header-account')).toHaveCount(0)
      await page.goto(`${server.url}/cabinet`)
      await expect(page).toHaveURL(/\/signin\?redirect=/)
      await expect(page.getByTestId('signin-keyfile')).toBeVisible()
    })
  })
}
