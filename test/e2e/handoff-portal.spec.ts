/**
 * A portal's sign-in completed by the phone (issue 17), in Kazakh: the demo portal
 * (examples/portal, openid-client) sends the desktop browser — which holds no key — to the PWA's
 * /authorize/:uid; "Sign in with your phone" shows the QR code; a phone-emulated context whose
 * container holds the person's authentication certificate opens it, shows the same code and
 * signs; the desktop continues to consent and back to the portal, which holds the ID token of
 * the phone's certificate holder (name, certificate claims). A second context, not a second
 * server: the hand-off's session lands in the desktop browser that asked.
 */
import { X509Certificate, createHash } from 'node:crypto'
import type { BrowserContext } from '@playwright/test'
import { test, expect } from './operator-fixtures.ts'
import { message } from './handover-helpers.ts'
import { phoneWithContainer, startDemoPortal, type DemoPortal } from './handoff-helpers.ts'
import { journeyPort } from './journey-helpers.ts'

const PASSWORD = 'Portal-phone-e2e-2026'
const PORTAL_NAME = { kk: 'Телефонмен кіру порталы', ru: 'Портал входа с телефона', en: 'Phone sign-in portal' } as const
/** A demo person (server/registry/demo-persons.json) and how the portal's claims name them. */
const PERSON = { iin: '990101400015', name: 'Ким Виктория Александровна' }

test.describe('portal sign-in by the phone (kk)', () => {
  test.use({ appLocale: 'kk' })
  let phone: BrowserContext
  let portal: DemoPortal
  /** x5t#S256 of the phone's authentication certificate: what the portal must receive. */
  let thumbprint: string

  test.beforeAll(async ({ browser, consoleServer }) => {
    const application = await consoleServer.submit(PERSON.iin)
    await consoleServer.approve(application.number)
    const auth = (await consoleServer.certificates(application)).certificates.find((c) => c.purpose === 'auth')!
    thumbprint = createHash('sha256').update(new X509Certificate(auth.pem).raw).digest('base64url')
    phone = await phoneWithContainer(browser, consoleServer.url, 'kk', [await consoleServer.pkcs12(application, 'auth', PASSWORD)], PASSWORD)
    portal = await startDemoPortal(consoleServer, journeyPort(50), PORTAL_NAME)
  })
  test.afterAll(async () => {
    await phone?.close()
    await portal?.close()
  })

  test('the portal started on the desktop receives the ID token of the phone\u2019s certificate holder', async ({ page, consoleServer }) => {
    const m = (key: string, values: Record<string, string> = {}) => message('kk', key, values)
    await page.goto(portal.url)
    await page.getByTestId('portal-signin').click()
    await expect(page).toHaveURL(/\/authorize\/[\w-]+$/)
    await expect(page.getByTestId('oidc-portal-name')).toHaveText(PORTAL_NAME.kk)
    await page.getByTestId('oidc-by-phone').click()
    await expect(page.getByTestId('handoff-qr')).toBeVisible()
    const code = await page.getByTestId('handoff-code').textContent()
    const link = await page.getByTestId('handoff-deep-link').getAttribute('href')

    const mobile = await phone.newPage()
    await mobile.goto(link!)
    await expect(mobile.getByTestId('handoff-phone-code')).toHaveText(code!)
    await expect(mobile.getByTestId('handoff-origin')).toHaveText(consoleServer.url)
    await expect(mobile.getByTestId('handoff-requester')).toContainText(m('handoff.requester_name'))
    await expect(page.getByTestId('handoff-state')).toHaveText(m('handoff.state.opened'))
    await mobile.getByTestId('handoff-password').fill(PASSWORD)
    await mobile.getByTestId('handoff-sign').click()
    await expect(mobile.getByTestId('handoff-phone-done')).toHaveText(m('handoff.phone.done'))

    // The desktop goes on as after any fresh sign-in: consent, then back at the portal.
    await expect(page.getByTestId('oidc-consent')).toBeVisible()
    await expect(page.getByTestId('oidc-portal-name')).toHaveText(PORTAL_NAME.kk)
    await page.getByTestId('oidc-allow').click()
    await expect(page).toHaveURL(`${portal.url}/`)
    await expect(page.getByTestId('portal-signed-in')).toBeVisible()
    await expect(page.locator('[data-claim="name"]')).toHaveText(PERSON.name)
    await expect(page.locator('[data-claim="amr"]')).toContainText('swk')
    await expect(page.locator('[data-claim="sub"]')).toHaveText(/\S{8,}/)
    // The token names the very certificate the phone signed with.
    await expect(page.locator('[data-claim="x5t#S256"]')).toHaveText(thumbprint)
    await mobile.close()
  })
})
