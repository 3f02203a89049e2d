/**
 * Every refusal of the OpenID Connect provider is a proper OAuth/OIDC error (or a stable API code
 * on the PWA's interaction API), never a 500, and changes nothing: unknown portal, redirect URI not
 * registered (exact match), missing or wrong PKCE verifier, code reuse (which revokes the first
 * use's tokens), an expired code, a revoked or held certificate, a software key where the portal
 * requires a hardware token — and the hardware token accepted. PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as oidc from 'openid-client'
import { ENGINES } from '../helpers/database.ts'
import type { OperatorCertificate } from '../../../server/operators/credential.ts'
import { ACR_HARDWARE_KEY } from '../../../server/oidc/claims.ts'
import { oidcDb } from '../../../server/oidc/schema.ts'
import { codeFlow, markIssuedOnToken, rp, startOidcServer, TestBrowser, uidOf, walkInteraction, type OidcTestServer } from './oidc-fixture.ts'

const CB = 'http://localhost:9/cb'

describe.each(ENGINES)('OpenID Connect refusals (%s)', (engine) => {
  let server: OidcTestServer
  let abai: OperatorCertificate
  let config: oidc.Configuration

  beforeAll(async () => {
    server = await startOidcServer(engine)
    abai = await server.person('850315300019')
    await server.addPortal({ clientId: 'pub', scopes: ['openid', 'profile'] })
    await server.addPortal({ clientId: 'hwk-portal', scopes: ['openid', 'profile'], requireHardwareKey: true })
    config = await rp(server, 'pub')
  }, 120_000)
  afterAll(async () => server?.close())

  /** An authorization URL of `pub` with PKCE unless `params` says otherwise. */
  async function authUrl(params: Record<string, string> = {}, clientId = 'pub') {
    const verifier = oidc.randomPKCECodeVerifier()
    const url = new URL(`${server.issuer}/oidc/auth`)
    const all = { client_id: clientId, response_type: 'code', redirect_uri: CB, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params }
    for (const [k, v] of Object.entries(all)) if (v !== '') url.searchParams.set(k, v)
    return { url: url.href, verifier }
  }

  /** Starts an interaction and returns its uid (the browser lands on /authorize/:uid). */
  async function startInteraction(browser: TestBrowser, params: Record<string, string> = {}, clientId = 'pub') {
    const at = await browser.navigate((await authUrl(params, clientId)).url)
    expect(at.url).toContain('/authorize/')
    return uidOf(at.url)
  }

  it('unknown portal and unregistered redirect URI: an error page, no redirect', async () => {
    for (const [params, clientId, error] of [
      [{}, 'nobody', 'invalid_client'],
      [{ redirect_uri: 'http://localhost:9/cb/' }, 'pub', 'invalid_redirect_uri'],
      [{ redirect_uri: 'http://localhost:9/other' }, 'pub', 'invalid_redirect_uri'],
      [{ redirect_uri: 'http://evil.example/cb' }, 'pub', 'invalid_redirect_uri'],
    ] as const) {
      const r = await fetch((await authUrl(params, clientId)).url, { redirect: 'manual' })
      expect(r.status).toBe(400)
      expect(r.headers.get('location')).toBeNull()
      expect(await r.text()).toContain(error)
    }
    const token = await fetch(`${server.issuer}/oidc/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: 'nobody', redirect_uri: CB, code_verifier: 'x'.repeat(43) }) })
    expect(token.status).toBe(401)
    expect(await token.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('implicit and hybrid response types, no PKCE, plain PKCE: sent back to the portal as errors', async () => {
    for (const [params, error] of [
      [{ response_type: 'id_token', nonce: 'n' }, 'unsupported_response_type'],
      [{ response_type: 'code id_token', nonce: 'n' }, 'unsupported_response_type'],
      [{ code_challenge: '', code_challenge_method: '' }, 'invalid_request'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
    ] as const) {
      const r = await fetch((await authUrl(params)).url, { redirect: 'manual' })
      const location = new URL(r.headers.get('location')!)
      expect(`${location.origin}${location.pathname}`).toBe(CB)
      // An implicit/hybrid request's default response mode is the fragment.
      const answer = location.searchParams.has('error') ? location.searchParams : new URLSearchParams(location.hash.slice(1))
      expect(answer.get('error')).toBe(error)
      expect(answer.get('iss')).toBe(server.issuer)
    }
  })

  it('a wrong PKCE verifier, a reused code (the first tokens are revoked), an expired code: invalid_grant', async () => {
    const flow = await codeFlow(config, new TestBrowser(server), abai, { scope: 'openid profile' })
    const userinfo = (token: string) => fetch(`${server.issuer}/oidc/me`, { headers: { authorization: `Bearer ${token}` } })
    expect((await userinfo(flow.tokens.access_token)).status).toBe(200)
    // The same code again: refused, and the tokens it gave stop working.
    await expect(oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedNonce: flow.nonce })).rejects.toMatchObject({ error: 'invalid_grant' })
    expect((await userinfo(flow.tokens.access_token)).status).toBe(401)

    // A fresh code with the wrong verifier, then the same code with the right one after it expired.
    const browser = new TestBrowser(server)
    const { url, verifier } = await authUrl({ scope: 'openid profile' })
    const callback = await walkInteraction(browser, url, abai)
    await expect(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier() })).rejects.toMatchObject({ error: 'invalid_grant' })
    const second = await walkInteraction(browser, (await authUrl({ scope: 'openid profile' })).url, abai)
    await oidcDb(server.t.db).updateTable('oidc_payloads').set({ expires_at: new Date(Date.now() - 1000) }).where('model', '=', 'AuthorizationCode').execute()
    await expect(oidc.authorizationCodeGrant(config, second, { pkceCodeVerifier: verifier })).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('the interaction API: unknown uid 404, no fresh sign-in 401, wrong step 409, abort → access_denied', async () => {
    const browser = new TestBrowser(server)
    expect((await browser.api('GET', '/api/v1/oidc/interactions/unknown-uid')).json.error.code).toBe('ERR_INTERACTION_NOT_FOUND')
    expect((await browser.api('GET', '/api/v1/oidc/interactions/bad%20uid')).status).toBe(400)
    const uid = await startInteraction(browser)
    const details = await browser.api('GET', `/api/v1/oidc/interactions/${uid}`)
    expect(details.json).toMatchObject({ uid, prompt: 'login', client: { clientId: 'pub', name: { ru: 'Портал pub' } }, scopes: ['openid'], claims: ['sub'], requireHardwareKey: false, signedIn: null })
    const noSession = await browser.api('POST', `/api/v1/oidc/interactions/${uid}/login`, {})
    expect(noSession).toMatchObject({ status: 401, json: { error: { code: 'ERR_FRESH_SIGNIN_REQUIRED' } } })
    // A session from long before this interaction is not fresh either.
    await browser.signIn(abai)
    await server.t.db.updateTable('auth_sessions' as never).set({ created_at: new Date(Date.now() - 10 * 60_000) } as never).execute()
    expect((await browser.api('POST', `/api/v1/oidc/interactions/${uid}/login`, {})).json.error.code).toBe('ERR_FRESH_SIGNIN_REQUIRED')
    expect((await browser.api('POST', `/api/v1/oidc/interactions/${uid}/consent`, { remember: false })).json.error.code).toBe('ERR_INVALID_STATE')
    expect((await browser.api('POST', `/api/v1/oidc/interactions/${uid}/consent`, { remember: 'yes' })).status).toBe(400)
    const abort = await browser.api('POST', `/api/v1/oidc/interactions/${uid}/abort`, {})
    const back = await browser.navigate(abort.json.redirectTo)
    expect(new URL(back.url).searchParams.get('error')).toBe('access_denied')
  })

  it('a certificate revoked or held after sign-in is refused at login; revoked, the sign-in itself refuses it', async () => {
    const aigerim = await server.person('920722400013')
    for (const [status, code] of [
      ['hold', 'ERR_CERT_ON_HOLD'],
      ['revoked', 'ERR_CERT_REVOKED'],
    ] as const) {
      const browser = new TestBrowser(server)
      const uid = await startInteraction(browser)
      await browser.signIn(aigerim)
      await server.t.db
        .updateTable('certificates')
        .set({ status, revoked_at: new Date(), revocation_reason: status === 'hold' ? 6 : 1 })
        .where('serial', '=', aigerim.serialHex)
        .execute()
      const r = await browser.api('POST', `/api/v1/oidc/interactions/${uid}/login`, {})
      expect(r).toMatchObject({ status: 403, json: { error: { code } } })
      expect((await browser.api('GET', `/api/v1/oidc/interactions/${uid}`)).json.prompt).toBe('login')
      if (status === 'hold') await server.t.db.updateTable('certificates').set({ status: 'good', revoked_at: null, revocation_reason: null }).where('serial', '=', aigerim.serialHex).execute()
    }
    await expect(new TestBrowser(server).signIn(aigerim)).rejects.toMatchObject({ code: 'ERR_CERT_REVOKED' })
  })

  it('a portal that requires a hardware key refuses a software key and accepts a key on a token', async () => {
    // Registered so, and asked through acr_values on an ordinary portal.
    for (const [clientId, params] of [
      ['hwk-portal', {}],
      ['pub', { acr_values: ACR_HARDWARE_KEY }],
    ] as const) {
      const browser = new TestBrowser(server)
      const uid = await startInteraction(browser, params, clientId)
      await browser.signIn(abai)
      const details = await browser.api('GET', `/api/v1/oidc/interactions/${uid}`)
      expect(details.json).toMatchObject({ requireHardwareKey: true, signedIn: { hardwareKey: false } })
      const r = await browser.api('POST', `/api/v1/oidc/interactions/${uid}/login`, {})
      expect(r).toMatchObject({ status: 403, json: { error: { code: 'ERR_HARDWARE_KEY_REQUIRED' } } })
    }
    // A session signed in with a software key does not carry over to a portal that needs a token.
    const browser = new TestBrowser(server)
    await codeFlow(config, browser, abai, { scope: 'openid' })
    const uid = await startInteraction(browser, {}, 'hwk-portal')
    expect((await browser.api('GET', `/api/v1/oidc/interactions/${uid}`)).json.prompt).toBe('login')

    const token = await server.person('781104300019')
    await markIssuedOnToken(server, token)
    const hwk = await codeFlow(await rp(server, 'hwk-portal'), new TestBrowser(server), token, { scope: 'openid profile' })
    expect(hwk.tokens.claims()).toMatchObject({ amr: ['hwk'], acr: ACR_HARDWARE_KEY })
  })

  it('hostile input to the provider and the interaction API is a 4xx, never a 500', async () => {
    const send = (path: string, init: RequestInit = {}) => fetch(`${server.issuer}${path}`, { redirect: 'manual', ...init })
    const form = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
    const answers = await Promise.all([
      send('/oidc/token', form('grant_type=authorization_code&code=%ZZ&client_id=pub')),
      send('/oidc/token', form(`grant_type=authorization_code&client_id=pub&code=${'x'.repeat(60_000)}`)),
      send('/oidc/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' }),
      send('/oidc/token', form('grant_type=password&username=a&password=b&client_id=pub')),
      send('/oidc/token', form('grant_type=authorization_code&grant_type=refresh_token&client_id=pub')),
      send('/oidc/par', form('client_id=pub&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A9%2Fcb&scope=openid&request=not.a.jwt')),
      send('/oidc/me', { headers: { authorization: 'Bearer not-a-token' } }),
      send('/oidc/me', { headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
      send('/oidc/auth?client_id=pub&client_id=pub&response_type=code'),
      send('/oidc/auth?request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Anope&client_id=pub'),
      send('/oidc/auth/unknown-uid'),
      send('/oidc/session/end?id_token_hint=garbage'),
      send('/oidc/session/end/confirm', form('xsrf=nope&logout=yes')),
      send('/oidc/token/revocation', form('token=x&client_id=nobody')),
      send('/api/v1/oidc/interactions/x/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
      send('/api/v1/oidc/interactions/x/consent', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"remember":true,"extra":1}' }),
      send(`/api/v1/oidc/interactions/${'a'.repeat(200)}`),
    ])
    const statuses = answers.map((r) => r.status)
    expect(statuses.filter((st) => st >= 500)).toEqual([])
    expect(statuses.every((st) => st >= 300)).toBe(true)
  })

  it('a disabled portal: new requests get invalid_client, an interaction in progress is gone; enabled again it works', async () => {
    await server.addPortal({ clientId: 'soon-off', scopes: ['openid'] })
    const browser = new TestBrowser(server)
    const uid = await startInteraction(browser, {}, 'soon-off')
    const operator = await server.operatorCookie()
    const off = await fetch(`${server.issuer}/api/v1/operator/oidc-clients/soon-off/disable`, { method: 'POST', headers: { cookie: operator, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'contract ended' }) })
    expect(off.status).toBe(200)
    expect(await off.json()).toMatchObject({ clientId: 'soon-off', disabled: true, disabledReason: 'contract ended' })
    expect((await browser.api('GET', `/api/v1/oidc/interactions/${uid}`)).json.error.code).toBe('ERR_INTERACTION_NOT_FOUND')
    const r = await fetch((await authUrl({}, 'soon-off')).url, { redirect: 'manual' })
    expect(r.status).toBe(400)
    expect(await r.text()).toContain('invalid_client')
    const on = await fetch(`${server.issuer}/api/v1/operator/oidc-clients/soon-off/enable`, { method: 'POST', headers: { cookie: operator } })
    expect(on.status).toBe(200)
    expect((await fetch((await authUrl({}, 'soon-off')).url, { redirect: 'manual' })).status).toBe(303)
  })
})
