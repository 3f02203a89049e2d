/**
 * A demo portal that signs citizens in with Qoltanba (OpenID Connect, authorization code + PKCE)
 * using openid-client — the whole integration a portal needs: discovery, the redirect, the code
 * exchange with ID-token checks, userinfo, RP-initiated logout and a back-channel logout endpoint.
 * Sessions are in memory: this is an example, not a product. `npm run portal` (README.md).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import * as client from 'openid-client'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { page, signedInPage, signedOutPage } from './pages.ts'

export interface PortalOptions {
  /** Qoltanba's public origin (the issuer). */
  readonly issuer: string
  readonly clientId: string
  /** Absent: a public client (PKCE only). */
  readonly clientSecret?: string
  /** Port to listen on (0: any). */
  readonly port: number
  /** Ask for a key on a hardware token (acr_values, docs/oidc.md). */
  readonly requireHardwareKey?: boolean
  /** Scopes to ask for; the client must be allowed them. */
  readonly scope?: string
}

interface Session {
  readonly claims: Record<string, unknown>
  readonly idToken: string
}

/** The acr that asks for (and proves) a key on a hardware token. */
const HARDWARE_KEY_ACR = 'urn:qoltanba:acr:hwk'
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

export async function startPortal(options: PortalOptions): Promise<{ url: string; server: Server }> {
  // http://localhost is allowed for the demo; a real portal talks to an https issuer.
  const insecure = options.issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : {}
  const auth = options.clientSecret ? client.ClientSecretBasic(options.clientSecret) : client.None()
  const config = await client.discovery(new URL(options.issuer), options.clientId, options.clientSecret, auth, insecure)
  const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!))
  const pending = new Map<string, { verifier: string; nonce: string }>() // by state
  const sessions = new Map<string, Session>() // by our cookie
  let base = ''

  async function login(res: ServerResponse): Promise<void> {
    const verifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const nonce = client.randomNonce()
    pending.set(state, { verifier, nonce })
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: `${base}/callback`,
      scope: options.scope ?? 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(options.requireHardwareKey ? { acr_values: HARDWARE_KEY_ACR } : {}),
    })
    res.writeHead(302, { location: url.href }).end()
  }

  async function callback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, base)
    const state = url.searchParams.get('state') ?? ''
    const checks = pending.get(state)
    pending.delete(state)
    if (url.searchParams.has('error') || !checks) {
      return page(res, 400, signedOutPage(url.searchParams.get('error') ?? 'unknown_state'))
    }
    const tokens = await client.authorizationCodeGrant(config, url, {
      pkceCodeVerifier: checks.verifier,
      expectedState: state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    })
    const idClaims = tokens.claims()!
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)
    const id = randomUUID()
    sessions.set(id, { claims: { ...idClaims, ...userinfo }, idToken: tokens.id_token! })
    res.writeHead(303, { location: '/', 'set-cookie': `portal=${id}; Path=/; HttpOnly; SameSite=Lax` }).end()
  }

  function logout(req: IncomingMessage, res: ServerResponse): void {
    const session = sessionOf(req)
    if (!session) return void res.writeHead(303, { location: '/' }).end()
    sessions.delete(cookie(req)!)
    const url = client.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: `${base}/` })
    res.writeHead(303, { location: url.href, 'set-cookie': 'portal=; Path=/; Max-Age=0' }).end()
  }

  // The provider tells us a person signed out there: end our sessions of that sid (or sub).
  async function backchannelLogout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = new URLSearchParams(await readBody(req)).get('logout_token') ?? ''
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: config.serverMetadata().issuer, audience: options.clientId })
      const events = payload.events as Record<string, unknown> | undefined
      if (!events?.[BACKCHANNEL_EVENT] || 'nonce' in payload) throw new Error('not a logout token')
      for (const [id, s] of sessions) {
        if ((payload.sid && s.claims.sid === payload.sid) || (payload.sub && s.claims.sub === payload.sub)) sessions.delete(id)
      }
      res.writeHead(200, { 'cache-control': 'no-store' }).end()
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request"}')
    }
  }

  const cookie = (req: IncomingMessage) => /(?:^|;\s*)portal=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]
  const sessionOf = (req: IncomingMessage) => sessions.get(cookie(req) ?? '')

  const server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname
    const route =
      req.method === 'GET' && path === '/login' ? login(res)
      : req.method === 'GET' && path === '/callback' ? callback(req, res)
      : req.method === 'POST' && path === '/logout' ? logout(req, res)
      : req.method === 'POST' && path === '/backchannel-logout' ? backchannelLogout(req, res)
      : req.method === 'GET' && path === '/' ? page(res, 200, sessionOf(req) ? signedInPage(sessionOf(req)!.claims) : signedOutPage())
      : page(res, 404, signedOutPage('not_found'))
    Promise.resolve(route).catch((e: unknown) => page(res, 502, signedOutPage(e instanceof Error ? e.message : String(e))))
  })
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve))
  const address = server.address()
  base = `http://localhost:${typeof address === 'object' && address ? address.port : options.port}`
  return { url: base, server }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body.length < 65536 ? (body += chunk) : req.destroy()))
    req.on('end', () => resolve(body))
    req.on('error', reject)
  })
}
