/**
 * Verification of a signed document for the /verify page, the API and `qoltanba verify-cms`:
 * every signer of a CMS (co-signatures), each with its own verdict in plain facts — valid or
 * not and the code of why; who (the certificate and the identity in its subject); when (the
 * claimed signingTime and, decisively, a verified RFC 3161 signature timestamp); the validated
 * chain and the status of each of its certificates at the time of signing; which document (its
 * SHA-256). Unlike verifySignedCms, one signer's failure does not hide the others: only an
 * unreadable file (ERR_MALFORMED) or a detached signature without its document
 * (ERR_DOCUMENT_REQUIRED) throws.
 *
 * Time of signing: with a trusted signature timestamp (CAdES-T) the path is validated at the
 * timestamp's genTime, so a certificate that expired later still verifies (note
 * NOTE_EXPIRED_AFTER_TIMESTAMP), and a revocation dated after genTime leaves the signature valid
 * (note NOTE_REVOKED_AFTER_TIMESTAMP): the timestamp proves the signature existed before it.
 * Without one, signingTime is only the signer's claim and the path is validated now.
 * Revocation data embedded in the CMS (its `crls`) is asked first, at the time of signing, so a
 * signature carrying its validation data verifies offline; then the caller's checker, now.
 */
import { toHex } from '../core/bytes.ts'
import { isQoltanbaError, type ErrorCode } from '../core/errors.ts'
import { getCrypto } from '../pki/engine.ts'
import { AlgorithmOid, CmsOid } from '../pki/oids.ts'
import type { ParsedCertificate } from './certificate.ts'
import { checkContentType, parseSignedDataSigners, verifySignedData, MAX_DOCUMENT_CMS_BYTES, type ParsedSignedData } from './cms-signature.ts'
import { localCrlChecker } from './crl.ts'
import { checkEndEntity } from './end-entity.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import { hashOfDigestOid, type ContentDigest } from './fast-cms.ts'
import { GOST_DIGEST_BYTES, gostDocumentDigest, isGostDigestOid } from './gost-signer-info.ts'
import { subjectIdentity, type SubjectIdentity } from './name.ts'
import { DEFAULT_SKEW_MS, validatePath } from './path-validation.ts'
import { requireGoodStatus } from './path-revocation.ts'
import type { RevocationChecker, RevocationResult } from './revocation.ts'
import { checkPurpose, pathOptionsOf, type SignerPurpose, type TrustCheckOptions } from './signer-checks.ts'
import { defaultSignatureVerifier, type HashName, type SignatureVerifier } from './signature-verifier.ts'
import { parseCountersignatures } from './countersignature.ts'
import { SIGNATURE_TIMESTAMP_OID, verifyTimestampToken, type TimestampVerification } from './timestamp-token.ts'
import { createTrustStore, type TrustStore } from './trust-store.ts'
import { sameBytes } from '../core/bytes.ts'

/** Stable codes of the facts a valid verdict adds (the UI translates `verify.note.<code>`). */
export const VerdictNote = {
  /** Revoked after the trusted timestamp: the signature stays valid. */
  RevokedAfterTimestamp: 'NOTE_REVOKED_AFTER_TIMESTAMP',
  /** The certificate expired after the trusted timestamp: the signature stays valid. */
  ExpiredAfterTimestamp: 'NOTE_EXPIRED_AFTER_TIMESTAMP',
  /** No trusted timestamp: the time of signing is the signer's claim; checked as of now. */
  NoTimestamp: 'NOTE_NO_TIMESTAMP',
} as const
export type VerdictNote = (typeof VerdictNote)[keyof typeof VerdictNote]

/** CMS: no signed attributes naming the certificate; CAdES-BES: ESS signingCertificate(V2); CAdES-T: plus a valid signature timestamp. */
export type SignatureLevel = 'CMS' | 'CAdES-BES' | 'CAdES-T'

export interface SignerVerdict {
  readonly valid: boolean
  /** Why not (absent when valid). */
  readonly code?: ErrorCode
  /** English reason for logs and the CLI; the UI words it from `code`. */
  readonly reason?: string
  readonly details?: Readonly<Record<string, string | number | boolean>>
  readonly level: SignatureLevel
  readonly certificate: ParsedCertificate
  readonly identity: SubjectIdentity
  readonly digestAlgorithm: string
  readonly signatureAlgorithm: string
  /** The signer's claimed time (signed attribute). */
  readonly signingTime?: Date
  /** The verified signature timestamp, the decisive time of signing. */
  readonly timestamp?: TimestampVerification
  /** The time the path and status were judged at: the timestamp, else now. */
  readonly checkedAt: Date
  /** Leaf first, anchor last; empty when verification stopped before the path. */
  readonly chain: readonly ParsedCertificate[]
  /** Status answers for the chain but the anchor, leaf first. */
  readonly revocations: readonly RevocationResult[]
  readonly notes: readonly VerdictNote[]
  /** Countersignatures over this signer's signature value (RFC 5652 §11.4), each with its own verdict. */
  readonly countersignatures: readonly SignerVerdict[]
}

