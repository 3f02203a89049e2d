/**
 * openid-client (v6) as a real relying party against a listening Registration Center, on PGlite
 * and PostgreSQL: discovery, code + PKCE, private_key_jwt, PAR with client_secret_basic, the ID
 * token checked independently (signature with node:crypto against the JWKS, iss, aud, nonce,
 * at_hash), userinfo claims from the certificate, pairwise sub, remembered consent, refresh only
 * with offline_access. The login step is the real certificate sign-in (challenge → CMS → login).
 */
import { createHash, createPublicKey, verify, webcrypto, type JsonWebKey } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as oidc from 'openid-client'
import { ENGINES } from '../helpers/database.ts'
import type { OperatorCertificate } from '../../../server/operators/credential.ts'
import { ACR_HARDWARE_KEY, ACR_SOFTWARE_KEY } from '../../../server/oidc/claims.ts'
import { codeFlow, oauthError, rp, startOidcServer, TestBrowser, type OidcTestServer } from './oidc-fixture.ts'

const b64url = (b: Buffer) => b.toString('base64url')

/** Verifies a JWS with node:crypto against the provider's published JWKS (independent of openid-client). */
async function verifyJws(server: OidcTestServer, jws: string): Promise<{ header: Record<string, string>; payload: Record<string, unknown> }> {
  const [h, p, s] = jws.split('.') as [string, string, string]
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, string>
  const jwks = (await (await fetch(`${server.issuer}/oidc/jwks`)).json()) as { keys: (JsonWebKey & { kid: string })[] }
  const jwk = jwks.keys.find((k) => k.kid === header.kid)
  expect(jwk, 'the signing key is published').toBeDefined()
  const key = createPublicKey({ key: jwk!, format: 'jwk' })
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), header.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, Buffer.from(s, 'base64url'))
  expect(ok, 'signature').toBe(true)
  return { header, payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown> }
}

