/**
 * The one table of stable error codes (web-eid.js keeps one enum too). Every refusal anywhere —
 * pki, keystore, agents, verifier, the server's API — carries one of these strings, the UI maps it
 * to `errors.<CODE>` in src/i18n/locales/*.json (test/i18n/error-codes.test.ts checks kk, ru and en
 * for every entry) and tests assert codes, never English text.
 *
 * Areas keep named subsets for readability (`LoginErrorCode` in src/verifier/errors.ts,
 * `ApiErrorCode` in server/errors.ts); their values come from here, so a code cannot be invented
 * in one area without this table knowing it.
 */
export const ErrorCode = {
  // Input and parsing (pki, keystore, server)
  Malformed: 'ERR_MALFORMED',
  TooLarge: 'ERR_TOO_LARGE',
  UnsupportedAlgorithm: 'ERR_UNSUPPORTED_ALGORITHM',
  GostKey: 'ERR_GOST_KEY',
  WeakKey: 'ERR_WEAK_KEY',
  WeakAlgorithm: 'ERR_WEAK_ALGORITHM',
  SignatureInvalid: 'ERR_SIGNATURE_INVALID',
  KeyMismatch: 'ERR_KEY_MISMATCH',
  InvalidIin: 'ERR_INVALID_IIN',
  InvalidBin: 'ERR_INVALID_BIN',

  // Key containers (keystore)
  WrongPassword: 'ERR_WRONG_PASSWORD',
  MacMismatch: 'ERR_MAC_MISMATCH',
  Locked: 'ERR_LOCKED',
  RetryLater: 'ERR_RETRY_LATER',
  StorageFailed: 'ERR_STORAGE_FAILED',
  NotFound: 'ERR_NOT_FOUND',
  /** A key file with no certificate usable for sign-in. */
  NoAuthCertificate: 'ERR_NO_AUTH_CERTIFICATE',

  // Signers and local agents (agents, agent/)
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

  // Sign-in and signature verification (verifier)
  NonceExpired: 'ERR_NONCE_EXPIRED',
  NonceUnknown: 'ERR_NONCE_UNKNOWN',
  OriginMismatch: 'ERR_ORIGIN_MISMATCH',
  PayloadMismatch: 'ERR_PAYLOAD_MISMATCH',
  /** The ESS signingCertificate(V2) attribute names another certificate than the signer's. */
  SigningCertMismatch: 'ERR_SIGNING_CERT_MISMATCH',
  UntrustedChain: 'ERR_UNTRUSTED_CHAIN',
  CertExpired: 'ERR_CERT_EXPIRED',
  CertNotYetValid: 'ERR_CERT_NOT_YET_VALID',
  CertRevoked: 'ERR_CERT_REVOKED',
  CertOnHold: 'ERR_CERT_ON_HOLD',
  RevocationUnknown: 'ERR_REVOCATION_UNKNOWN',
  WrongKeyUsage: 'ERR_WRONG_KEY_USAGE',
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
  /** A signed document's bytes differ from what was signed (its messageDigest): changed after signing. */
  DocumentChanged: 'ERR_DOCUMENT_CHANGED',
  /** A detached signature was sent without its document (or the document's SHA-256). */
  DocumentRequired: 'ERR_DOCUMENT_REQUIRED',
  /** A signature timestamp (RFC 3161 token) does not hold; details.reason has the code of what failed. */
  TimestampInvalid: 'ERR_TIMESTAMP_INVALID',
  AccountUnknown: 'ERR_ACCOUNT_UNKNOWN',
  SessionRequired: 'ERR_SESSION_REQUIRED',
  Forbidden: 'ERR_FORBIDDEN',

  // The Registration Center's API (server, api)
  Network: 'ERR_NETWORK',
  Internal: 'ERR_INTERNAL',
  Validation: 'ERR_VALIDATION',
  UnsupportedMediaType: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  RateLimited: 'ERR_RATE_LIMITED',
  Unauthorized: 'ERR_UNAUTHORIZED',
  AccessDenied: 'ERR_ACCESS_DENIED',
  UnknownProfile: 'ERR_UNKNOWN_PROFILE',
  PersonNotFound: 'ERR_PERSON_NOT_FOUND',
  KeyAlreadyCertified: 'ERR_KEY_ALREADY_CERTIFIED',
  KeyPending: 'ERR_KEY_PENDING',
  DuplicateKey: 'ERR_DUPLICATE_KEY',
  CsrMismatch: 'ERR_CSR_MISMATCH',
  CsrNameMismatch: 'ERR_CSR_NAME_MISMATCH',
  IdempotencyKeyRequired: 'ERR_IDEMPOTENCY_KEY_REQUIRED',
  IdempotencyConflict: 'ERR_IDEMPOTENCY_CONFLICT',
  InvalidState: 'ERR_INVALID_STATE',
  ApplicationExpired: 'ERR_APPLICATION_EXPIRED',
  CaUnavailable: 'ERR_CA_UNAVAILABLE',
  /** The issuing CA certificate is on the root CRL (`qoltanba ca revoke-issuing`): nothing more is issued under it. */
  IssuingCaRevoked: 'ERR_ISSUING_CA_REVOKED',
  RegistryUnavailable: 'ERR_REGISTRY_UNAVAILABLE',
  /** The server sheds load (event loop or memory over its limit): retry after the Retry-After seconds. */
  Overloaded: 'ERR_OVERLOADED',
  /** GET /api/v1/ready: database, migrations or keys not ready, or the instance is shutting down. */
  NotReady: 'ERR_NOT_READY',

  // Revocation requests (server/pki-routes, server/ca)
  InvalidReason: 'ERR_INVALID_REASON',
  AlreadyRevoked: 'ERR_ALREADY_REVOKED',
  /** A signed revocation request names another certificate than the one it is sent for. */
  RequestMismatch: 'ERR_REQUEST_MISMATCH',
  RequestExpired: 'ERR_REQUEST_EXPIRED',
  /** The serial is not one this registration center's CA issued (e.g. an NCA certificate): revoke it at its own CA. */
  NotIssuedHere: 'ERR_NOT_ISSUED_HERE',
  /** The certificate has expired: it can no longer be used, and there is nothing to revoke or suspend. */
  ExpiredNotRevocable: 'ERR_EXPIRED_NOT_REVOCABLE',

  // The operator's decisions (server/applications/review.ts)
  /** Approval without the operator's statement that the applicant's identity document was checked. */
  IdentityNotChecked: 'ERR_IDENTITY_NOT_CHECKED',

  // Registration centers (server/centers, src/core/centers-wire.ts)
  /** No registration center with this id. */
  CenterNotFound: 'ERR_CENTER_NOT_FOUND',
  /** The registration center is deactivated: it takes no new applications. */
  CenterInactive: 'ERR_CENTER_INACTIVE',
  /** A registration center with this id already exists. */
  CenterExists: 'ERR_CENTER_EXISTS',
  /** A center's field breaks a rule of centers-wire.ts (details.field, details.rule). */
  CenterInvalid: 'ERR_CENTER_INVALID',

  // Signing in to portals through OpenID Connect (server/oidc, src/api/oidc-client.ts)
  /** The portal's sign-in request (interaction) is unknown or has expired. */
  InteractionNotFound: 'ERR_INTERACTION_NOT_FOUND',
  /** The portal's sign-in needs a certificate sign-in made during it (or within 5 minutes). */
  FreshSigninRequired: 'ERR_FRESH_SIGNIN_REQUIRED',
  /** The portal accepts only a key on a hardware token (acr/amr hwk). */
  HardwareKeyRequired: 'ERR_HARDWARE_KEY_REQUIRED',

  // Hand-offs to the phone (server/handoffs, src/api/handoff-client.ts)
  /** No such hand-off, or the secret (or the requester's token) is wrong: deliberately not told apart. */
  HandoffNotFound: 'ERR_HANDOFF_NOT_FOUND',
  /** The hand-off's lifetime (at most 5 minutes) is over: the requesting screen shows a new QR code. */
  HandoffExpired: 'ERR_HANDOFF_EXPIRED',
  /** The QR code was already opened (a second scan, a replayed screenshot), or the hand-off already answered or collected. */
  HandoffUsed: 'ERR_HANDOFF_USED',
  /** A kiosk's application was signed on the phone with a certificate of another person than it names. */
  HandoffOtherPerson: 'ERR_HANDOFF_OTHER_PERSON',

  // E-mail address confirmation (server/mail)
  /** No address waits for confirmation under this application number. */
  MailNotRequested: 'ERR_MAIL_NOT_REQUESTED',
  /** The confirmation code is wrong (details.attemptsLeft). */
  MailCodeWrong: 'ERR_MAIL_CODE_WRONG',
  /** Too many wrong confirmation codes: this address can no longer be confirmed. */
  MailCodeLocked: 'ERR_MAIL_CODE_LOCKED',
  /** A new confirmation code was sent a moment ago (details.retryAfterMs). */
  MailResendTooSoon: 'ERR_MAIL_RESEND_TOO_SOON',
  /** The confirmation code was sent five times: no more. */
  MailResendLimit: 'ERR_MAIL_RESEND_LIMIT',

  // Online renewal with the current key (server/renewals)
  /** The renewal is not signed by the signing key of the certificate pair it renews. */
  RenewalWrongKey: 'ERR_RENEWAL_WRONG_KEY',
  /** The certificate is not yet inside the renewal window (details.opensAt). */
  RenewalTooEarly: 'ERR_RENEWAL_TOO_EARLY',
  /** The certificate has expired: a new application at a registration center is needed. */
  RenewalExpired: 'ERR_RENEWAL_EXPIRED',
  /** The certificate is revoked or suspended (details.status). */
  RenewalRevoked: 'ERR_RENEWAL_REVOKED',
  /** The renewal names another person than the certificate's holder. */
  RenewalOtherPerson: 'ERR_RENEWAL_OTHER_PERSON',
  /** These certificates were already renewed (details.number: the renewal application). */
  AlreadyRenewed: 'ERR_ALREADY_RENEWED',
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

const KNOWN: ReadonlySet<string> = new Set(Object.values(ErrorCode))

/** True when `code` is in the table (for codes that arrive as text: API bodies, agent replies). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code)
}