export interface DocumentVerification {
  /** Every signer valid. */
  readonly valid: boolean
  /** The signed document: SHA-256 (hex) of the content, its size when the bytes were at hand. */
  readonly document: { readonly sha256: string; readonly bytes?: number; readonly attached: boolean }
  /** The encapsulated content of an attached signature. */
  readonly content?: Uint8Array
  readonly signers: readonly SignerVerdict[]
}

export interface VerifyDocumentOptions extends TrustCheckOptions {
  readonly cms: Uint8Array | string
  /** The document of a detached signature. */
  readonly content?: Uint8Array
  /** The detached document's SHA-256 instead of its bytes (needs signed attributes with SHA-256). */
  readonly contentSha256?: Uint8Array
  /**
   * The detached document's digests instead of its bytes (a server hashing an upload as it
   * streams, with every hash a signer may have used); SHA-256 is required.
   */
  readonly contentDigests?: Readonly<Partial<Record<HashName, Uint8Array>>>
  /**
   * The detached document's digests keyed by the CMS digestAlgorithm OID: SHA-2 and NCA's GOST
   * (1.2.398.3.10.1.3.1 GOST 34.311-95, 1.2.398.3.10.1.3.3 Streebog-512), for a document hashed
   * on the device or as it streams. Merged with `contentDigests`; SHA-256 is still required.
   */
  readonly contentDigestsByOid?: Readonly<Record<string, Uint8Array>>
  /** Default 'signature'. */
  readonly purpose?: SignerPurpose
  /** Largest CMS read (default 64 MB: an attached signature holds the document). */
  readonly maxCmsBytes?: number
}

const SHA_OID: Readonly<Record<HashName, string>> = { 'SHA-256': AlgorithmOid.sha256, 'SHA-384': AlgorithmOid.sha384, 'SHA-512': AlgorithmOid.sha512 }
const DIGEST_BYTES: Readonly<Record<string, number>> = { [AlgorithmOid.sha256]: 32, [AlgorithmOid.sha384]: 48, [AlgorithmOid.sha512]: 64, ...GOST_DIGEST_BYTES }

interface Context {
  readonly store: TrustStore
  readonly now: Date
  readonly skewMs: number
  readonly crypto: Crypto
  readonly verifier: SignatureVerifier
  readonly revocation: RevocationChecker
  readonly purpose: SignerPurpose
  readonly opts: VerifyDocumentOptions
}

function levelOf(parsed: ParsedSignedData, timestamp: TimestampVerification | undefined): SignatureLevel {
  if (!parsed.signingCertificates.length) return 'CMS'
  return timestamp ? 'CAdES-T' : 'CAdES-BES'
}

/**
 * Refuses with ERR_DOCUMENT_CHANGED when the content's digest is not the signed messageDigest.
 * Returns what the signature check is to use: for a GOST digest the one just computed (the pure
 * JavaScript GOST hashes are the slow part of a large document, so they run once).
 */
async function checkDocument(parsed: ParsedSignedData, content: Uint8Array | ContentDigest, verifier: SignatureVerifier, countersignature: boolean): Promise<Uint8Array | ContentDigest> {
  if (!parsed.messageDigest) {
    if (!(content instanceof Uint8Array)) refuse(LoginErrorCode.DocumentRequired, 'This signature has no signed attributes: send the document itself, not its hash')
    return content // no digest to compare: a changed document fails as ERR_SIGNATURE_INVALID
  }
  const oid = parsed.digestAlgorithm
  const hash = hashOfDigestOid(oid) ?? (isGostDigestOid(oid) ? oid : undefined)
  if (!hash) return content // verifySignedData refuses the algorithm with its own code
  if (!(content instanceof Uint8Array) && content.hash !== hash) {
    refuse(LoginErrorCode.DocumentRequired, `This signature digests the document with ${hash}: send the document itself`, { digest: hash })
  }
  const digest = !(content instanceof Uint8Array) ? content.digest : isGostDigestOid(hash) ? await gostDocumentDigest(hash, content) : await verifier.digest(hash, content)
  if (!sameBytes(digest, parsed.messageDigest)) {
    // A countersignature over another signature value is a wrong signature, not a changed document.
    if (countersignature) refuse(LoginErrorCode.SignatureInvalid, 'The countersignature covers another signature')
    refuse(LoginErrorCode.DocumentChanged, 'The document is not the one that was signed (its digest differs from the signed messageDigest)', {
      signed: toHex(parsed.messageDigest),
      given: toHex(digest),
    })
  }
  return isGostDigestOid(hash) ? { hash, digest } : content
}

