/**
 * Typed client of the Registration Center API. Every failure becomes a QoltanbaError with the
 * server's stable code (`errors.<code>` in the locale files); a server that cannot be reached,
 * or a gateway that answers instead of it, is ERR_NETWORK, the one code the outbox retries.
 *
 * @example
 * ```ts
 * const api = createApiClient()
 * const person = await api.lookupPerson('900101300017')
 * const view = await api.getApplication(number, accessCode)
 * ```
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { apiError } from './api-response.ts'
import type {
  ApplicationView,
  IssuedCertificates,
  PersonView,
  ProfileView,
  RenewalSubmission,
  SubmissionBody,
  SubmissionResult,
} from './types.ts'

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** Origin of the server; default: the page's own (''). */
  readonly baseUrl?: string
  /** fetch implementation (tests); default: the global one. */
  readonly fetch?: typeof fetch
}

/** Codes worth retrying later without changing anything. */
const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set([ErrorCode.Network, ErrorCode.RateLimited, ErrorCode.CaUnavailable, ErrorCode.RegistryUnavailable])

/** True when the same request may succeed later (server unreachable, busy, rate limited). */
export function isRetryable(e: unknown): boolean {
  return e instanceof QoltanbaError && RETRYABLE_CODES.has(e.code)
}

/** The typed client; all methods reject with QoltanbaError. */
export interface ApiClient {
  getProfiles(): Promise<ProfileView[]>
  lookupPerson(iin: string): Promise<PersonView>
  /** Submits with an idempotency key: the same key always yields the same application. */
  submitApplication(body: SubmissionBody, idempotencyKey: string): Promise<SubmissionResult>
  /** Online renewal signed with the current key (optional: test fakes of the client need not have it). */
  submitRenewal?(body: RenewalSubmission, idempotencyKey: string): Promise<SubmissionResult>
  getApplication(number: string, accessCode: string): Promise<ApplicationView>
  getCertificates(number: string, accessCode: string): Promise<IssuedCertificates>
  markInstalled(number: string, accessCode: string): Promise<{ number: string; status: string; installedAt: string | null }>
  /** A CA certificate (DER) by name: 'root' or 'issuing'. */
  getCaCertificate(name: 'root' | 'issuing'): Promise<Uint8Array>
}

/** Creates a client. */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const base = options.baseUrl ?? ''
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))

  async function send(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response
    try {
      // Personal data and access codes: never from or into an HTTP cache.
      response = await doFetch(`${base}${path}`, { cache: 'no-store', ...init })
    } catch (e) {
      throw new QoltanbaError(ErrorCode.Network, 'The Registration Center cannot be reached', {}, { cause: e })
    }
    if (response.ok) return response
    throw await apiError(response, 'all')
  }

  async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await send(path, init)
    try {
      return (await response.json()) as T
    } catch (e) {
      throw new QoltanbaError(ErrorCode.Network, 'The answer is not JSON', { status: response.status }, { cause: e })
    }
  }

  const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  const withCode = (accessCode: string): RequestInit => ({ headers: { 'x-access-code': accessCode } })
  const numberPath = (number: string) => `/api/v1/applications/${encodeURIComponent(number.replace(/[\s-]/g, ''))}`

  return {
    async getProfiles() {
      return (await json<{ profiles: ProfileView[] }>('/api/v1/profiles')).profiles
    },
    lookupPerson(iin) {
      return json<PersonView>('/api/v1/persons/lookup', post({ iin: iin.replace(/[\s-]/g, '') }))
    },
    submitApplication(body, idempotencyKey) {
      return json<SubmissionResult>('/api/v1/applications', post(body, { 'idempotency-key': idempotencyKey }))
    },
    submitRenewal(body, idempotencyKey) {
      return json<SubmissionResult>('/api/v1/renewals', post(body, { 'idempotency-key': idempotencyKey }))
    },
    getApplication(number, accessCode) {
      return json<ApplicationView>(numberPath(number), withCode(accessCode.trim()))
    },
    getCertificates(number, accessCode) {
      return json<IssuedCertificates>(`${numberPath(number)}/certificates`, withCode(accessCode.trim()))
    },
    markInstalled(number, accessCode) {
      return json(`${numberPath(number)}/installed`, { method: 'POST', headers: { 'x-access-code': accessCode.trim() } })
    },
    async getCaCertificate(name) {
      const response = await send(`/ca/${name}.crt`)
      return new Uint8Array(await response.arrayBuffer())
    },
  }
}
