/**
 * The one error class of the product, crossing module boundaries (pki → keystore → agents →
 * views, and server → client). Its `code` is one of {@link ErrorCode} (error-codes.ts); the
 * English `message` is for logs and developers only. Modelled on web-eid.js.
 */
import { ErrorCode } from './error-codes.ts'

export { ErrorCode, isErrorCode } from './error-codes.ts'

/**
 * `details` holds safe, non-secret facts that a message may show (e.g. `{ retryAfterMs: 4000 }`,
 * `{ attemptsLeft: 2 }`); never put passwords, PINs or keys in it.
 */
export class QoltanbaError extends Error {
  override readonly name = 'QoltanbaError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, string | number | boolean>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** True when `e` is a QoltanbaError, optionally with the given code. */
export function isQoltanbaError(e: unknown, code?: ErrorCode): e is QoltanbaError {
  return e instanceof QoltanbaError && (code === undefined || e.code === code)
}

/** Wraps anything thrown by a parser into ERR_MALFORMED, keeping typed errors as they are. */
export function asMalformed(e: unknown, what: string): QoltanbaError {
  if (e instanceof QoltanbaError) return e
  return new QoltanbaError(ErrorCode.Malformed, `${what} is malformed`, {}, { cause: e })
}
