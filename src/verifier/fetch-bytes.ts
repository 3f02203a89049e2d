/** A bounded HTTP fetch for OCSP and CRL: timeout, size cap, status check. */

/** The fetch function used (injectable for tests and proxies). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

/** Fetches `url` and returns the body, or throws an Error saying why. */
export async function fetchBytes(
  fetchFn: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  maxBytes: number,
): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url)) throw new Error(`unsupported URL scheme: ${url}`)
  const response = await fetchFn(url, { ...init, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' })
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`)
  const declared = Number(response.headers.get('content-length') ?? 0)
  if (declared > maxBytes) throw new Error(`response from ${url} is larger than ${maxBytes} bytes`)
  const body = new Uint8Array(await response.arrayBuffer())
  if (body.length > maxBytes) throw new Error(`response from ${url} is larger than ${maxBytes} bytes`)
  return body
}
