/**
 * The portal's `ui_locales` reaches the PWA's interaction API reduced to the languages we have, in
 * the portal's order (the PWA's /authorize/:uid starts in the first one when the person has not
 * chosen a language in that browser).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as oidc from 'openid-client'
import { supportedUiLocales } from '../../../server/oidc/interaction-routes.ts'
import { startOidcServer, TestBrowser, uidOf, type OidcTestServer } from './oidc-fixture.ts'

const CB = 'http://localhost:9/cb'

describe('ui_locales of a portal sign-in', () => {
  let server: OidcTestServer

  beforeAll(async () => {
    server = await startOidcServer('pglite')
    await server.addPortal({ clientId: 'pub', scopes: ['openid'] })
  }, 120_000)
  afterAll(async () => server?.close())

  async function uiLocalesOf(uiLocales: string | null): Promise<unknown> {
    const browser = new TestBrowser(server)
    const url = new URL(`${server.issuer}/oidc/auth`)
    const params = { client_id: 'pub', response_type: 'code', redirect_uri: CB, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
    if (uiLocales !== null) url.searchParams.set('ui_locales', uiLocales)
    const at = await browser.navigate(url.href)
    expect(at.url).toContain('/authorize/')
    const details = await browser.api('GET', `/api/v1/oidc/interactions/${uidOf(at.url)}`)
    expect(details.status).toBe(200)
    return details.json.uiLocales
  }

  it('passes the supported ones in the portal order, none when absent or unsupported', async () => {
    expect(await uiLocalesOf('de ru-RU kk en')).toEqual(['ru', 'kk', 'en'])
    expect(await uiLocalesOf('kk-KZ')).toEqual(['kk'])
    expect(await uiLocalesOf('de fr')).toEqual([])
    expect(await uiLocalesOf(null)).toEqual([])
  })

  it('reads tags case-insensitively and once each', () => {
    expect(supportedUiLocales('EN-gb en RU')).toEqual(['en', 'ru'])
    expect(supportedUiLocales(undefined)).toEqual([])
    expect(supportedUiLocales(['ru'])).toEqual([])
  })
})
