/**
 * Signing in to a portal with a certificate (issue 15), in Kazakh and in Russian: the demo portal
 * (examples/portal, openid-client as the relying party) registered with `qoltanba client add` on a
 * Registration Center of its own (operator-fixtures.ts). "Sign in with a certificate" at the portal
 * → the PWA's /authorize/:uid names the portal and signs in with a certificate from a browser
 * container → consent with the claims in words → back at the portal with the claims; after a
 * sign-out at the portal (RP-initiated logout) the next visit asks no consent; withdrawn in the
 * cabinet, it is asked again. A revoked certificate is refused in words and the portal hears
 * access_denied when the person gives up. A portal that requires a hardware token refuses a key
 * file and accepts the key on a SoftHSM2 token through our agent (amr hwk). The operator disables
 * the portal (its sign-ins stop) and enables it again. One server and portal for the file (the
 * hardware-token portal is a second client of its own).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { startPortal } from '../../examples/portal/portal.ts'
import { test as base, expect, expectAccessible, pageHeading } from './operator-fixtures.ts'
import { message, signInWithKeyFile } from './handover-helpers.ts'

const PASSWORD = 'Portal-e2e-2026'
const PORTAL_NAME = { kk: 'Демо портал', ru: 'Демо-портал', en: 'Demo portal' } as const

/**
 * Persons of server/registry/demo-persons.json whose server-side lists no other consoleServer
 * spec counts (revoke.spec works on the browser's list only), and how the claims name them.
 */
const CASES = [
  { locale: 'kk', iin: '880530300013', name: 'Иванов Сергей Петрович' },
  { locale: 'ru', iin: '950918400014', name: 'Әлімжанова Жанар' },
] as const

interface Portal {
  readonly url: string
  readonly clientId: string
}

const test = base.extend<object, { portal: Portal }>({
  portal: [
    async ({ consoleServer }, use) => {
      const port = Number(process.env.QOLTANBA_E2E_PORT ?? 4173) + 30
      const url = `http://localhost:${port}`
      const registered = JSON.parse(
        consoleServer.cli([
          'client', 'add', '--json',
          '--name-kk', PORTAL_NAME.kk, '--name-ru', PORTAL_NAME.ru, '--name-en', PORTAL_NAME.en,
          '--redirect-uri', `${url}/callback`,
          '--post-logout-redirect-uri', `${url}/`,
          '--backchannel-logout-uri', `${url}/backchannel-logout`,
          '--scope', 'openid', '--scope', 'profile', '--scope', 'certificate',
          '--auth-method', 'client_secret_basic',
          // Not reachable here: the screens must do without it (and the CSP must let it try).
          '--logo-uri', 'https://portal.example.invalid/logo.png',
        ]),
      ) as { clientId: string; clientSecret: string }
      const { server } = await startPortal({
        issuer: consoleServer.url,
        clientId: registered.clientId,
        clientSecret: registered.clientSecret,
        port,
        scope: 'openid profile certificate',
      })
      await use({ url, clientId: registered.clientId })
      await new Promise((resolve) => server.close(resolve))
    },
    { scope: 'worker', timeout: 60_000 },
  ],
})

/** The portal's login step: goes on as the signed-in person when offered, else signs in with the container. */
async function signInOnLoginStep(page: Page): Promise<void> {
  const goOn = page.getByTestId('oidc-continue')
  const password = page.getByTestId('signin-password')
  await expect(goOn.or(password)).toBeVisible()
  if (await goOn.isVisible()) {
    await goOn.click()
    return
  }
  await password.fill(PASSWORD)
  await page.getByTestId('signin-submit').click()
}

/** Signs out at the portal; the provider asks first (against forced sign-out) and comes back. */
async function signOutAtPortal(page: Page, portal: Portal): Promise<void> {
  await page.getByTestId('portal-signout').click()
  await page.getByRole('button', { name: 'Иә · Да · Yes' }).click()
  await expect(page).toHaveURL(`${portal.url}/`)
  await expect(page.getByTestId('portal-signin')).toBeVisible()
}

