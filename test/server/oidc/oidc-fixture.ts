/**
 * A listening Registration Center for the OpenID Connect tests (openid-client must reach it over
 * HTTP, and the certificate sign-in binds the origin, so PUBLIC_URL is the real address), people
 * with certificates from the test CA, portals registered through the same service as
 * `qoltanba client add`, and a "browser": a cookie jar that follows redirects by hand and drives
 * the PWA's interaction API the way /authorize/:uid does.
 */
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import * as oidc from 'openid-client'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import type { Engine } from '../helpers/database.ts'
import { issueOperatorCertificate, type OperatorCertificate } from '../../../server/operators/credential.ts'
import { importPrivateKey } from '../../../src/pki/private-key.ts'
import { signInWithKey } from '../../../server/cli/sign-in-client.ts'
import { addClient, type NewClientInput } from '../../../server/oidc/clients.ts'
import { oidcKeys } from '../../../server/oidc/index.ts'
import { loadServerSecret } from '../../../server/security/secret.ts'

export interface OidcTestServer extends TestServer {
  readonly issuer: string
  /** Registers a portal; returns its id and secret (client_secret_basic). */
  addPortal(input: Partial<NewClientInput> & { clientId: string }): Promise<{ clientId: string; secret?: string }>
  /** A certificate for `iin` from the test CA (an auth certificate, as the sign-in needs). */
  person(iin: string): Promise<OperatorCertificate>
  close(): Promise<void>
}

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

export async function startOidcServer(engine: Engine, env: Record<string, string> = {}): Promise<OidcTestServer> {
  // Load shedding (server/ops) reads the process environment: a busy test machine is not an overload.
  process.env.LOAD_MAX_EVENT_LOOP_DELAY_MS = '0'
  const port = await freePort()
  const issuer = `http://127.0.0.1:${port}`
  const server = await startTestServer(engine, { PUBLIC_URL: issuer, ...env })
  await server.app.listen({ port, host: '127.0.0.1' })
  const keys = oidcKeys(loadServerSecret(server.config.secretFile))
  return {
    ...server,
    issuer,
    async addPortal(input) {
      const { client, secret } = await addClient(server.t.db, keys.clientSecrets, {
        name: { kk: `${input.clientId} порталы`, ru: `Портал ${input.clientId}`, en: `${input.clientId} portal` },
        redirectUris: ['http://localhost:9/cb'],
        scopes: ['openid', 'profile'],
        authMethod: 'none',
        actor: 'test',
        ...input,
      })
      return { clientId: client.clientId, ...(secret ? { secret } : {}) }
    },
    person: (iin) => issueOperatorCertificate(server.t.db, server.ca, server.ctx.registry, { iin, role: 'operator', actor: 'test' }),
  }
}

