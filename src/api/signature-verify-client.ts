/**
 * The transport of POST /api/v1/signatures/verify: the signature file and, for a detached
 * signature, the document's SHA-256 (the /verify page hashes the document on the device, so the
 * document itself never leaves it). The answer's shape is src/verifier's VerificationReport,
 * typed by the caller (this folder stays out of the verifier and pkijs).
 */
import { apiError, unreachable } from './api-response.ts'

/** Options of {@link postSignatureVerification}. */
export interface SignatureVerifyOptions {
  /** Hex SHA-256 of a detached signature's document. */
  readonly sha256?: string
  /** GOST digests of the document (hex) by digest OID, sent as `digest` fields `<oid>:<hex>` beside `sha256`. */
  readonly digests?: Readonly<Record<string, string>>
  readonly signal?: AbortSignal
  /** fetch implementation (tests); default the global one. */
  readonly fetch?: typeof fetch
}

/**
 * Sends the signature for verification and returns the server's report.
 * @throws QoltanbaError ERR_NETWORK (offline: verify on the device instead), or the server's
 *   code (ERR_MALFORMED, ERR_DOCUMENT_REQUIRED, ERR_TOO_LARGE, …).
 */
export async function postSignatureVerification<T>(signature: Blob, options: SignatureVerifyOptions = {}): Promise<T> {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))
  const form = new FormData()
  form.append('signature', signature, 'signature.p7s')
  if (options.sha256) form.append('sha256', options.sha256)
  for (const [oid, hex] of Object.entries(options.digests ?? {})) form.append('digest', `${oid}:${hex}`)
  let response: Response
  try {
    response = await doFetch('/api/v1/signatures/verify', { method: 'POST', body: form, cache: 'no-store', ...(options.signal ? { signal: options.signal } : {}) })
  } catch (e) {
    throw unreachable(e)
  }
  if (!response.ok) throw await apiError(response, ['reason', 'limit'])
  try {
    return (await response.json()) as T
  } catch (e) {
    throw unreachable(e)
  }
}
