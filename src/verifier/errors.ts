/**
 * Error codes of certificate sign-in verification. Each refusal has its own stable code so a
 * relying party can log precisely why a login was refused and the UI can say what to do
 * (`errors.<CODE>` in src/i18n/locales/*.json). Errors are thrown as {@link QoltanbaError}.
 */
import { QoltanbaError } from '../pki/errors.ts'

/** Stable codes thrown by `verifyLoginCms` and the server's login route. */
export const LoginErrorCode = {
  Malformed: 'ERR_MALFORMED',
  NonceExpired: 'ERR_NONCE_EXPIRED',
  NonceUnknown: 'ERR_NONCE_UNKNOWN',
  OriginMismatch: 'ERR_ORIGIN_MISMATCH',
  PayloadMismatch: 'ERR_PAYLOAD_MISMATCH',
  SignatureInvalid: 'ERR_SIGNATURE_INVALID',
  /** The ESS signingCertificate(V2) attribute names another certificate than the signer's. */
  SigningCertMismatch: 'ERR_SIGNING_CERT_MISMATCH',
  UntrustedChain: 'ERR_UNTRUSTED_CHAIN',
  CertExpired: 'ERR_CERT_EXPIRED',
  CertNotYetValid: 'ERR_CERT_NOT_YET_VALID',
  CertRevoked: 'ERR_CERT_REVOKED',
  CertOnHold: 'ERR_CERT_ON_HOLD',
  RevocationUnknown: 'ERR_REVOCATION_UNKNOWN',
  WrongKeyUsage: 'ERR_WRONG_KEY_USAGE',
  WeakKey: 'ERR_WEAK_KEY',
  WeakAlgorithm: 'ERR_WEAK_ALGORITHM',
  UnsupportedAlgorithm: 'ERR_UNSUPPORTED_ALGORITHM',
  PathLen: 'ERR_PATH_LEN',
  NotACa: 'ERR_NOT_A_CA',
  UnknownCriticalExtension: 'ERR_UNKNOWN_CRITICAL_EXTENSION',
  /** A certificate carries the same extension twice (RFC 5280 §4.2). */
  DuplicateExtension: 'ERR_DUPLICATE_EXTENSION',
  /** A serial number that is not positive or longer than 20 octets (RFC 5280 §4.1.2.2). */
  InvalidSerial: 'ERR_INVALID_SERIAL',
  /** Another RFC 5280 MUST broken by a certificate on the path (details.rule names it). */
  CertProfile: 'ERR_CERT_PROFILE',
  /** A name outside a CA's permitted subtrees, inside its excluded ones, or not checkable. */
  NameConstraints: 'ERR_NAME_CONSTRAINTS',
  /** The path has no valid certificate policy, or not one the relying party requires. */
  PolicyRequired: 'ERR_POLICY_REQUIRED',
  /** The signer certificate is a CA certificate (cA=TRUE or keyCertSign), not an end entity. */
  SignerIsCa: 'ERR_SIGNER_IS_CA',
  /** The CMS signs something other than id-data (a timestamp token, a receipt, …). */
  WrongContentType: 'ERR_WRONG_CONTENT_TYPE',
  AccountUnknown: 'ERR_ACCOUNT_UNKNOWN',
  SessionRequired: 'ERR_SESSION_REQUIRED',
  Forbidden: 'ERR_FORBIDDEN',
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
