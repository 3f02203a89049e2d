/**
 * Relying-party sign-in verification: everything a portal needs to accept a certificate sign-in
 * made with Qoltanba, NCALayer or OpenSSL. Pure TypeScript over pkijs and WebCrypto; runs in Node
 * and browsers. See README.md in this folder and the project README.
 */
export { verifyLoginCms, type VerifyLoginOptions, type LoginVerification, type SignerCertificateInfo } from './verify-login.ts'
export { LoginErrorCode, refuse } from './errors.ts'
export {
  buildLoginPayload,
  parseLoginPayload,
  createNonce,
  normalizeOrigin,
  LOGIN_PAYLOAD_TYPE,
  LOGIN_CHALLENGE_TTL_MS,
  type LoginPayload,
} from './login-payload.ts'
export { bytesEqual } from '../core/bytes.ts'
export { createTrustStore, isInStore, type TrustStore } from './trust-store.ts'
export { parseCertificate, type ParsedCertificate, type PublicKeyFacts, type KeyUsageBit } from './certificate.ts'
export { subjectIdentity, type SubjectIdentity } from './name.ts'
export { validatePath, DEFAULT_SKEW_MS, UNDERSTOOD_CRITICAL_EXTENSIONS, type PathValidationInput } from './path-validation.ts'
export { parseSignedData, verifySignedData, decodeCmsInput, type ParsedSignedData } from './cms-signature.ts'
export {
  firstAnswer,
  routeByIssuer,
  acceptWithoutRevocationCheck,
  cacheCaAnswers,
  REASON_CERTIFICATE_HOLD,
  type CaAnswerCacheOptions,
  type RevocationChecker,
  type RevocationResult,
  type RevocationState,
} from './revocation.ts'
export { ocspChecker, type OcspCheckerOptions } from './ocsp.ts'
export { crlChecker, localCrlChecker, type CrlCheckerOptions, type LocalCrlCheckerOptions } from './crl.ts'
export { checkPathRevocation, type PathPosition } from './path-revocation.ts'
export { LinkCache } from './link-cache.ts'
export { webCryptoVerifier, ecdsaDerToRaw, type SignatureVerifier, type SignatureScheme, type HashName } from './signature-verifier.ts'
export type { FetchLike } from './fetch-bytes.ts'
export { verifySignedCms, type VerifySignedCmsOptions, type SignedCmsVerification } from './verify-cms.ts'
export { verifySignerAndPath, requireGoodStatus, type SignerPurpose, type TrustCheckOptions } from './signer-checks.ts'
export { parseSignedDataSigners, MAX_DOCUMENT_CMS_BYTES } from './cms-signature.ts'
export { isGostDigestOid, gostDocumentDigest, GOST_DIGEST_BYTES, type GostDigestOid } from './gost-signer-info.ts'
export {
  verifyDocumentSignatures,
  VerdictNote,
  type VerifyDocumentOptions,
  type DocumentVerification,
  type SignerVerdict,
  type SignatureLevel,
} from './verify-document.ts'
export { verifyTimestampToken, SIGNATURE_TIMESTAMP_OID, TSTINFO_OID, type TimestampVerification } from './timestamp-token.ts'
export { verificationReport, type VerificationReport, type SignerReport, type CertificateSummary } from './verification-report.ts'
