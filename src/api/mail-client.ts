/**
 * E-mail to applicants (server/mail): whether this deployment sends it, and confirming the
 * address with the 6-digit code from the first message (or a new one sent on request).
 */
import { readApiResponse, unreachable } from './api-response.ts'
import type { ApiClientOptions } from './client.ts'

export interface MailSettings {
  readonly enabled: boolean
}

async function call<T>(path: string, init: RequestInit, options: ApiClientOptions): Promise<T> {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, i?: RequestInit) => globalThis.fetch(input, i))
  let response: Response
  try {
    const headers = { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string> | undefined) }
    response = await doFetch(`${options.baseUrl ?? ''}${path}`, { ...init, headers })
  } catch (e) {
    throw unreachable(e)
  }
  return readApiResponse<T>(response)
}

/** GET /api/v1/mail/settings. */
export function getMailSettings(options: ApiClientOptions = {}): Promise<MailSettings> {
  return call('/api/v1/mail/settings', { cache: 'no-store' }, options)
}

/**
 * POST /api/v1/applications/{number}/email/confirm.
 * @throws QoltanbaError ERR_MAIL_CODE_WRONG (details.attemptsLeft), ERR_MAIL_CODE_LOCKED, ERR_MAIL_NOT_REQUESTED, ERR_NETWORK
 */
export function confirmEmail(number: string, code: string, options: ApiClientOptions = {}): Promise<{ confirmed: true; confirmedAt: string }> {
  return call(`/api/v1/applications/${encodeURIComponent(number)}/email/confirm`, { method: 'POST', body: JSON.stringify({ code }) }, options)
}

/**
 * POST /api/v1/applications/{number}/email/resend: a new code to the address (the old one stops working).
 * @throws QoltanbaError ERR_MAIL_RESEND_TOO_SOON (details.retryAfterMs), ERR_MAIL_RESEND_LIMIT, ERR_MAIL_CODE_LOCKED, ERR_MAIL_NOT_REQUESTED, ERR_ACCESS_DENIED, ERR_NETWORK
 */
export function resendConfirmation(number: string, accessCode: string, options: ApiClientOptions = {}): Promise<{ sent: true }> {
  return call(`/api/v1/applications/${encodeURIComponent(number)}/email/resend`, { method: 'POST', headers: { 'x-access-code': accessCode } }, options)
}
