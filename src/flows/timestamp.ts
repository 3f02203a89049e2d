/**
 * A checked signature timestamp from a TSA: the request is built with a fresh nonce and certReq
 * (src/pki/tsp.ts), sent by src/api/tsa-client.ts, and the reply is accepted only when granted
 * and over the same imprint and nonce. pkijs is loaded on first use (not in the first paint).
 *
 * @example
 * ```ts
 * const { token } = await requestTimestamp(await signatureTimestampImprint(p7s))
 * const cadesT = await addSignatureTimestamp(p7s, token)
 * ```
 */
import { postTimestampQuery, type TimestampTransportOptions } from '../api/tsa-client.ts'
import type { TimestampTokenInfo } from '../pki/cades-timestamp.ts'
import type { SignHash } from '../pki/x509-helpers.ts'

/** Options of {@link requestTimestamp}. */
export interface TimestampOptions extends TimestampTransportOptions {
  readonly hash?: SignHash
}

/** A checked timestamp token (ContentInfo DER) and what it says. */
export interface TimestampResult {
  readonly token: Uint8Array<ArrayBuffer>
  readonly info: TimestampTokenInfo
}

/**
 * A token over `imprint` (the hash of a signature value).
 * @throws QoltanbaError ERR_NETWORK, ERR_RATE_LIMITED, ERR_USER_CANCELLED (from the transport),
 *   ERR_CA_UNAVAILABLE (the TSA refused, `details.tsaStatus`), ERR_PAYLOAD_MISMATCH (a reply to
 *   another request), ERR_MALFORMED.
 */
export async function requestTimestamp(imprint: Uint8Array, options: TimestampOptions = {}): Promise<TimestampResult> {
  const { createTimestampRequest, readTimestampResponse } = await import('../pki/tsp.ts')
  const request = createTimestampRequest(imprint, options.hash ?? 'SHA-256')
  return readTimestampResponse(await postTimestampQuery(request.der, options), request)
}
