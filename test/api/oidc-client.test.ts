/**
 * The PWA's portal sign-in client (src/api/oidc-client.ts) against the real provider (PGlite),
 * walking a portal's authorization request the way /authorize/:uid does: the interaction names
 * the portal and the claims; the login step wants a fresh certificate sign-in, then hands it over;
 * the consent (remembered) returns to the portal with a code and shows in "my consents" until
 * withdrawn; Deny returns access_denied; a portal that requires a token refuses a software key;
 * an unknown interaction is ERR_INTERACTION_NOT_FOUND; the operator lists, disables and enables
 * portals. Every refusal arrives as its stable code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as oidc from 'openid-client'
import { createOidcClient, portalName, type OidcClient } from '../../src/api/oidc-client.ts'
import { startOidcServer, rp, TestBrowser, uidOf, type OidcTestServer } from '../server/oidc/oidc-fixture.ts'

const PORTAL = 'pwa-client-portal'
const REDIRECT = 'http://localhost:9/cb'
let server: OidcTestServer

beforeAll(async () => {
  server = await startOidcServer('pglite')
  await server.addPortal({ clientId: PORTAL, redirectUris: [REDIRECT], scopes: ['openid', 'profile', 'certificate'] })
  await server.addPortal({ clientId: 'pwa-client-hwk', redirectUris: [REDIRECT], requireHardwareKey: true })
}, 120_000)
afterAll(async () => {
  await server?.close()
})

/** A browser and the PWA's client speaking through its cookie jar. */
function browserWithClient(): { browser: TestBrowser; client: OidcClient } {
  const browser = new TestBrowser(server)
  const client = createOidcClient({ baseUrl: server.issuer, fetch: (input, init) => browser.fetch(String(input), init) })
  return { browser, client }
}

/** Starts a portal's authorization request and follows it to the PWA's interaction uid. */
async function authorize(browser: TestBrowser, clientId: string, scope = 'openid profile certificate'): Promise<string> {
  const config = await rp(server, clientId)
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    nonce: oidc.randomNonce(),
  })
  const at = await browser.navigate(url.href)
  expect(new URL(at.url).pathname).toMatch(/^\/authorize\//)
  return uidOf(at.url)
}

/** Where the browser lands after an answer (the provider, then the portal). */
async function follow(browser: TestBrowser, redirectTo: string): Promise<URL> {
  return new URL((await browser.navigate(new URL(redirectTo, server.issuer).href)).url)
}

describe('createOidcClient', () => {
  it('login (fresh sign-in required) → consent remembered → back at the portal; listed and withdrawn in my consents', async () => {
    const { browser, client } = browserWithClient()
    const person = await server.person('900101300017')
    const uid = await authorize(browser, PORTAL)

    const login = await client.interaction(uid)
    expect(login).toMatchObject({ uid, prompt: 'login', requireHardwareKey: false, signedIn: null })
    expect(login.client).toMatchObject({ clientId: PORTAL, name: { ru: `Портал ${PORTAL}` } })
    expect(portalName(login.client.name, 'kk')).toBe(`${PORTAL} порталы`)
    expect(login.claims).toEqual(expect.arrayContaining(['sub', 'name', 'x5t#S256']))
    await expect(client.login(uid)).rejects.toMatchObject({ code: 'ERR_FRESH_SIGNIN_REQUIRED' })

    await browser.signIn(person)
    const consentAt = await follow(browser, (await client.login(uid)).redirectTo)
    const consentUid = uidOf(consentAt.href)
    const consent = await client.interaction(consentUid)
    expect(consent.prompt).toBe('consent')
    expect(consent.signedIn?.name).toBe('Тестов Тест Тестович')
    const back = await follow(browser, (await client.consent(consentUid, true)).redirectTo)
    expect(back.origin + back.pathname).toBe(REDIRECT)
    expect(back.searchParams.get('code')).toBeTruthy()

    const mine = await client.myConsents()
    expect(mine.map((c) => c.clientId)).toEqual([PORTAL])
    expect(mine[0]!.claims).toEqual(expect.arrayContaining(['sub', 'name']))
    await client.withdrawConsent(PORTAL)
    expect(await client.myConsents()).toEqual([])
  })

  it('Deny sends access_denied to the portal', async () => {
    const { browser, client } = browserWithClient()
    const uid = await authorize(browser, PORTAL)
    const back = await follow(browser, (await client.abort(uid)).redirectTo)
    expect(back.searchParams.get('error')).toBe('access_denied')
  })

  it('a portal that requires a hardware token refuses a software key', async () => {
    const { browser, client } = browserWithClient()
    const uid = await authorize(browser, 'pwa-client-hwk', 'openid')
    expect((await client.interaction(uid)).requireHardwareKey).toBe(true)
    await browser.signIn(await server.person('850315300019'))
    await expect(client.login(uid)).rejects.toMatchObject({ code: 'ERR_HARDWARE_KEY_REQUIRED', details: { status: 403 } })
  })

  it('an unknown interaction is ERR_INTERACTION_NOT_FOUND; my consents need a session; offline is ERR_NETWORK', async () => {
    const { client } = browserWithClient()
    await expect(client.interaction('no-such-interaction')).rejects.toMatchObject({ code: 'ERR_INTERACTION_NOT_FOUND' })
    await expect(client.myConsents()).rejects.toMatchObject({ code: 'ERR_SESSION_REQUIRED' })
    const offline = createOidcClient({ baseUrl: server.issuer, fetch: () => Promise.reject(new TypeError('Failed to fetch')) })
    await expect(offline.interaction('x')).rejects.toMatchObject({ code: 'ERR_NETWORK' })
  })

  it('the operator lists portals, disables one with a reason and enables it again', async () => {
    const cookie = await server.operatorCookie()
    const client = createOidcClient({
      baseUrl: server.issuer,
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } }),
    })
    const portals = await client.portals()
    expect(portals.find((p) => p.clientId === PORTAL)).toMatchObject({ disabled: false, redirectUris: [REDIRECT], authMethod: 'none' })
    expect((await client.setPortalDisabled(PORTAL, true, 'test: contract ended')).disabled).toBe(true)
    const { browser } = browserWithClient()
    const config = await rp(server, PORTAL)
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' })
    expect(new URL((await browser.navigate(url.href)).url).pathname).not.toMatch(/^\/authorize\//)
    expect((await client.setPortalDisabled(PORTAL, false)).disabled).toBe(false)
    await expect(createOidcClient({ baseUrl: server.issuer }).portals()).rejects.toMatchObject({ code: 'ERR_SESSION_REQUIRED' })
  })
})
