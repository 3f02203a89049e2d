/**
 * Client of certificate sign-in and the personal cabinet (`/api/v1/auth/*`, `/api/v1/me*`).
 * The session lives in an HttpOnly cookie the page never sees; this client only asks for a
 * challenge, hands back the signed CMS and reads who is signed in. Failures are QoltanbaErrors
 * with the server's code (ERR_NONCE_EXPIRED, ERR_CERT_REVOKED, …) or ERR_NETWORK.
 */
import { fromBase64, toBase64 } from '../core/bytes.ts'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { apiError } from './api-response.ts'

/** A challenge: the exact bytes to sign. */
export interface SignInChallenge {
  readonly nonce: string
  readonly payload: Uint8Array
  readonly origin: string
  readonly expiresAt: string
}

/** Who is signed in. */
export interface SessionView {
  readonly iin: string
  readonly bin: string | null
  readonly role: 'holder' | 'operator' | 'admin'
  readonly subject: string
  readonly expiresAt: string
}

/** A certificate of mine as the Registration Center knows it. */
export interface MyCertificate {
  readonly serial: string
  readonly purpose: 'auth' | 'sign'
  readonly profile: string
  readonly subjectDn: string
  readonly status: 'good' | 'revoked' | 'hold'
  readonly notBefore: string
  readonly notAfter: string
}

/** An application of mine. */
export interface MyApplication {
  readonly number: string
  readonly status: string
  readonly profile: string
  readonly createdAt: string
  readonly expiresAt: string
}

export interface AuthClient {
  challenge(): Promise<SignInChallenge>
  /** Sends the CMS (DER); resolves with the new session. */
  login(cms: Uint8Array): Promise<SessionView>
  logout(): Promise<void>
  /** The current session, or null when not signed in. */
  session(): Promise<SessionView | null>
  myCertificates(): Promise<MyCertificate[]>
  myApplications(): Promise<MyApplication[]>
}

/** Creates the client (same origin by default; cookies go with every call). */
export function createAuthClient(options: { baseUrl?: string; fetch?: typeof fetch } = {}): AuthClient {
  const base = options.baseUrl ?? ''
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))

  async function send(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response
    try {
      response = await doFetch(`${base}${path}`, { cache: 'no-store', credentials: 'same-origin', ...init })
    } catch (e) {
      throw new QoltanbaError(ErrorCode.Network, 'The Registration Center cannot be reached', {}, { cause: e })
    }
    if (response.ok) return response
    // Only `depth` of the details: which certificate of the path a revocation refusal is about,
    // so the page can tell the person's own certificate from its CA's (sign-in-error.ts).
    throw await apiError(response, ['depth'])
  }
  const post = (body?: unknown): RequestInit =>
    body === undefined ? { method: 'POST' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }

  return {
    async challenge() {
      const r = (await (await send('/api/v1/auth/challenge', post())).json()) as { nonce: string; payload: string; origin: string; expiresAt: string }
      return { nonce: r.nonce, payload: fromBase64(r.payload), origin: r.origin, expiresAt: r.expiresAt }
    },
    async login(cms) {
      return (await (await send('/api/v1/auth/login', post({ cms: toBase64(cms) }))).json()) as SessionView
    },
    async logout() {
      await send('/api/v1/auth/logout', post())
    },
    async session() {
      try {
        return (await (await send('/api/v1/auth/session')).json()) as SessionView
      } catch (e) {
        if (e instanceof QoltanbaError && e.code === 'ERR_SESSION_REQUIRED') return null
        throw e
      }
    },
    async myCertificates() {
      return ((await (await send('/api/v1/me/certificates')).json()) as { certificates: MyCertificate[] }).certificates
    },
    async myApplications() {
      return ((await (await send('/api/v1/me/applications')).json()) as { applications: MyApplication[] }).applications
    },
  }
}