for (const person of CASES) {
  const { locale } = person
  const m = (key: string, values: Record<string, string> = {}) => message(locale, key, values)

  test.describe(`portal sign-in (${locale})`, () => {
    test.use({ appLocale: locale })

    test('portal → certificate → consent → claims; remembered on the next visit; withdrawn, asked again', async ({ page, consoleServer: server, portal }) => {
      test.slow()
      const application = await server.submit(person.iin)
      await server.approve(application.number)
      const p12 = await server.pkcs12(application, 'auth', PASSWORD)
      await page.goto(`${server.url}/certificates`)
      await page.getByTestId('open-import').click()
      const dialog = page.getByTestId('import-dialog')
      await dialog.getByTestId('import-file').setInputFiles(p12)
      await dialog.getByTestId('import-password').fill(PASSWORD)
      await dialog.getByTestId('import-submit').click()
      await dialog.getByTestId('import-result').getByTestId('import-close').click()

      // The portal sends the browser to the PWA, which names the portal in the person's language.
      await page.goto(portal.url)
      await page.getByTestId('portal-signin').click()
      await expect(page).toHaveURL(/\/authorize\/[\w-]+$/)
      await expect(await pageHeading(page)).toHaveText(m('oidc.authorize.title'))
      await expect(page.getByTestId('oidc-portal-name')).toHaveText(PORTAL_NAME[locale])
      await expect(page.getByTestId('oidc-portal')).toContainText(m('oidc.authorize.asks_login', { portal: PORTAL_NAME[locale] }))
      await expectAccessible(page, `portal login (${locale})`)
      await signInOnLoginStep(page)

      // Consent: the portal and what it receives, in words.
      await expect(page.getByTestId('oidc-consent')).toBeVisible()
      await expect(page.getByTestId('oidc-portal-name')).toHaveText(PORTAL_NAME[locale])
      await expect(page.getByTestId('oidc-claims').locator('li')).toHaveText([m('oidc.claims.sub'), m('oidc.claims.names'), m('oidc.claims.certificate')])
      await expect(page.getByTestId('oidc-remember')).toBeChecked()
      await expectAccessible(page, `consent (${locale})`)
      // On a phone nothing runs off the screen.
      await page.setViewportSize({ width: 375, height: 812 })
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
      await page.getByTestId('oidc-allow').click()

      // Back at the portal with the claims.
      await expect(page.getByTestId('portal-signed-in')).toBeVisible()
      await expect(page).toHaveURL(`${portal.url}/`)
      await expect(page.locator('[data-claim="name"]')).toHaveText(person.name)
      await expect(page.locator('[data-claim="amr"]')).toContainText('swk')
      await expect(page.locator('[data-claim="iin"]')).toHaveCount(0)
      const sub = await page.locator('[data-claim="sub"]').textContent()
      expect(sub).toMatch(/\S{8,}/)

      // The next visit, after signing out at the portal, signs in again but asks no consent.
      await signOutAtPortal(page, portal)
      await page.getByTestId('portal-signin').click()
      await signInOnLoginStep(page)
      await expect(page.getByTestId('portal-signed-in')).toBeVisible()
      await expect(page.locator('[data-claim="sub"]')).toHaveText(sub!)

      // Withdrawn in the cabinet, the consent is asked again.
      await page.goto(`${server.url}/cabinet`)
      const consent = page.getByTestId('cabinet-consent').filter({ hasText: PORTAL_NAME[locale] })
      await expect(consent.getByTestId('oidc-claims').locator('li')).toHaveCount(3)
      await expectAccessible(page, `cabinet consents (${locale})`)
      await consent.getByTestId('cabinet-consent-withdraw').click()
      await expect(page.getByTestId('cabinet-consents-empty')).toHaveText(m('oidc.consents.empty'))
      await page.goto(portal.url)
      await signOutAtPortal(page, portal)
      await page.getByTestId('portal-signin').click()
      await signInOnLoginStep(page)
      await expect(page.getByTestId('oidc-consent')).toBeVisible()
      await page.getByTestId('oidc-allow').click()
      await expect(page.locator('[data-claim="sub"]')).toHaveText(sub!)
    })

    test('a revoked certificate is refused in words; giving up tells the portal access_denied; an expired request says so', async ({ page, consoleServer: server, portal }) => {
      const application = await server.submit(person.iin)
      await server.approve(application.number)
      const auth = (await server.certificates(application)).certificates.find((c) => c.purpose === 'auth')!
      const revoked = await fetch(`${server.url}/api/v1/operator/certificates/${auth.serial}/revoke`, {
        method: 'POST',
        headers: { cookie: server.operatorCookie, 'content-type': 'application/json' },
        body: '{"reason":1}',
      })
      expect(revoked.ok).toBe(true)
      const p12 = await server.pkcs12(application, 'auth', PASSWORD)

      await page.goto(portal.url)
      await page.getByTestId('portal-signin').click()
      await expect(page.getByTestId('oidc-login')).toBeVisible()
      await signInWithKeyFile(page, p12, PASSWORD)
      await expect(page.getByTestId('signin-methods')).toContainText(m('errors.ERR_CERT_REVOKED'))
      await expectAccessible(page, `revoked (${locale})`)
      await page.getByTestId('oidc-cancel').click()
      await expect(page.getByTestId('portal-error')).toContainText('access_denied')

      await page.goto(`${server.url}/authorize/no-such-request`)
      await expect(page.getByTestId('oidc-authorize')).toContainText(m('errors.ERR_INTERACTION_NOT_FOUND'))
      await expect(page.getByTestId('oidc-expired')).toHaveText(m('oidc.authorize.expired_hint'))
    })
  })
}

