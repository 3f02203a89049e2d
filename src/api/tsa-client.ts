/**
 * The transport of our RFC 3161 timestamp authority: POST /tsp with an
 * application/timestamp-query body, an application/timestamp-reply answer. Building the request
 * (nonce, certReq) and checking the reply (status, imprint, nonce) is PKI and lives in
 * src/pki/tsp.ts; src/flows/timestamp.ts joins the two. This file knows HTTP only, so it stays
 * out of pkijs and the first paint.
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'

/** Options of {@link postTimestampQuery}. */
export interface TimestampTransportOptions {
  /** The TSA's URL; default our own `/tsp`. */
  readonly url?: string
  readonly signal?: AbortSignal
  /** fetch implementation (tests); default the global one. */
  readonly fetch?: typeof fetch
}

const REPLY_TYPE = 'application/timestamp-reply'

/**
 * Sends a DER TimeStampReq and returns the DER TimeStampResp, refusals included (the TSA answers
 * them as TimeStampResp with 4xx/503, and src/pki/tsp.ts reads their status).
 * @throws QoltanbaError ERR_NETWORK (unreachable, or a page that is not a TSA reply: retry when
 *   online), ERR_RATE_LIMITED, ERR_USER_CANCELLED (aborted).
 */
export async function postTimestampQuery(query: Uint8Array<ArrayBuffer>, options: TimestampTransportOptions = {}): Promise<Uint8Array> {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))
  let response: Response
  try {
    response = await doFetch(options.url ?? '/tsp', {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: REPLY_TYPE },
      body: query,
      cache: 'no-store',
      ...(options.signal ? { signal: options.signal } : {}),
    })
  } catch (e) {
    if (options.signal?.aborted) throw new QoltanbaError(ErrorCode.UserCancelled, 'Cancelled', { aborted: true }, { cause: e })
    throw new QoltanbaError(ErrorCode.Network, 'The timestamp authority cannot be reached', {}, { cause: e })
  }
  if (response.status === 429) throw new QoltanbaError(ErrorCode.RateLimited, 'Too many timestamp requests', { status: 429 })
  // Anything but a TimeStampResp is a proxy's page or the service worker's offline answer.
  if (!(response.headers.get('content-type') ?? '').startsWith(REPLY_TYPE)) {
    throw new QoltanbaError(ErrorCode.Network, `HTTP ${response.status} without a timestamp reply`, { status: response.status })
  }
  return new Uint8Array(await response.arrayBuffer())
}
