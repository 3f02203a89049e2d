/**
 * The client of our RFC 3161 timestamp authority (POST /tsp, application/timestamp-query →
 * application/timestamp-reply). It asks for a token over a signature value with a fresh nonce and
 * certReq, and accepts the reply only when its status is granted and its imprint and nonce are
 * the ones asked for (src/pki/tsp.ts). pkijs is loaded on first use: this folder is in the first
 * paint, timestamps are not.
 *
 * @example
 * ```ts
 * const { token } = await requestTimestamp(await signatureTimestampImprint(p7s))
 * const cadesT = await addSignatureTimestamp(p7s, token)
 * ```
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import type { TimestampTokenInfo } from '../pki/cades-timestamp.ts'
import type { SignHash } from '../pki/x509-helpers.ts'

/** Options of {@link requestTimestamp}. */
export interface TimestampClientOptions {
  /** The TSA's URL; default our own `/tsp`. */
  readonly url?: string
  readonly hash?: SignHash
  readonly signal?: AbortSignal
  /** fetch implementation (tests); default the global one. */
  readonly fetch?: typeof fetch
}

/** A checked timestamp token (ContentInfo DER) and what it says. */
export interface TimestampResult {
  readonly token: Uint8Array<ArrayBuffer>
  readonly info: TimestampTokenInfo
}

const REPLY_TYPE = 'application/timestamp-reply'

/**
 * Asks the TSA for a token over `imprint` (the hash of a signature value).
 * @throws QoltanbaError ERR_NETWORK (unreachable or not a TSA answer: retry when online),
 *   ERR_RATE_LIMITED, ERR_CA_UNAVAILABLE (the TSA refused, `details.tsaStatus`),
 *   ERR_PAYLOAD_MISMATCH (a reply to another request), ERR_USER_CANCELLED (aborted).
 */
export async function requestTimestamp(imprint: Uint8Array, options: TimestampClientOptions = {}): Promise<TimestampResult> {
  const { createTimestampRequest, readTimestampResponse } = await import('../pki/tsp.ts')
  const request = createTimestampRequest(imprint, options.hash ?? 'SHA-256')
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))
  let response: Response
  try {
    response = await doFetch(options.url ?? '/tsp', {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: REPLY_TYPE },
      body: request.der,
      cache: 'no-store',
      ...(options.signal ? { signal: options.signal } : {}),
    })
  } catch (e) {
    if (options.signal?.aborted) throw new QoltanbaError(ErrorCode.UserCancelled, 'Cancelled', { aborted: true }, { cause: e })
    throw new QoltanbaError(ErrorCode.Network, 'The timestamp authority cannot be reached', {}, { cause: e })
  }
  if (response.status === 429) throw new QoltanbaError(ErrorCode.RateLimited, 'Too many timestamp requests', { status: 429 })
  // Refusals come as TimeStampResp too (with 4xx/503); anything else is a proxy or an offline page.
  if (!(response.headers.get('content-type') ?? '').startsWith(REPLY_TYPE)) {
    throw new QoltanbaError(ErrorCode.Network, `HTTP ${response.status} without a timestamp reply`, { status: response.status })
  }
  return readTimestampResponse(new Uint8Array(await response.arrayBuffer()), request)
}
