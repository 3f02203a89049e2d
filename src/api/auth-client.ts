/**
 * Client of certificate sign-in and the personal cabinet (`/api/v1/auth/*`, `/api/v1/me*`).
 * The session lives in an HttpOnly cookie the page never sees; this client only asks for a
 * challenge, hands back the signed CMS and reads who is signed in. Failures are QoltanbaErrors
 * with the server's code (ERR_NONCE_EXPIRED, ERR_CERT_REVOKED, …) or ERR_NETWORK.
 */
import { fromBase64, toBase64 } from '../core/bytes.ts'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { apiError } from './api-response.ts'
import type { ApplicationStatus, KeyStorage } from './types.ts'

/** A challenge: the exact bytes to sign. */
export interface SignInChallenge {
  readonly nonce: string
  readonly payload: Uint8Array
  readonly origin: string
  readonly expiresAt: string
}

/** A person's name as read from their certificate by the server ("Тестов Тест Тестович"). */
export interface PersonName {
  readonly surname: string | null
  readonly name: string | null
  readonly patronymic: string | null
  /** The whole name, or null when the certificate names no person. */
  readonly full: string | null
}

/** Who is signed in. */
export interface SessionView {
  readonly iin: string
  readonly bin: string | null
  readonly role: 'holder' | 'operator' | 'admin'
  readonly subject: string
  /** Missing only from servers older than the cabinet. */
  readonly name?: PersonName
  readonly expiresAt: string
}

/** One place where I am signed in (GET /api/v1/me/sessions). */
export interface MySession {
  /** Names the session in DELETE /api/v1/me/sessions/:ref. */
  readonly ref: string
  /** This browser's session. */
  readonly current: boolean
  readonly userAgent: string | null
  readonly signedInAt: string
  readonly lastSeenAt: string
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
  /** When it was revoked or suspended (null while good). */
  readonly revokedAt: string | null
}

/** An application of mine, with the applicant as submitted (the cabinet prints the form from it). */
export interface MyApplication {
  readonly number: string
  readonly status: ApplicationStatus
  readonly profile: string
  readonly storage: KeyStorage
  readonly iin: string
  readonly bin: string | null
  readonly organization: string | null
  readonly surname: string
  readonly name: string
  readonly patronymic: string | null
  readonly email: string | null
  readonly region: string
  readonly city: string | null
  readonly createdAt: string
  readonly expiresAt: string
  readonly statusChangedAt: string
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
  mySessions(): Promise<MySession[]>
  /** Ends one of my sessions (this one too). */
  endSession(ref: string): Promise<void>
  /** Ends all my sessions but this one; resolves with how many ended. */
  endOtherSessions(): Promise<number>
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
    async mySessions() {
      return ((await (await send('/api/v1/me/sessions')).json()) as { sessions: MySession[] }).sessions
    },
    async endSession(ref) {
      await send(`/api/v1/me/sessions/${encodeURIComponent(ref)}`, { method: 'DELETE' })
    },
    async endOtherSessions() {
      return ((await (await send('/api/v1/me/sessions/others', { method: 'DELETE' })).json()) as { ended: number }).ended
    },
  }
}
