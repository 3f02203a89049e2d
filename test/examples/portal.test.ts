/**
 * The demo portal (examples/portal) against the real provider (PGlite): its "Sign in with a
 * certificate" walks the code flow with PKCE through the PWA's interaction API, its page shows the
 * claims, a second visit asks nothing, and its sign-out is RP-initiated logout, after which the
 * provider's back-channel logout ends the portal's other sessions of that sign-in; a token it
 * cannot verify against the provider's JWKS is refused.
 */
import { createServer, type AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPortal } from '../../examples/portal/portal.ts'
import { startOidcServer, TestBrowser, walkInteraction, type OidcTestServer } from '../server/oidc/oidc-fixture.ts'

let server: OidcTestServer
let portal: { url: string; server: Server }

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => resolve(port))
    })
  })
}

beforeAll(async () => {
  server = await startOidcServer('pglite')
  const port = await freePort()
  const base = `http://localhost:${port}`
  const { clientId, secret } = await server.addPortal({
    clientId: 'demo-portal',
    authMethod: 'client_secret_basic',
    redirectUris: [`${base}/callback`],
    postLogoutRedirectUris: [`${base}/`],
    backchannelLogoutUri: `${base}/backchannel-logout`,
    scopes: ['openid', 'profile'],
  })
  portal = await startPortal({ issuer: server.issuer, clientId, clientSecret: secret!, port })
}, 120_000)
afterAll(async () => {
  await new Promise((resolve) => portal?.server.close(resolve))
  await server?.close()
})

/** Signs in at the portal in `browser`; resolves with the portal page's HTML. */
async function signInAtPortal(browser: TestBrowser, person: Awaited<ReturnType<OidcTestServer['person']>>): Promise<string> {
  const start = await browser.fetch(`${portal.url}/login`)
  expect(start.status).toBe(302)
  const callback = await walkInteraction(browser, start.headers.get('location')!, person)
  expect(callback.origin + callback.pathname).toBe(`${portal.url}/callback`)
  const done = await browser.fetch(callback.href)
  expect(done.status).toBe(303)
  return (await browser.fetch(`${portal.url}/`)).text()
}

describe('examples/portal', () => {
  it('signs in with the code flow and shows the claims; a second visit asks nothing; its sign-out is RP-initiated logout', async () => {
    const browser = new TestBrowser(server)
    const person = await server.person('900101300017')
    const page = await signInAtPortal(browser, person)
    expect(page).toContain('data-testid="portal-signed-in"')
    expect(page).toContain('<td data-claim="name">Тестов Тест Тестович</td>')
    expect(page).toContain('<td data-claim="acr">urn:qoltanba:acr:swk</td>')
    const sub = /<td data-claim="sub">([^<]{8,})<\/td>/.exec(page)![1]
    const first = browser.jar.get('portal')!

    // A second portal session of the same sign-in: no login, no consent (remembered), same sub.
    const steps: string[] = []
    const start = await browser.fetch(`${portal.url}/login`)
    const callback = await walkInteraction(browser, start.headers.get('location')!, person, { steps })
    expect(steps).toEqual([])
    await browser.fetch(callback.href)
    expect(browser.jar.get('portal')).not.toBe(first)
    expect(await (await browser.fetch(`${portal.url}/`)).text()).toContain(`<td data-claim="sub">${sub}</td>`)

    // Sign-out at the portal: RP-initiated logout with the ID token, confirmed at the provider,
    // back at the portal signed out.
    const out = await browser.fetch(`${portal.url}/logout`, { method: 'POST' })
    expect(out.status).toBe(303)
    const end = new URL(out.headers.get('location')!)
    expect(end.origin + end.pathname).toBe(`${server.issuer}/oidc/session/end`)
    expect(end.searchParams.get('id_token_hint')).toBeTruthy()
    const html = await (await browser.fetch(end.href)).text()
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!
    const action = /action="([^"]+)"/.exec(html)![1]!
    const confirmed = await browser.fetch(new URL(action, server.issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    })
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe(`${portal.url}/`)
    expect(await (await browser.fetch(`${portal.url}/`)).text()).toContain('data-testid="portal-signin"')
    // The provider's session ended too: the next sign-in asks for the certificate again.
    const again = await browser.fetch(`${portal.url}/login`)
    const againSteps: string[] = []
    await walkInteraction(browser, again.headers.get('location')!, person, { steps: againSteps })
    expect(againSteps[0]).toBe('login')
  })

  it("the provider's back-channel logout ends the portal's other sessions of that sign-in", async () => {
    const browser = new TestBrowser(server)
    const person = await server.person('850315300019')
    expect(await signInAtPortal(browser, person)).toContain('data-testid="portal-signed-in"')
    const first = browser.jar.get('portal')!
    // A second portal session of the same provider session; its sign-out is confirmed at the provider.
    expect(await signInAtPortal(browser, person)).toContain('data-testid="portal-signed-in"')
    const out = await browser.fetch(`${portal.url}/logout`, { method: 'POST' })
    const html = await (await browser.fetch(out.headers.get('location')!)).text()
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!
    const action = /action="([^"]+)"/.exec(html)![1]!
    await browser.fetch(new URL(action, server.issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    })
    // The logout token (verified against the JWKS) named the sid: the first session is gone too.
    browser.jar.set('portal', first)
    await expect.poll(async () => (await browser.fetch(`${portal.url}/`)).text()).toContain('data-testid="portal-signin"')
  })

  it('refuses a logout token it cannot verify', async () => {
    const forged = ['{"alg":"none"}', '{"iss":"x","events":{}}'].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.'
    const r = await fetch(`${portal.url}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: forged }).toString(),
    })
    expect(r.status).toBe(400)
  })

  it('an access_denied answer is shown, not thrown', async () => {
    const r = await fetch(`${portal.url}/callback?error=access_denied&state=unknown`)
    expect(r.status).toBe(400)
    expect(await r.text()).toContain('access_denied')
  })
})
