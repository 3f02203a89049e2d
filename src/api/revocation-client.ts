/**
 * A holder revokes their own certificate: POST /api/v1/certificates/:serial/revoke with a CMS
 * SignedData over {@link revocationRequestPayload}, signed with that certificate's own key
 * (server/pki-routes/revocation-routes.ts checks signer, serial, reason and a ±10 min time).
 */
import { toBase64 } from '../core/bytes.ts'
import { readApiResponse, unreachable } from './api-response.ts'
import type { ApiClientOptions } from './client.ts'
import type { CertificateStatusChange } from './operator-types.ts'
import { REVOCATION_REASON_CODES, type RevocationReason } from './revocation-reasons.ts'

/**
 * The exact bytes a holder signs: `{"action":"revoke","serial":"<lowercase hex>","reason":<code>,"time":"<ISO>"}`
 * (key order matters: the server compares the parsed fields, and a stable text keeps it obvious).
 */
export function revocationRequestPayload(serial: string, reason: RevocationReason, time: Date = new Date()): Uint8Array {
  const text = JSON.stringify({ action: 'revoke', serial: serial.toLowerCase(), reason: REVOCATION_REASON_CODES[reason], time: time.toISOString() })
  return new TextEncoder().encode(text)
}

/**
 * Sends a signed revocation request. @throws QoltanbaError with the server's code
 * (ERR_ALREADY_REVOKED, ERR_REQUEST_EXPIRED, ERR_ACCESS_DENIED …) or ERR_NETWORK.
 */
export async function sendRevocationRequest(
  serial: string,
  reason: RevocationReason,
  cms: Uint8Array,
  options: ApiClientOptions = {},
): Promise<CertificateStatusChange> {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))
  let response: Response
  try {
    response = await doFetch(`${options.baseUrl ?? ''}/api/v1/certificates/${encodeURIComponent(serial.toLowerCase())}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      cache: 'no-store',
      body: JSON.stringify({ reason: REVOCATION_REASON_CODES[reason], cms: toBase64(cms) }),
    })
  } catch (e) {
    throw unreachable(e)
  }
  return readApiResponse<CertificateStatusChange>(response)
}
