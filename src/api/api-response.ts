/**
 * Reading a Registration Center answer the way client.ts does, for the clients that live in
 * their own files (operator-client.ts, revocation-client.ts): JSON on success, the server's
 * `{error: {code}}` as a QoltanbaError, anything else (proxy page, offline) as ERR_NETWORK.
 */
import { ErrorCode, QoltanbaError, isErrorCode } from '../core/errors.ts'

/** The error for a fetch that never reached the server. */
export function unreachable(cause: unknown): QoltanbaError {
  return new QoltanbaError(ErrorCode.Network, 'The Registration Center cannot be reached', {}, { cause })
}

/** The JSON body of a successful answer. @throws QoltanbaError (server code or ERR_NETWORK). */
export async function readApiResponse<T>(response: Response): Promise<T> {
  let body: unknown
  try {
    body = await response.json()
  } catch {
    body = undefined
  }
  if (response.ok && body !== undefined) return body as T
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
  if (typeof error?.code === 'string' && /^ERR_[A-Z0-9_]+$/.test(error.code)) {
    // A code this build does not know (a newer server) is still the server's refusal.
    throw new QoltanbaError(isErrorCode(error.code) ? error.code : ErrorCode.Internal, typeof error.message === 'string' ? error.message : error.code, { status: response.status })
  }
  throw new QoltanbaError(ErrorCode.Network, `HTTP ${response.status} without an API error`, { status: response.status })
}
