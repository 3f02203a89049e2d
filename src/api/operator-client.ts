/**
 * Client of the operator API (/api/v1/operator/…): the queue, an application's details and
 * requests, approve/reject, certificate lookup and revoke/hold/release. It authenticates with
 * the certificate sign-in session cookie (same origin; see auth-client for signing in).
 * Failures are QoltanbaError with the server's code, like client.ts; ERR_NETWORK when the
 * server cannot be reached.
 *
 * @example
 * ```ts
 * const api = createOperatorClient()
 * const queue = await api.listApplications({ status: 'submitted' })
 * await api.approve(queue[0].number, { identityChecked: true })
 * ```
 */
import { readApiResponse, unreachable } from './api-response.ts'
import type { ApiClientOptions } from './client.ts'
import type {
  CertificateStatusChange,
  OperatorApplicationItem,
  OperatorApplicationQuery,
  OperatorApplicationView,
  OperatorCertificate,
  OperatorMe,
  OperatorRequestCheck,
} from './operator-types.ts'
import type { ApplicationStatus } from './types.ts'
import type { ApprovalDecision } from '../core/operator-wire.ts'
import { REVOCATION_REASON_CODES, type RevocationReason } from './revocation-reasons.ts'

/** Options of {@link createOperatorClient}. */
export type OperatorClientOptions = ApiClientOptions

/** The operator API; all methods reject with QoltanbaError. */
export interface OperatorClient {
  me(): Promise<OperatorMe>
  listApplications(query?: OperatorApplicationQuery): Promise<OperatorApplicationItem[]>
  getApplication(number: string): Promise<OperatorApplicationView>
  getRequests(number: string): Promise<OperatorRequestCheck[]>
  /** The operator's statements ({@link ApprovalDecision}): identity document checked (required), keys on a token. */
  approve(number: string, decision: ApprovalDecision): Promise<{ number: string; status: ApplicationStatus; certificates: OperatorCertificate[] }>
  reject(number: string, reason: string): Promise<{ number: string; status: ApplicationStatus; rejectionReason: string | null }>
  findCertificates(query: { iin?: string; serial?: string }): Promise<OperatorCertificate[]>
  /** `comment`: the operator's why, kept in the audit row (for suspend, resume and revoke alike). */
  revoke(serial: string, reason: RevocationReason, comment?: string): Promise<CertificateStatusChange>
  hold(serial: string, comment?: string): Promise<CertificateStatusChange>
  release(serial: string, comment?: string): Promise<CertificateStatusChange>
}

/** The optional `comment` of a status change, left out when empty. */
const withComment = (comment?: string) => (comment?.trim() ? { comment: comment.trim() } : {})

/** Digits only: people type numbers and IINs with spaces and hyphens. */
const digitsOnly = (s: string) => s.replace(/[\s-]/g, '')
/** Serial as the server keys it: lowercase hex without separators. */
const normalizeSerial = (s: string) => s.replace(/[\s:]/g, '').toLowerCase()

export function createOperatorClient(options: OperatorClientOptions = {}): OperatorClient {
  const base = options.baseUrl ?? ''
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))

  async function json<T>(path: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = {}
    if (init.body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await doFetch(`${base}${path}`, {
        method: init.method ?? 'GET',
        headers,
        // The session cookie is same-origin; personal data never goes into an HTTP cache.
        credentials: 'same-origin',
        cache: 'no-store',
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      })
    } catch (e) {
      throw unreachable(e)
    }
    return readApiResponse<T>(response)
  }

  const app = (number: string) => `/api/v1/operator/applications/${encodeURIComponent(digitsOnly(number))}`
  const cert = (serial: string) => `/api/v1/operator/certificates/${encodeURIComponent(normalizeSerial(serial))}`

  return {
    me: () => json<OperatorMe>('/api/v1/operator/me'),
    async listApplications(query = {}) {
      const params = new URLSearchParams()
      if (query.number) params.set('number', digitsOnly(query.number))
      if (query.iin) params.set('iin', digitsOnly(query.iin))
      if (query.status) params.set('status', query.status)
      if (query.limit) params.set('limit', String(query.limit))
      const qs = params.toString()
      return (await json<{ applications: OperatorApplicationItem[] }>(`/api/v1/operator/applications${qs ? `?${qs}` : ''}`)).applications
    },
    getApplication: (number) => json<OperatorApplicationView>(app(number)),
    async getRequests(number) {
      return (await json<{ requests: OperatorRequestCheck[] }>(`${app(number)}/requests`)).requests
    },
    approve: (number, decision) => json(`${app(number)}/approve`, { method: 'POST', body: decision }),
    reject: (number, reason) => json(`${app(number)}/reject`, { method: 'POST', body: { reason } }),
    async findCertificates(query) {
      const params = new URLSearchParams()
      if (query.iin) params.set('iin', digitsOnly(query.iin))
      if (query.serial) params.set('serial', normalizeSerial(query.serial))
      return (await json<{ certificates: OperatorCertificate[] }>(`/api/v1/operator/certificates?${params.toString()}`)).certificates
    },
    revoke: (serial, reason, comment) => json(`${cert(serial)}/revoke`, { method: 'POST', body: { reason: REVOCATION_REASON_CODES[reason], ...withComment(comment) } }),
    hold: (serial, comment) => json(`${cert(serial)}/hold`, { method: 'POST', body: withComment(comment) }),
    release: (serial, comment) => json(`${cert(serial)}/release`, { method: 'POST', body: withComment(comment) }),
  }
}
