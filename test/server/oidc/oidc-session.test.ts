/**
 * After the sign-in: RP-initiated logout with back-channel logout received by a portal endpoint,
 * the cabinet's consents (list, withdraw: tokens revoked, consent asked again), the console's
 * portal list, signing-key rotation on a running server, and the token endpoint's rate limit.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as oidc from 'openid-client'
import { ENGINES } from '../helpers/database.ts'
import type { OperatorCertificate } from '../../../server/operators/credential.ts'
import { oidcKeys } from '../../../server/oidc/index.ts'
import { rotateSigningKeys } from '../../../server/oidc/keys.ts'
import { loadServerSecret } from '../../../server/security/secret.ts'
import { codeFlow, rp, startOidcServer, TestBrowser, type OidcTestServer } from './oidc-fixture.ts'

const BCL_EVENT = 'http://schemas.openid.net/event/backchannel-logout'
const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>

/** The portal's back-channel logout endpoint: collects the logout tokens it receives. */
async function logoutReceiver(): Promise<{ url: string; tokens: string[]; next(): Promise<string>; close(): Promise<void> }> {
  const tokens: string[] = []
  const waiting: ((t: string) => void)[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token') ?? ''
      tokens.push(token)
      waiting.shift()?.(token)
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/backchannel-logout`,
    tokens,
    next: () => (tokens.length ? Promise.resolve(tokens[tokens.length - 1]!) : new Promise((r) => waiting.push(r))),
    close: () => new Promise((r) => server.close(() => r())),
  }
}

describe.each(ENGINES)('OpenID Connect sessions (%s)', (engine) => {
  let server: OidcTestServer
  let receiver: Awaited<ReturnType<typeof logoutReceiver>>
  let abai: OperatorCertificate

  beforeAll(async () => {
    server = await startOidcServer(engine)
    receiver = await logoutReceiver()
    abai = await server.person('850315300019')
    await server.addPortal({ clientId: 'bcl-portal', scopes: ['openid', 'profile'], backchannelLogoutUri: receiver.url, postLogoutRedirectUris: ['http://localhost:9/bye'] })
    await server.addPortal({ clientId: 'pub', scopes: ['openid', 'profile', 'iin'] })
  }, 120_000)
  afterAll(async () => {
    await receiver?.close()
    await server?.close()
  })

  it('RP-initiated logout: the person confirms, the portal gets a back-channel logout token, the next visit logs in again', async () => {
    const config = await rp(server, 'bcl-portal')
    const browser = new TestBrowser(server)
    const { tokens } = await codeFlow(config, browser, abai, { scope: 'openid profile' })
    const idClaims = tokens.claims()!
    const end = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://localhost:9/bye', state: 'st' })
    const page = await browser.fetch(end.href)
    expect(page.status).toBe(200)
    const html = await page.text()
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1]
    const action = /action="([^"]+)"/.exec(html)?.[1]
    expect(xsrf && action).toBeTruthy()
    const confirmed = await browser.fetch(new URL(action!, server.issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }).toString(),
    })
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe('http://localhost:9/bye?state=st')

    const logoutToken = await receiver.next()
    const claims = decode(logoutToken)
    expect(claims).toMatchObject({ iss: server.issuer, aud: 'bcl-portal', sub: idClaims.sub, sid: idClaims.sid })
    expect(claims.events).toEqual({ [BCL_EVENT]: {} })
    expect(claims.nonce).toBeUndefined()

    const again = await codeFlow(config, browser, abai, { scope: 'openid profile' })
    expect(again.steps[0]).toBe('login')
  })

  it('the cabinet lists remembered consents; withdrawing revokes the tokens and asks again', async () => {
    const config = await rp(server, 'pub')
    const browser = new TestBrowser(server)
    const first = await codeFlow(config, browser, abai, { scope: 'openid profile iin' })
    expect(first.steps).toEqual(['login', 'consent'])
    const list = await browser.api('GET', '/api/v1/me/consents')
    expect(list.status).toBe(200)
    expect(list.json.consents.filter((c: { clientId: string }) => c.clientId === 'pub')).toEqual([
      expect.objectContaining({ clientId: 'pub', name: { kk: 'pub порталы', ru: 'Портал pub', en: 'pub portal' }, scopes: ['openid', 'profile', 'iin'], claims: expect.arrayContaining(['iin', 'given_name']) }),
    ])
    expect(new Date(list.json.consents[0].grantedAt).getTime()).toBeGreaterThan(Date.now() - 60_000)
    expect((await new TestBrowser(server).api('GET', '/api/v1/me/consents')).status).toBe(401)

    expect((await browser.api('DELETE', '/api/v1/me/consents/pub')).status).toBe(204)
    expect((await fetch(`${server.issuer}/oidc/me`, { headers: { authorization: `Bearer ${first.tokens.access_token}` } })).status).toBe(401)
    const ids = async () => ((await browser.api('GET', '/api/v1/me/consents')).json.consents as { clientId: string }[]).map((c) => c.clientId)
    expect(await ids()).not.toContain('pub')
    expect((await browser.api('DELETE', '/api/v1/me/consents/pub')).status).toBe(404)
    const again = await codeFlow(config, browser, abai, { scope: 'openid profile iin', remember: false })
    expect(again.steps).toEqual(['consent'])
    // Not remembered this time: not listed.
    expect(await ids()).not.toContain('pub')
  })

  it('the console lists portals for operators only', async () => {
    const operator = await server.operatorCookie()
    const r = await fetch(`${server.issuer}/api/v1/operator/oidc-clients`, { headers: { cookie: operator } })
    expect(r.status).toBe(200)
    const { clients } = (await r.json()) as { clients: { clientId: string; authMethod: string; redirectUris: string[]; disabled: boolean }[] }
    expect(clients.map((c) => c.clientId)).toEqual(['bcl-portal', 'pub'])
    expect(clients[1]).toMatchObject({ authMethod: 'none', redirectUris: ['http://localhost:9/cb'], disabled: false })
    expect((await fetch(`${server.issuer}/api/v1/operator/oidc-clients`)).status).toBe(401)
    // A certificate holder without an active operator account: 403.
    const holder = await server.person('920722400013')
    await server.t.db.updateTable('operators').set({ active: false }).where('iin', '=', holder.iin).execute()
    const browser = new TestBrowser(server)
    await browser.signIn(holder)
    expect((await browser.api('GET', '/api/v1/operator/oidc-clients')).json.error.code).toBe('ERR_FORBIDDEN')
    const bad = await fetch(`${server.issuer}/api/v1/operator/oidc-clients/pub/disable`, { method: 'POST', headers: { cookie: operator, 'content-type': 'application/json' }, body: '{}' })
    expect(bad.status).toBe(400)
    const missing = await fetch(`${server.issuer}/api/v1/operator/oidc-clients/nobody/enable`, { method: 'POST', headers: { cookie: operator } })
    expect(missing.status).toBe(404)
  })

  it('key rotation: the new keys sign, the old ones stay published so earlier ID tokens verify', async () => {
    const config = await rp(server, 'pub')
    const before = await codeFlow(config, new TestBrowser(server), abai, { scope: 'openid' })
    const oldKid = JSON.parse(Buffer.from(before.tokens.id_token!.split('.')[0]!, 'base64url').toString()).kid as string
    const keys = oidcKeys(loadServerSecret(server.config.secretFile))
    const { created, retired } = await rotateSigningKeys(server.t.db, keys.signingKeys, 'test')
    expect(retired).toContain(oldKid)
    server.app.oidcProvider!.invalidate()
    const jwks = (await (await fetch(`${server.issuer}/oidc/jwks`)).json()) as { keys: { kid: string }[] }
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([...created, ...retired]))
    const after = await codeFlow(config, new TestBrowser(server), abai, { scope: 'openid' })
    const newKid = JSON.parse(Buffer.from(after.tokens.id_token!.split('.')[0]!, 'base64url').toString()).kid as string
    expect(created).toContain(newKid)
    expect(newKid).not.toBe(oldKid)
  })
})

describe('on a kiosk (KIOSK=1)', () => {
  let server: OidcTestServer
  beforeAll(async () => {
    server = await startOidcServer('pglite', { KIOSK: '1' })
    await server.addPortal({ clientId: 'pub', scopes: ['openid', 'profile'] })
  }, 60_000)
  afterAll(async () => server?.close())

  it('every portal sign-in signs in again: the provider session left in the browser is not reused', async () => {
    const config = await rp(server, 'pub')
    const browser = new TestBrowser(server)
    const person = await server.person('850315300019')
    expect((await codeFlow(config, browser, person, { scope: 'openid profile' })).steps).toEqual(['login', 'consent'])
    // The next person at the kiosk: the browser still holds the provider's session cookie.
    expect((await codeFlow(config, browser, person, { scope: 'openid profile' })).steps).toEqual(['login'])
  })
})

describe('the token and PAR endpoints are rate limited', () => {
  let server: OidcTestServer
  beforeAll(async () => {
    server = await startOidcServer('pglite', { RATE_LIMIT_SUBMIT: '1' })
  }, 60_000)
  afterAll(async () => server?.close())

  it('answers 429 past the limit (20 per window with RATE_LIMIT_SUBMIT=1)', async () => {
    const post = () => fetch(`${server.issuer}/oidc/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: 'nobody' }) })
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) statuses.push((await post()).status)
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true)
    expect(statuses[20]).toBe(429)
    const par = await fetch(`${server.issuer}/oidc/par`, { method: 'POST', body: new URLSearchParams({ client_id: 'nobody' }) })
    expect(par.status).not.toBe(500)
  })
})