async function firstValidTimestamp(parsed: ParsedSignedData, ctx: Context): Promise<TimestampVerification | undefined> {
  const tokens = parsed.unsignedAttributes.filter((a) => a.type === SIGNATURE_TIMESTAMP_OID).flatMap((a) => a.values)
  let failure: unknown
  for (const token of tokens) {
    try {
      return await verifyTimestampToken({
        token,
        signatureValue: parsed.signatureValue,
        store: ctx.store,
        revocation: ctx.revocation,
        skewMs: ctx.skewMs,
        crypto: ctx.crypto,
        verifier: ctx.verifier,
      })
    } catch (e) {
      failure = e
    }
  }
  if (failure) throw failure // a timestamp that does not hold makes the signature not valid, not "untimed"
  return undefined
}

/** Status of each certificate but the anchor; revocations after the trusted timestamp are noted, not refused. */
async function pathStatus(chain: readonly ParsedCertificate[], parsed: ParsedSignedData, ctx: Context, timestamp: TimestampVerification | undefined, notes: VerdictNote[]): Promise<RevocationResult[]> {
  const embedded = parsed.crls.length ? localCrlChecker(parsed.crls) : undefined
  const answers: RevocationResult[] = []
  for (let depth = 0; depth < chain.length - 1; depth++) {
    const certificate = chain[depth] as ParsedCertificate
    const issuer = chain[depth + 1] as ParsedCertificate
    let answer = embedded ? await embedded.check(certificate, issuer, timestamp?.time ?? ctx.now) : undefined
    if (answer?.status === 'unknown') answer = undefined
    answer = answer ? { ...answer, source: `embedded-${answer.source}` } : await ctx.revocation.check(certificate, issuer, ctx.now)
    answers.push(answer)
  }
  const position = (depth: number) => ({ depth, certificate: chain[depth] as ParsedCertificate })
  // Definite refusals first (as checkPathRevocation), the signer before its CAs.
  for (const status of ['revoked', 'hold', 'unknown'] as const) {
    answers.forEach((a, depth) => {
      if (a.status !== status && !(status === 'unknown' && !['good', 'revoked', 'hold'].includes(a.status))) return
      if (status !== 'unknown' && timestamp && a.revokedAt && a.revokedAt.getTime() > timestamp.time.getTime()) {
        if (!notes.includes(VerdictNote.RevokedAfterTimestamp)) notes.push(VerdictNote.RevokedAfterTimestamp)
        return
      }
      requireGoodStatus(a, position(depth))
    })
  }
  return answers
}

async function verifySigner(parsed: ParsedSignedData, content: Uint8Array | ContentDigest, ctx: Context, countersignature = false): Promise<SignerVerdict> {
  const notes: VerdictNote[] = []
  let timestamp: TimestampVerification | undefined
  let chain: readonly ParsedCertificate[] = []
  let revocations: readonly RevocationResult[] = []
  let checkedAt = ctx.now
  const base = {
    certificate: parsed.signer,
    identity: subjectIdentity(parsed.signer.cert.subject),
    digestAlgorithm: parsed.digestAlgorithm,
    signatureAlgorithm: parsed.signatureAlgorithm,
    ...(parsed.signingTime ? { signingTime: parsed.signingTime } : {}),
  }
  try {
    const checked = await checkDocument(parsed, content, ctx.verifier, countersignature)
    await verifySignedData(parsed, checked, ctx.crypto, ctx.verifier)
    timestamp = await firstValidTimestamp(parsed, ctx)
    checkedAt = timestamp?.time ?? ctx.now
    if (!timestamp) notes.push(VerdictNote.NoTimestamp)
    chain = await validatePath({
      leaf: parsed.signer,
      intermediates: [...parsed.certificates.filter((c) => c !== parsed.signer), ...ctx.store.intermediates],
      anchors: ctx.store.anchors,
      now: checkedAt,
      skewMs: ctx.skewMs,
      linkCache: ctx.store.linkCache,
      crypto: ctx.crypto,
      ...pathOptionsOf(ctx.opts),
    })
    if (timestamp && chain.some((c) => c.notAfter.getTime() < ctx.now.getTime())) notes.push(VerdictNote.ExpiredAfterTimestamp)
    checkEndEntity(parsed.signer)
    checkPurpose(parsed.signer, ctx.purpose)
    revocations = await pathStatus(chain, parsed, ctx, timestamp, notes)
    const countersignatures = countersignature ? [] : await verifyCountersignatures(parsed, ctx)
    return { valid: true, level: levelOf(parsed, timestamp), ...base, ...(timestamp ? { timestamp } : {}), checkedAt, chain, revocations, notes, countersignatures }
  } catch (e) {
    if (!isQoltanbaError(e)) throw e // the caller's own checker failing is the caller's error
    return {
      valid: false,
      code: e.code,
      reason: e.message,
      details: e.details,
      level: levelOf(parsed, timestamp),
      ...base,
      ...(timestamp ? { timestamp } : {}),
      checkedAt,
      chain,
      revocations,
      notes,
      // Who countersigned is still named (with their own verdict) when this signer is not valid.
      countersignatures: countersignature ? [] : await verifyCountersignatures(parsed, ctx).catch(noCountersignatures),
    }
  }
}

