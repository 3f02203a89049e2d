/**
 * E-mail to applicants (server/mail): whether this deployment sends it, and confirming the
 * address with the 6-digit code from the first message.
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
    response = await doFetch(`${options.baseUrl ?? ''}${path}`, { ...init, headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) } })
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
