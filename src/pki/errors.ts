/**
 * Typed errors that cross module boundaries (pki → keystore → agents → views, and server → client).
 *
 * Every error carries a stable string `code`: the UI maps codes to translated messages
 * (`errors.<code>` in src/i18n/locales/*.json) and tests assert codes, never English text.
 * The English `message` is for logs and developers only. Modelled on web-eid.js.
 */

/** Stable error codes. Adding one means adding `errors.<CODE>` to kk, ru and en. */
export const ErrorCode = {
  WrongPassword: 'ERR_WRONG_PASSWORD',
  MacMismatch: 'ERR_MAC_MISMATCH',
  Malformed: 'ERR_MALFORMED',
  UnsupportedAlgorithm: 'ERR_UNSUPPORTED_ALGORITHM',
  GostKey: 'ERR_GOST_KEY',
  TooLarge: 'ERR_TOO_LARGE',
  SignatureInvalid: 'ERR_SIGNATURE_INVALID',
  KeyMismatch: 'ERR_KEY_MISMATCH',
  InvalidIin: 'ERR_INVALID_IIN',
  InvalidBin: 'ERR_INVALID_BIN',
  WeakKey: 'ERR_WEAK_KEY',
  WeakAlgorithm: 'ERR_WEAK_ALGORITHM',
  NotFound: 'ERR_NOT_FOUND',
  Locked: 'ERR_LOCKED',
  RetryLater: 'ERR_RETRY_LATER',
  StorageFailed: 'ERR_STORAGE_FAILED',
  AgentUnavailable: 'ERR_AGENT_UNAVAILABLE',
  UserCancelled: 'ERR_USER_CANCELLED',
  WrongPin: 'ERR_WRONG_PIN',
  PinLocked: 'ERR_PIN_LOCKED',
  TokenMissing: 'ERR_TOKEN_MISSING',
  OriginNotApproved: 'ERR_ORIGIN_NOT_APPROVED',
  PairingFailed: 'ERR_PAIRING_FAILED',
  AgentProtocol: 'ERR_AGENT_PROTOCOL',
  AgentBusy: 'ERR_AGENT_BUSY',
  NotSupported: 'ERR_NOT_SUPPORTED',
  Network: 'ERR_NETWORK',
  Internal: 'ERR_INTERNAL',
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/**
 * The one error class of the product. `details` holds safe, non-secret facts that a message may
 * show (e.g. `{ retryAfterMs: 4000 }`, `{ attemptsLeft: 2 }`); never put passwords, PINs or keys in it.
 */
export class QoltanbaError extends Error {
  override readonly name = 'QoltanbaError'
  constructor(
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly details: Readonly<Record<string, string | number | boolean>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** True when `e` is a QoltanbaError, optionally with the given code. */
export function isQoltanbaError(e: unknown, code?: string): e is QoltanbaError {
  return e instanceof QoltanbaError && (code === undefined || e.code === code)
}

/** Wraps anything thrown by a parser into ERR_MALFORMED, keeping typed errors as they are. */
export function asMalformed(e: unknown, what: string): QoltanbaError {
  if (e instanceof QoltanbaError) return e
  return new QoltanbaError(ErrorCode.Malformed, `${what} is malformed`, {}, { cause: e })
}
