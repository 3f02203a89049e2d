import { describe, expect, it, beforeAll, afterAll } from 'vitest'
import * as oidc from 'openid-client'
import { ENGINES } from '../helpers/database.ts'
import { rp, startOidcServer, TestBrowser, walkInteraction, type OidcTestServer } from './oidc-fixture.ts'

describe.each(ENGINES)('OpenID Connect code flow (%s)', (engine) => {
  let server: OidcTestServer
  beforeAll(async () => {
    server = await startOidcServer(engine)
    await server.addPortal({ clientId: 'public-portal', scopes: ['openid', 'profile', 'iin'] })
  }, 60_000)
  afterAll(async () => server?.close())

  it('discovery, code + PKCE, consent, userinfo', async () => {
    const config = await rp(server, 'public-portal')
    expect(config.serverMetadata().issuer).toBe(server.issuer)
    const person = await server.person('850315300019')
    const verifier = oidc.randomPKCECodeVerifier()
    const nonce = oidc.randomNonce()
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'http://localhost:9/cb',
      scope: 'openid profile iin',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
    })
    const browser = new TestBrowser(server)
    const callback = await walkInteraction(browser, url.href, person)
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true })
    const claims = tokens.claims()!
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)
    expect(info.iin).toBe('850315300019')
  })
})