const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so'
const TOKEN_PIN = '246810'

/**
 * A SoftHSM2 token holding `keyPem` and `certPem` (CKA_ID b1, written by pkcs11-tool, not our
 * code) and our agent serving it on the development port the PWA on http://localhost uses.
 */
async function tokenWithAgent(keyPem: string, certPem: string): Promise<{ output: () => string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'qoltanba-e2e-oidc-token-'))
  mkdirSync(join(dir, 'tokens'))
  writeFileSync(join(dir, 'softhsm2.conf'), `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`)
  const env = { ...process.env, SOFTHSM2_CONF: join(dir, 'softhsm2.conf') }
  const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: dir, env, stdio: 'pipe' })
  writeFileSync(join(dir, 'key.pem'), keyPem)
  writeFileSync(join(dir, 'cert.pem'), certPem)
  sh('softhsm2-util', ['--init-token', '--free', '--label', 'citizen', '--so-pin', '1234', '--pin', TOKEN_PIN])
  sh('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', 'key.pem', '-outform', 'DER', '-out', 'key.der'])
  sh('openssl', ['x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.der'])
  const p11 = ['--module', SOFTHSM_MODULE, '--token-label', 'citizen', '--login', '--pin', TOKEN_PIN]
  sh('pkcs11-tool', [...p11, '--write-object', 'key.der', '--type', 'privkey', '--id', 'b1', '--label', 'auth'])
  sh('pkcs11-tool', [...p11, '--write-object', 'cert.der', '--type', 'cert', '--id', 'b1', '--label', 'auth cert'])
  const agent: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'agent/main.ts'], {
    env: { ...env, QOLTANBA_AGENT_DIR: join(dir, 'agent'), QOLTANBA_AGENT_MODULES: `softhsm=${SOFTHSM_MODULE}`, QOLTANBA_AGENT_TLS_PORT: 'off', QOLTANBA_AGENT_PLAIN_PORT: '13591' },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  agent.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  agent.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  await expect.poll(() => output, { timeout: 30_000 }).toMatch(/listening on ws:\/\/127\.0\.0\.1:13591\//)
  return {
    output: () => output,
    async stop() {
      if (agent.exitCode === null) {
        const exited = new Promise((resolve) => agent.once('exit', resolve))
        agent.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

test.describe("the portal's ui_locales", () => {
  test("starts in the portal's first language we have, unless the person chose one in this browser", async ({ browser, consoleServer: server, portal }) => {
    /** Our authorization endpoint as the portal would call it, with `uiLocales`. */
    const authorize = (uiLocales: string) => {
      const url = new URL(`${server.url}/oidc/auth`)
      const params = {
        client_id: portal.clientId, response_type: 'code', redirect_uri: `${portal.url}/callback`, scope: 'openid', state: 'ui-locales',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', ui_locales: uiLocales,
      }
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
      return url.href
    }
    // A browser that never chose a language (and prefers English, which is never picked by itself).
    const fresh = await browser.newContext({ locale: 'en-US' })
    const page = await fresh.newPage()
    await page.goto(authorize('de ru-RU kk'))
    await expect(page).toHaveURL(/\/authorize\//)
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
    await expect(page.locator('#main h1')).toHaveText(message('ru', 'oidc.authorize.title'))
    // Followed for this visit only, not remembered as the person's choice.
    expect(await page.evaluate(() => localStorage.getItem('qoltanba.locale'))).toBeNull()
    await fresh.close()

    // The person chose Kazakh in this browser: the portal's Russian does not override it.
    const chosen = await browser.newContext({ locale: 'en-US' })
    await chosen.addInitScript(() => localStorage.setItem('qoltanba.locale', 'kk'))
    const other = await chosen.newPage()
    await other.goto(authorize('ru'))
    await expect(other.getByTestId('oidc-authorize')).toBeVisible()
    await expect(other.locator('#main h1')).toHaveText(message('kk', 'oidc.authorize.title'))
    await expect(other.locator('html')).toHaveAttribute('lang', 'kk')
    await chosen.close()
  })
})

test.describe('a portal that requires a hardware token (kk)', () => {
  test.use({ appLocale: 'kk' })

  test('refuses a key file, accepts the key on a token through our agent (amr hwk)', async ({ page, consoleServer: server }) => {
    test.slow()
    const m = (key: string, values: Record<string, string> = {}) => message('kk', key, values)
    const iin = '880530300013'
    // An application declared on a token (its keys go onto the SoftHSM2 token once issued), and one with key files.
    const onToken = await server.submit(iin, 'token')
    await server.approve(onToken.number)
    const tokenCert = (await server.certificates(onToken)).certificates.find((c) => c.purpose === 'auth')!
    const asFile = await server.submit(iin)
    await server.approve(asFile.number)
    const p12 = await server.pkcs12(asFile, 'auth', PASSWORD)

    const port = Number(process.env.QOLTANBA_E2E_PORT ?? 4173) + 31
    const registered = JSON.parse(
      server.cli(['client', 'add', '--json', '--name-kk', 'Токен порталы', '--name-ru', 'Портал с токеном', '--name-en', 'Token portal',
        '--redirect-uri', `http://localhost:${port}/callback`, '--scope', 'openid', '--scope', 'profile', '--auth-method', 'client_secret_basic', '--require-hwk']),
    ) as { clientId: string; clientSecret: string }
    const portal = await startPortal({ issuer: server.url, clientId: registered.clientId, clientSecret: registered.clientSecret, port, requireHardwareKey: true })
    const token = await tokenWithAgent(onToken.keys.auth, tokenCert.pem)
    try {
      await page.goto(portal.url)
      await page.getByTestId('portal-signin').click()
      await expect(page.getByTestId('oidc-hardware-required')).toHaveText(m('oidc.authorize.hardware_required'))

      // A key file signs in to Qoltanba, but the portal refuses it.
      await signInWithKeyFile(page, p12, PASSWORD)
      await expect(page.getByTestId('oidc-authorize')).toContainText(m('errors.ERR_HARDWARE_KEY_REQUIRED'))
      await expectAccessible(page, 'hardware key required')

      // The token through our agent: pair this site once, then the PIN.
      const section = page.getByTestId('signin-token')
      const seen = token.output().length
      await section.getByTestId('token-pair').click()
      const dialog = page.getByTestId('agent-pairing-dialog')
      await expect(dialog).toBeVisible()
      await expect.poll(() => /Code: (\d{6})/.exec(token.output().slice(seen))?.[1] ?? null).not.toBeNull()
      await dialog.getByTestId('agent-pairing-code').fill(/Code: (\d{6})/.exec(token.output().slice(seen))![1]!)
      await dialog.getByTestId('agent-pairing-confirm').click()
      await expect(dialog).toBeHidden()
      // The token list reads the paired agent at once (no reload: it used to say "no certificates").
      await expect(section.getByRole('radio')).toHaveCount(1)
      await section.getByTestId('signin-token-pin').fill(TOKEN_PIN)
      await section.getByTestId('signin-token-submit').click()
      await expect(page.getByTestId('oidc-consent')).toBeVisible({ timeout: 30_000 })
      await page.getByTestId('oidc-allow').click()
      await expect(page.getByTestId('portal-signed-in')).toBeVisible()
      await expect(page.locator('[data-claim="amr"]')).toContainText('hwk')
      await expect(page.locator('[data-claim="acr"]')).toHaveText('urn:qoltanba:acr:hwk')
    } finally {
      await token.stop()
      await new Promise((resolve) => portal.server.close(resolve))
    }
  })
})

// Last: it disables the portal the tests above use (and enables it again).
test.describe('portals in the operator console (kk)', () => {
  test.use({ appLocale: 'kk' })

  test('lists the registered portal, disables it with a reason (its sign-ins stop), enables it again', async ({ page, context, consoleServer: server, portal }) => {
    const m = (key: string, values: Record<string, string> = {}) => message('kk', key, values)
    await page.goto(`${server.url}/operator/portals`)
    await signInWithKeyFile(page, server.demoOperator.p12, server.demoOperator.password)
    await expect(await pageHeading(page)).toHaveText(m('oidc.operator.title'))
    const row = page.getByTestId(`oidc-client-${portal.clientId}`)
    await expect(row.getByRole('heading')).toHaveText(PORTAL_NAME.kk)
    await expect(row).toContainText(`${portal.url}/callback`)
    await expectAccessible(page, 'operator portals')

    // A reason is required, then the portal is disabled and its sign-ins are refused.
    await page.getByTestId(`oidc-client-disable-${portal.clientId}`).click()
    await page.getByTestId('oidc-client-disable-confirm').click()
    await expect(row).toContainText(m('oidc.operator.reason_required'))
    await row.getByTestId('oidc-client-reason').fill('e2e: шарт аяқталды')
    await page.getByTestId('oidc-client-disable-confirm').click()
    await expect(page.getByTestId('oidc-client-notice')).toHaveText(m('oidc.operator.disabled_done', { portal: PORTAL_NAME.kk }))
    await expect(page.getByTestId(`oidc-client-state-${portal.clientId}`)).toHaveText(m('oidc.operator.disabled'))
    const visitor = await context.newPage()
    await visitor.goto(portal.url)
    await visitor.getByTestId('portal-signin').click()
    await expect(visitor.getByTestId('oidc-authorize')).toHaveCount(0)
    await expect(visitor.locator('body')).toContainText('invalid_client')

    await page.getByTestId(`oidc-client-enable-${portal.clientId}`).click()
    await expect(page.getByTestId('oidc-client-notice')).toHaveText(m('oidc.operator.enabled_done', { portal: PORTAL_NAME.kk }))
    await expect(page.getByTestId(`oidc-client-state-${portal.clientId}`)).toHaveText(m('oidc.operator.active'))
    await visitor.goto(portal.url)
    await visitor.getByTestId('portal-signin').click()
    await expect(visitor.getByTestId('oidc-login')).toBeVisible()
  })
})