/** Each countersignature's verdict; they vouch for the signature, so its own verdict does not depend on them. */
/** An unreadable countersignature of a signer already found invalid adds nothing to its verdict. */
function noCountersignatures(e: unknown): SignerVerdict[] {
  if (isQoltanbaError(e)) return []
  throw e
}

async function verifyCountersignatures(parsed: ParsedSignedData, ctx: Context): Promise<SignerVerdict[]> {
  const out: SignerVerdict[] = []
  for (const counter of parseCountersignatures(parsed)) out.push(await verifySigner(counter, parsed.signatureValue, ctx, true))
  return out
}

/**
 * Verifies every signer of a signed document. Throws only a QoltanbaError: ERR_MALFORMED for an
 * unreadable file, ERR_WRONG_CONTENT_TYPE for a CMS that is not over id-data, ERR_DOCUMENT_REQUIRED
 * for a detached signature without its document or hash.
 */
export async function verifyDocumentSignatures(opts: VerifyDocumentOptions): Promise<DocumentVerification> {
  const crypto = opts.crypto ?? getCrypto()
  const verifier = opts.signatureVerifier ?? defaultSignatureVerifier(crypto)
  const signers = parseSignedDataSigners(opts.cms, opts.maxCmsBytes ?? MAX_DOCUMENT_CMS_BYTES)
  const first = signers[0] as ParsedSignedData
  checkContentType(first, [CmsOid.data])
  const attached = first.content !== undefined
  const bytes = first.content ?? opts.content
  // Every digest given, keyed by the signer's digestAlgorithm OID (the by-hash-name forms are the older input).
  const byOid: Record<string, Uint8Array> = { ...opts.contentDigestsByOid }
  for (const [hash, d] of Object.entries(opts.contentDigests ?? {})) if (d) byOid[SHA_OID[hash as HashName]] = d
  if (opts.contentSha256) byOid[AlgorithmOid.sha256] = opts.contentSha256
  let sha256: Uint8Array
  if (bytes) {
    sha256 = await verifier.digest('SHA-256', bytes)
  } else if (byOid[AlgorithmOid.sha256]) {
    sha256 = byOid[AlgorithmOid.sha256] as Uint8Array
    for (const [oid, d] of Object.entries(byOid)) {
      const size = DIGEST_BYTES[oid]
      if (size === undefined) refuse(LoginErrorCode.Malformed, `No digest algorithm ${oid} is known`, { oid })
      if (d.length !== size) refuse(LoginErrorCode.Malformed, `A ${oid} digest is ${size} bytes`, { oid })
    }
  } else {
    return refuse(LoginErrorCode.DocumentRequired, 'The signature is detached: give the signed document (or its SHA-256)')
  }
  // The document as each signer's digest algorithm needs it: its bytes, or the digest given for that hash.
  const contentFor = (parsed: ParsedSignedData): Uint8Array | ContentDigest => {
    if (bytes) return bytes
    const oid = parsed.digestAlgorithm
    const given = byOid[oid]
    if (given && isGostDigestOid(oid)) return { hash: oid, digest: given }
    const hash = hashOfDigestOid(oid) ?? 'SHA-256'
    // Without this signer's digest, SHA-256's stands in under its own name: checkDocument asks for the document.
    return given ? { hash, digest: given } : { hash: 'SHA-256', digest: sha256 }
  }
  const ctx: Context = {
    store: 'anchors' in opts.trustAnchors ? opts.trustAnchors : createTrustStore(opts.trustAnchors),
    now: opts.now ?? new Date(),
    skewMs: opts.skewMs ?? DEFAULT_SKEW_MS,
    crypto,
    verifier,
    revocation: opts.revocation,
    purpose: opts.purpose ?? 'signature',
    opts,
  }
  const verdicts: SignerVerdict[] = []
  for (const parsed of signers) verdicts.push(await verifySigner(parsed, contentFor(parsed), ctx))
  return {
    valid: verdicts.every((v) => v.valid),
    document: { sha256: toHex(sha256), attached, ...(bytes ? { bytes: bytes.length } : {}) },
    ...(first.content ? { content: first.content } : {}),
    signers: verdicts,
  }
}
