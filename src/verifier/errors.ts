/**
 * Error codes of certificate sign-in verification: the verifier's named subset of the one table
 * (src/core/error-codes.ts, where each code is documented). Each refusal has its own stable code
 * so a relying party can log precisely why a login was refused and the UI can say what to do.
 * Errors are thrown as {@link QoltanbaError}.
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'

/** Stable codes thrown by `verifyLoginCms` and the server's login route. */
export const LoginErrorCode = {
  Malformed: ErrorCode.Malformed,
  NonceExpired: ErrorCode.NonceExpired,
  NonceUnknown: ErrorCode.NonceUnknown,
  OriginMismatch: ErrorCode.OriginMismatch,
  PayloadMismatch: ErrorCode.PayloadMismatch,
  SignatureInvalid: ErrorCode.SignatureInvalid,
  SigningCertMismatch: ErrorCode.SigningCertMismatch,
  UntrustedChain: ErrorCode.UntrustedChain,
  CertExpired: ErrorCode.CertExpired,
  CertNotYetValid: ErrorCode.CertNotYetValid,
  CertRevoked: ErrorCode.CertRevoked,
  CertOnHold: ErrorCode.CertOnHold,
  RevocationUnknown: ErrorCode.RevocationUnknown,
  WrongKeyUsage: ErrorCode.WrongKeyUsage,
  WeakKey: ErrorCode.WeakKey,
  WeakAlgorithm: ErrorCode.WeakAlgorithm,
  UnsupportedAlgorithm: ErrorCode.UnsupportedAlgorithm,
  PathLen: ErrorCode.PathLen,
  NotACa: ErrorCode.NotACa,
  UnknownCriticalExtension: ErrorCode.UnknownCriticalExtension,
  DuplicateExtension: ErrorCode.DuplicateExtension,
  InvalidSerial: ErrorCode.InvalidSerial,
  CertProfile: ErrorCode.CertProfile,
  NameConstraints: ErrorCode.NameConstraints,
  PolicyRequired: ErrorCode.PolicyRequired,
  SignerIsCa: ErrorCode.SignerIsCa,
  WrongContentType: ErrorCode.WrongContentType,
  DocumentChanged: ErrorCode.DocumentChanged,
  DocumentRequired: ErrorCode.DocumentRequired,
  TimestampInvalid: ErrorCode.TimestampInvalid,
  AccountUnknown: ErrorCode.AccountUnknown,
  SessionRequired: ErrorCode.SessionRequired,
  Forbidden: ErrorCode.Forbidden,
} as const

export type LoginErrorCode = (typeof LoginErrorCode)[keyof typeof LoginErrorCode]

/** Throws a QoltanbaError with `code`; `details` must hold only public facts (no key material). */
export function refuse(
  code: LoginErrorCode,
  message: string,
  details: Readonly<Record<string, string | number | boolean>> = {},
  cause?: unknown,
): never {
  throw new QoltanbaError(code, message, details, cause === undefined ? undefined : { cause })
}