/** An API answer; tests read the JSON field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiAnswer = { status: number; json: any }

/** A browser: cookies (all paths; names do not collide), redirects followed by hand. */
export class TestBrowser {
  readonly jar = new Map<string, string>()
  constructor(private readonly server: OidcTestServer) {}

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.jar.size) headers.set('cookie', this.cookieHeader())
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a) || /expires=thu, 01 jan 1970/i.test(a)) || value === '') this.jar.delete(name)
      else this.jar.set(name, value)
    }
    return response
  }

  /** Follows redirects on our server; stops at the PWA's /authorize/:uid or at a foreign URL (the portal). */
  async navigate(url: string): Promise<{ url: string; response?: Response }> {
    let current = url
    for (let i = 0; i < 10; i++) {
      if (!current.startsWith(this.server.issuer) || new URL(current).pathname.startsWith('/authorize/')) return { url: current }
      const r = await this.fetch(current)
      const location = r.headers.get('location')
      if (r.status < 300 || r.status >= 400 || !location) return { url: current, response: r }
      current = new URL(location, current).href
    }
    throw new Error('too many redirects')
  }

  /** Certificate sign-in in this browser (challenge → CMS → login), keeping the session cookie. */
  async signIn(cert: OperatorCertificate): Promise<void> {
    const { cookie } = await signInWithKey({
      baseUrl: this.server.issuer,
      fetch,
      privateKey: await importPrivateKey(cert.pkcs8, 'sign'),
      certificate: new Uint8Array(cert.der),
      chain: [new Uint8Array(this.server.ca.hierarchy.issuing.der)],
    })
    for (const part of cookie.split('; ')) {
      const eq = part.indexOf('=')
      this.jar.set(part.slice(0, eq), part.slice(eq + 1))
    }
  }

  async api(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ApiAnswer> {
    const r = await this.fetch(`${this.server.issuer}${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    })
    const text = await r.text()
    return { status: r.status, json: text ? JSON.parse(text) : undefined }
  }
}

/** The uid of a PWA interaction URL. */
export const uidOf = (url: string) => new URL(url).pathname.split('/')[2]!

/**
 * The PWA's part of a portal sign-in: from the authorization URL to the portal's callback URL.
 * Signs in with `cert` when asked to log in (unless the browser is already signed in), gives
 * consent (remember) when asked.
 */
export async function walkInteraction(browser: TestBrowser, authorizationUrl: string, cert: OperatorCertificate, options: { remember?: boolean; signIn?: boolean; steps?: string[] } = {}): Promise<URL> {
  let at = await browser.navigate(authorizationUrl)
  for (let step = 0; step < 4 && at.url.startsWith(browser['server'].issuer); step++) {
    if (at.response) throw new Error(`stuck at ${at.url}: ${at.response.status} ${await at.response.text()}`)
    const uid = uidOf(at.url)
    const details = await browser.api('GET', `/api/v1/oidc/interactions/${uid}`)
    if (details.status !== 200) throw new Error(`interaction ${details.status} ${JSON.stringify(details.json)}`)
    let next
    options.steps?.push(details.json.prompt)
    if (details.json.prompt === 'login') {
      if (options.signIn !== false) await browser.signIn(cert)
      next = await browser.api('POST', `/api/v1/oidc/interactions/${uid}/login`, {})
    } else {
      next = await browser.api('POST', `/api/v1/oidc/interactions/${uid}/consent`, { remember: options.remember ?? true })
    }
    if (next.status !== 200) throw Object.assign(new Error(`step ${details.json.prompt}: ${next.status} ${JSON.stringify(next.json)}`), { status: next.status, body: next.json })
    at = await browser.navigate(next.json.redirectTo.startsWith('http') ? next.json.redirectTo : `${browser['server'].issuer}${next.json.redirectTo}`)
  }
  return new URL(at.url)
}

/** openid-client's configuration for a portal of this server (plain http allowed: tests). */
export async function rp(server: OidcTestServer, clientId: string, auth: oidc.ClientAuth = oidc.None(), metadata: Partial<oidc.ClientMetadata> = {}): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(server.issuer), clientId, metadata, auth, { execute: [oidc.allowInsecureRequests] })
}

export interface CodeFlowOptions {
  readonly scope?: string
  readonly redirectUri?: string
  readonly par?: boolean
  readonly extra?: Record<string, string>
  readonly remember?: boolean
}

/**
 * The whole authorization code flow as a portal runs it: PKCE + nonce, the browser through the
 * PWA's steps (which are returned: 'login', 'consent'), the code exchanged and checked.
 */
export async function codeFlow(config: oidc.Configuration, browser: TestBrowser, cert: OperatorCertificate, options: CodeFlowOptions = {}) {
  const verifier = oidc.randomPKCECodeVerifier()
  const nonce = oidc.randomNonce()
  const params = {
    redirect_uri: options.redirectUri ?? 'http://localhost:9/cb',
    scope: options.scope ?? 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    ...options.extra,
  }
  const authorizationUrl = options.par ? await oidc.buildAuthorizationUrlWithPAR(config, params) : oidc.buildAuthorizationUrl(config, params)
  const steps: string[] = []
  const callback = await walkInteraction(browser, authorizationUrl.href, cert, { ...(options.remember !== undefined ? { remember: options.remember } : {}), steps })
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true })
  return { authorizationUrl, callback, tokens, nonce, verifier, steps }
}

/** The OAuth error code of an openid-client rejection (a body error, or a WWW-Authenticate challenge). */
export function oauthError(e: unknown): string | undefined {
  const err = e as { error?: string; cause?: { parameters?: { error?: string } }[] }
  return err.error ?? err.cause?.[0]?.parameters?.error
}


/**
 * Records that the person's certificate was issued for a key the application declared on a
 * hardware token (what the wizard's token path submits), so the provider counts it as hwk.
 */
export async function markIssuedOnToken(server: OidcTestServer, cert: OperatorCertificate, email = 'abai@example.kz'): Promise<void> {
  const number = `26${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}0`
  const now = new Date()
  await server.t.db
    .insertInto('applications')
    .values({
      number,
      idempotency_key: `oidc-test-${number}`,
      request_hash: 'x',
      profile: 'individual',
      iin: cert.iin,
      bin: null,
      organization: null,
      email,
      region: 'KZ-71',
      city: null,
      storage: 'token',
      surname: 'TEST',
      name: 'TEST',
      patronymic: null,
      status: 'installed',
      access_code_hash: 'x',
      submitted_by: 'test',
      expires_at: now,
      status_changed_at: now,
      status_changed_by: 'test',
    })
    .execute()
  await server.t.db.updateTable('certificates').set({ application_number: number }).where('serial', '=', cert.serialHex).execute()
}
