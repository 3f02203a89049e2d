/**
 * Reading a Registration Center answer, for every client of this folder: JSON on success, the
 * server's `{error: {code, message, details}}` rebuilt as a QoltanbaError (the code checked
 * against src/core's table), anything else (proxy page, offline) as ERR_NETWORK.
 */
import { ErrorCode, QoltanbaError, isErrorCode } from '../core/errors.ts'

/** The error for a fetch that never reached the server. */
export function unreachable(cause: unknown): QoltanbaError {
  return new QoltanbaError(ErrorCode.Network, 'The Registration Center cannot be reached', {}, { cause })
}

/** The body as JSON, or undefined when it is none (a proxy's page, the service worker's offline answer). */
async function jsonBody(response: Response): Promise<unknown> {
  try {
    return await response.json()
  } catch {
    return undefined
  }
}

/** Which of the server's `error.details` a client passes on besides `status`. */
export type KeptDetails = 'all' | readonly string[]

function errorFromBody(response: Response, body: unknown, keep: KeptDetails): QoltanbaError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: Record<string, unknown> } } | undefined)?.error
  const code = error?.code
  if (typeof code !== 'string' || !/^ERR_[A-Z0-9_]+$/.test(code)) {
    return new QoltanbaError(ErrorCode.Network, `HTTP ${response.status} without an API error`, { status: response.status })
  }
  const sent = error?.details ?? {}
  const kept = keep === 'all' ? sent : Object.fromEntries(keep.filter((k) => k in sent).map((k) => [k, sent[k]]))
  const details = { status: response.status, ...(kept as Record<string, string | number | boolean>) }
  // A code this build does not know (a newer server) is still the server's refusal.
  return new QoltanbaError(isErrorCode(code) ? code : ErrorCode.Internal, typeof error?.message === 'string' ? error.message : code, details)
}

/** The error for a failed answer (`response.ok` false). */
export async function apiError(response: Response, keep: KeptDetails = []): Promise<QoltanbaError> {
  return errorFromBody(response, await jsonBody(response), keep)
}

/** The JSON body of a successful answer. @throws QoltanbaError (server code or ERR_NETWORK). */
export async function readApiResponse<T>(response: Response): Promise<T> {
  const body = await jsonBody(response)
  if (response.ok && body !== undefined) return body as T
  throw errorFromBody(response, body, [])
}
