/**
 * RFC 3161 signature timestamps (CAdES-T, ETSI EN 319 122-1 §5.3): the unsigned attribute
 * id-aa-signatureTimeStampToken holds a timestamp token — a SignedData over a TSTInfo — whose
 * message imprint is the hash of the SignerInfo's signature value. A token counts only when:
 * its TSTInfo parses and its imprint matches that signature value; the token's own signature
 * verifies (ESS signing-certificate binding included); the TSA certificate is an end entity
 * whose extKeyUsage is exactly timeStamping, critical (RFC 3161 §2.3); and its path validates to
 * a trusted anchor at genTime, without a revocation at or before genTime (a later revocation
 * for key or CA compromise also voids it: the key may have signed that genTime afterwards).
 * Any failure is ERR_TIMESTAMP_INVALID with the underlying code in `details.reason`.
 */
import * as pkijs from 'pkijs'
import { sameBytes, toHex } from '../core/bytes.ts'
import { isQoltanbaError } from '../core/errors.ts'
import { EkuOid, ExtensionOid } from '../pki/oids.ts'
import type { ParsedCertificate } from './certificate.ts'
import { checkContentType, parseSignedData, verifySignedData } from './cms-signature.ts'
import { checkEndEntity } from './end-entity.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import { hashOfDigestOid } from './fast-cms.ts'
import { subjectIdentity, type SubjectIdentity } from './name.ts'
import { validatePath } from './path-validation.ts'
import type { RevocationChecker, RevocationResult } from './revocation.ts'
import type { SignatureVerifier } from './signature-verifier.ts'
import type { TrustStore } from './trust-store.ts'

/** id-aa-signatureTimeStampToken (RFC 3161 appendix A, CAdES-T). */
export const SIGNATURE_TIMESTAMP_OID = '1.2.840.113549.1.9.16.2.14'
/** id-ct-TSTInfo. */
export const TSTINFO_OID = '1.2.840.113549.1.9.16.1.4'

/** RFC 5280 CRLReason codes after which nothing the key signed can be trusted. */
const COMPROMISE_REASONS: ReadonlySet<number> = new Set([1, 2]) // keyCompromise, cACompromise

export interface TimestampCheckInput {
  /** The token (ContentInfo SignedData over TSTInfo), DER. */
  readonly token: Uint8Array
  /** The signature value the token must cover. */
  readonly signatureValue: Uint8Array
  readonly store: TrustStore
  readonly revocation: RevocationChecker
  readonly skewMs: number
  readonly crypto: Crypto
  readonly verifier: SignatureVerifier
}

/** A timestamp token that passed every check. */
export interface TimestampVerification {
  readonly time: Date
  readonly tsa: ParsedCertificate
  readonly tsaIdentity: SubjectIdentity
  readonly chain: readonly ParsedCertificate[]
  readonly policy: string
  /** TSTInfo serialNumber, hex. */
  readonly serialHex: string
  readonly revocation: RevocationResult
}

function invalid(message: string, details: Readonly<Record<string, string | number | boolean>> = {}, cause?: unknown): never {
  return refuse(LoginErrorCode.TimestampInvalid, message, details, cause)
}

function tstInfoOf(content: Uint8Array): pkijs.TSTInfo {
  try {
    return pkijs.TSTInfo.fromBER(content.slice())
  } catch (e) {
    return invalid('The timestamp token does not hold a readable TSTInfo', { reason: LoginErrorCode.Malformed }, e)
  }
}

function checkTsaPurpose(tsa: ParsedCertificate): void {
  const eku = tsa.extKeyUsage
  if (!eku || eku.length !== 1 || eku[0] !== EkuOid.timeStamping || !tsa.criticalExtensions.includes(ExtensionOid.extKeyUsage)) {
    invalid('The timestamp authority certificate lacks the critical timeStamping extended key usage (RFC 3161 §2.3)', {
      reason: LoginErrorCode.WrongKeyUsage,
      subject: tsa.subjectDn,
    })
  }
}

async function checks(input: TimestampCheckInput): Promise<TimestampVerification> {
  const parsed = parseSignedData(input.token)
  checkContentType(parsed, [TSTINFO_OID])
  if (!parsed.content) invalid('The timestamp token carries no TSTInfo', { reason: LoginErrorCode.Malformed })
  const tst = tstInfoOf(parsed.content)
  const hash = hashOfDigestOid(tst.messageImprint.hashAlgorithm.algorithmId)
  if (!hash) refuse(LoginErrorCode.UnsupportedAlgorithm, `The timestamp imprint uses an unsupported hash ${tst.messageImprint.hashAlgorithm.algorithmId}`)
  const imprint = await input.verifier.digest(hash, input.signatureValue)
  if (!sameBytes(imprint, tst.messageImprint.hashedMessage.valueBlock.valueHexView)) {
    invalid('The timestamp covers another signature (message imprint mismatch)', { reason: LoginErrorCode.SignatureInvalid })
  }
  await verifySignedData(parsed, parsed.content, input.crypto, input.verifier)
  const tsa = parsed.signer
  checkTsaPurpose(tsa)
  checkEndEntity(tsa)
  const time = tst.genTime
  const chain = await validatePath({
    leaf: tsa,
    intermediates: [...parsed.certificates.filter((c) => c !== tsa), ...input.store.intermediates],
    anchors: input.store.anchors,
    now: time,
    skewMs: input.skewMs,
    linkCache: input.store.linkCache,
    crypto: input.crypto,
  })
  const revocation = await input.revocation.check(tsa, chain[1] as ParsedCertificate, new Date())
  if (revocation.status === 'revoked' || revocation.status === 'hold') {
    const at = revocation.revokedAt?.getTime()
    if (at === undefined || at <= time.getTime() || COMPROMISE_REASONS.has(revocation.reason ?? -1) || revocation.status === 'hold') {
      refuse(LoginErrorCode.CertRevoked, 'The timestamp authority certificate is revoked', { source: revocation.source })
    }
  } else if (revocation.status !== 'good') {
    refuse(LoginErrorCode.RevocationUnknown, `The timestamp authority certificate status could not be established: ${revocation.detail ?? 'unknown'}`, { source: revocation.source })
  }
  return {
    time,
    tsa,
    tsaIdentity: subjectIdentity(tsa.cert.subject),
    chain,
    policy: tst.policy,
    serialHex: toHex(tst.serialNumber.valueBlock.valueHexView),
    revocation,
  }
}

/**
 * Verifies one signature timestamp token over `signatureValue`. Throws only a QoltanbaError:
 * ERR_TIMESTAMP_INVALID, with the code of what failed in `details.reason`.
 */
export async function verifyTimestampToken(input: TimestampCheckInput): Promise<TimestampVerification> {
  try {
    return await checks(input)
  } catch (e) {
    if (isQoltanbaError(e) && e.code === LoginErrorCode.TimestampInvalid) throw e
    if (isQoltanbaError(e)) invalid(`The signature timestamp is not valid: ${e.message}`, { reason: e.code, ...e.details }, e)
    return invalid('The signature timestamp could not be read', { reason: LoginErrorCode.Malformed }, e)
  }
}