describe.each(ENGINES)('OpenID Connect flows (%s)', (engine) => {
  let server: OidcTestServer
  let abai: OperatorCertificate
  let aigerim: OperatorCertificate
  let jwtKey: webcrypto.CryptoKeyPair
  let basicSecret: string

  beforeAll(async () => {
    server = await startOidcServer(engine)
    abai = await server.person('850315300019')
    aigerim = await server.person('920722400013')
    await server.addPortal({ clientId: 'public-portal', scopes: ['openid', 'profile', 'iin', 'certificate'] })
    await server.addPortal({ clientId: 'other-portal', redirectUris: ['http://127.0.0.1:9/cb'], scopes: ['openid', 'profile'] })
    jwtKey = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
    const pub = await webcrypto.subtle.exportKey('jwk', jwtKey.publicKey)
    await server.addPortal({ clientId: 'jwt-portal', authMethod: 'private_key_jwt', jwks: { keys: [{ ...pub, kid: 'jwt-1', alg: 'ES256', use: 'sig' }] }, scopes: ['openid', 'profile', 'offline_access'] })
    basicSecret = (await server.addPortal({ clientId: 'basic-portal', authMethod: 'client_secret_basic', scopes: ['openid', 'email'] })).secret!
  }, 120_000)
  afterAll(async () => server?.close())

  it('discovery: code only, S256, pairwise, our acr values, ES256 and RS256 keys', async () => {
    const config = await rp(server, 'public-portal')
    const meta = config.serverMetadata()
    expect(meta.issuer).toBe(server.issuer)
    expect(meta.response_types_supported).toEqual(['code'])
    expect(meta.code_challenge_methods_supported).toEqual(['S256'])
    expect(meta.subject_types_supported).toEqual(['pairwise'])
    expect(meta.acr_values_supported).toEqual([ACR_SOFTWARE_KEY, ACR_HARDWARE_KEY])
    expect(meta.authorization_response_iss_parameter_supported).toBe(true)
    expect(meta.pushed_authorization_request_endpoint).toBe(`${server.issuer}/oidc/par`)
    expect(meta.backchannel_logout_supported).toBe(true)
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['openid', 'iin', 'organization', 'certificate', 'offline_access']))
    const jwks = (await (await fetch(`${server.issuer}/oidc/jwks`)).json()) as { keys: { alg: string; d?: string }[] }
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256'])
    expect(jwks.keys.some((k) => k.d)).toBe(false)
  })

  it('code + PKCE for a public portal: iss in the response, a verified ID token, userinfo from the certificate', async () => {
    const config = await rp(server, 'public-portal')
    const browser = new TestBrowser(server)
    const { callback, tokens, nonce, steps } = await codeFlow(config, browser, abai, { scope: 'openid profile iin certificate' })
    expect(steps).toEqual(['login', 'consent'])
    expect(callback.searchParams.get('iss')).toBe(server.issuer)

    const { header, payload } = await verifyJws(server, tokens.id_token!)
    expect(header.alg).toBe('ES256')
    expect(payload.iss).toBe(server.issuer)
    expect(payload.aud).toBe('public-portal')
    expect(payload.nonce).toBe(nonce)
    const digest = createHash('sha256').update(tokens.access_token).digest()
    expect(payload.at_hash).toBe(b64url(digest.subarray(0, 16)))
    expect(payload.amr).toEqual(['swk'])
    expect(payload.acr).toBe(ACR_SOFTWARE_KEY)
    expect(tokens.refresh_token).toBeUndefined()

    const info = await oidc.fetchUserInfo(config, tokens.access_token, String(payload.sub))
    expect(info).toMatchObject({ iin: '850315300019', family_name: 'Құнанбаев', given_name: 'Абай', middle_name: 'Құнанбайұлы', name: 'Құнанбаев Абай Құнанбайұлы' })
    expect(info['x5t#S256']).toBe(b64url(createHash('sha256').update(abai.der).digest()))
    expect(payload.sub).not.toBe('850315300019')
  })

  it('pairwise sub: stable for one portal (a new browser, consent remembered), different for another', async () => {
    const first = await codeFlow(await rp(server, 'public-portal'), new TestBrowser(server), aigerim, { scope: 'openid profile' })
    const again = await codeFlow(await rp(server, 'public-portal'), new TestBrowser(server), aigerim, { scope: 'openid profile' })
    expect(again.steps).toEqual(['login'])
    const other = await codeFlow(await rp(server, 'other-portal'), new TestBrowser(server), aigerim, { scope: 'openid profile', redirectUri: 'http://127.0.0.1:9/cb' })
    const sub = (t: typeof first) => t.tokens.claims()!.sub
    expect(sub(again)).toBe(sub(first))
    expect(sub(other)).not.toBe(sub(first))
    // A portal not registered for iin does not get it, even when asking.
    const info = await oidc.fetchUserInfo(await rp(server, 'other-portal'), other.tokens.access_token, sub(other))
    expect(info.iin).toBeUndefined()
    expect(info.given_name).toBe('Әйгерім')
  })

  it('private_key_jwt, and refresh tokens only with offline_access', async () => {
    const auth = oidc.PrivateKeyJwt({ key: jwtKey.privateKey as CryptoKey, kid: 'jwt-1' })
    const config = await rp(server, 'jwt-portal', auth)
    const plain = await codeFlow(config, new TestBrowser(server), abai, { scope: 'openid profile offline_access' })
    // offline_access without prompt=consent is dropped (OIDC Core §11): no refresh token.
    expect(plain.tokens.refresh_token).toBeUndefined()
    const offline = await codeFlow(config, new TestBrowser(server), abai, { scope: 'openid profile offline_access', extra: { prompt: 'consent' } })
    expect(offline.tokens.refresh_token).toBeTruthy()
    const refreshed = await oidc.refreshTokenGrant(config, offline.tokens.refresh_token!)
    expect(refreshed.access_token).toBeTruthy()
    expect(refreshed.claims()!.sub).toBe(offline.tokens.claims()!.sub)
    // Without the portal's key the token endpoint refuses: invalid_client.
    const other = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
    const forged = await rp(server, 'jwt-portal', oidc.PrivateKeyJwt({ key: other.privateKey as CryptoKey, kid: 'jwt-1' }))
    await expect(oidc.refreshTokenGrant(forged, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_client' })
  })

  it('PAR with client_secret_basic', async () => {
    const config = await rp(server, 'basic-portal', oidc.ClientSecretBasic(basicSecret))
    const { tokens, authorizationUrl } = await codeFlow(config, new TestBrowser(server), abai, { scope: 'openid email', par: true })
    expect(authorizationUrl.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/)
    expect(authorizationUrl.searchParams.get('code_challenge')).toBeNull()
    expect(tokens.claims()!.aud).toBe('basic-portal')
    const wrong = await rp(server, 'basic-portal', oidc.ClientSecretBasic('not-the-secret'))
    const refused = await oidc.buildAuthorizationUrlWithPAR(wrong, { redirect_uri: 'http://localhost:9/cb', scope: 'openid' }).catch((e: unknown) => e)
    expect(oauthError(refused)).toBe('invalid_client')
  })
})
