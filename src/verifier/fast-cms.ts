/**
 * The fast path of CMS sign-in verification: reads a DER SignedData with the minimal reader in
 * der.ts and verifies an RSA PKCS#1 v1.5 or ECDSA signature directly with a SignatureVerifier
 * (WebCrypto, or node:crypto on the server). asn1js + pkijs spend milliseconds building an object
 * model of the whole structure; this spends microseconds. The checks are the ones pkijs makes
 * (contentType and messageDigest signed attributes, signature over the DER SET of attributes);
 * the ESS signing-certificate attributes are only located here and checked after the signature
 * (signing-certificate.ts), so a CMS without them costs nothing more.
 * Anything else — BER indefinite lengths (NCALayer), RSA-PSS, unusual layouts — throws DerError
 * or returns undefined, and the caller uses the full pkijs path.
 */
import * as pkijs from 'pkijs'
import { sameBytes } from '../core/bytes.ts'
import { AlgorithmOid, CmsOid } from '../pki/oids.ts'
import type { ParsedCertificate } from './certificate.ts'
import { childrenOf, encodingOf, expectTag, DerError, oidOf, readTlv, valueOf, type Tlv } from '../pki/der-reader.ts'
import type { HashName, SignatureScheme, SignatureVerifier } from './signature-verifier.ts'
import type { SigningCertificateAttribute } from './signing-certificate.ts'
import { isGostSignerInfo, verifyGostSignerInfo, type GostDigestOid } from './gost-signer-info.ts'

/** A detached document given by its digest instead of its bytes (the API's `sha256` field, or a GOST digest named by its OID). */
export interface ContentDigest {
  readonly hash: HashName | GostDigestOid
  readonly digest: Uint8Array
}

/** The hash named by a digestAlgorithm OID, when the fast path knows it. */
export function hashOfDigestOid(oid: string): HashName | undefined {
  return HASH_OF_DIGEST[oid]
}

/** The signer's identifier as written in the SignerInfo. */
export type FastSignerId = { readonly issuer: Uint8Array; readonly serial: Uint8Array } | { readonly ski: Uint8Array }

export interface FastSignerInfo {
  readonly sid: FastSignerId
  readonly digestAlgorithm: string
  readonly signatureAlgorithm: pkijs.AlgorithmIdentifier
  /** The [0] IMPLICIT signed attributes, as encoded. */
  readonly signedAttrs?: Uint8Array
  readonly contentTypeAttr?: string
  readonly messageDigest?: Uint8Array
  readonly signingTime?: Date
  /** ESS signingCertificate / signingCertificateV2 values, checked after the signature. */
  readonly signingCertificates?: readonly SigningCertificateAttribute[]
  readonly signature: Uint8Array
  /** The [1] IMPLICIT unsigned attributes (timestamp tokens, countersignatures), each value as encoded. */
  readonly unsignedAttrs?: readonly UnsignedAttribute[]
}

/** One unsigned attribute: its type and the DER of each value. */
export interface UnsignedAttribute {
  readonly type: string
  readonly values: readonly Uint8Array[]
}

export interface FastSignedData {
  readonly eContentType: string
  readonly content?: Uint8Array
  readonly certificates: readonly Uint8Array[]
  /** CRLs carried in the SignedData's `crls` field (validation data embedded by the signer). */
  readonly crls: readonly Uint8Array[]
  readonly signerInfos: readonly FastSignerInfo[]
}

function timeOf(buf: Uint8Array, t: Tlv): Date | undefined {
  const s = new TextDecoder('latin1').decode(valueOf(buf, t))
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  if (!m) return undefined
  let year = Number(m[1])
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
}

/** Reads one SignerInfo (also the value of a countersignature attribute). */
export function signerInfoOf(buf: Uint8Array, si: Tlv): FastSignerInfo {
  const parts = childrenOf(buf, expectTag(si, 0x30))
  let i = 1 // version
  const sidTlv = parts[i++]
  let sid: FastSignerId
  if (sidTlv?.tag === 0x30) {
    const [issuer, serial] = childrenOf(buf, sidTlv)
    sid = { issuer: encodingOf(buf, expectTag(issuer, 0x30)), serial: valueOf(buf, expectTag(serial, 0x02)) }
  } else if (sidTlv?.tag === 0x80) {
    sid = { ski: valueOf(buf, sidTlv) }
  } else throw new DerError('signer identifier')
  const digestAlgorithm = oidOf(valueOf(buf, expectTag(childrenOf(buf, expectTag(parts[i++], 0x30))[0], 0x06)))
  let signedAttrs: Uint8Array | undefined
  let contentTypeAttr: string | undefined
  let messageDigest: Uint8Array | undefined
  let signingTime: Date | undefined
  let signingCertificates: SigningCertificateAttribute[] | undefined
  if (parts[i]?.tag === 0xa0) {
    const attrs = parts[i++] as Tlv
    signedAttrs = encodingOf(buf, attrs)
    for (const attr of childrenOf(buf, attrs)) {
      const [type, values] = childrenOf(buf, expectTag(attr, 0x30))
      const oid = oidOf(valueOf(buf, expectTag(type, 0x06)))
      const vals = childrenOf(buf, expectTag(values, 0x31))
      const ess = oid === CmsOid.signingCertificateV2 || oid === CmsOid.signingCertificate
      if (vals.length !== 1) {
        // The pkijs path refuses these as malformed.
        if (oid === CmsOid.contentType || oid === CmsOid.messageDigest || ess) throw new DerError('multi-valued attribute')
        continue
      }
      const v = vals[0] as Tlv
      // RFC 5652 §11: exactly one of each; a second copy could make two parsers see different values.
      if ((oid === CmsOid.contentType && contentTypeAttr) || (oid === CmsOid.messageDigest && messageDigest)) throw new DerError('duplicate attribute')
      if (oid === CmsOid.contentType) contentTypeAttr = oidOf(valueOf(buf, expectTag(v, 0x06)))
      else if (oid === CmsOid.messageDigest) messageDigest = valueOf(buf, expectTag(v, 0x04))
      else if (oid === CmsOid.signingTime && (v.tag === 0x17 || v.tag === 0x18)) signingTime = timeOf(buf, v)
      else if (ess) {
        // RFC 5035 §5.4: one of each at most.
        if (signingCertificates?.some((a) => a.type === oid)) throw new DerError('duplicate attribute')
        ;(signingCertificates ??= []).push({ type: oid as SigningCertificateAttribute['type'], value: encodingOf(buf, v) })
      }
    }
  }
  const sigAlgTlv = expectTag(parts[i++], 0x30)
  const sigAlgOid = oidOf(valueOf(buf, expectTag(childrenOf(buf, sigAlgTlv)[0], 0x06)))
  // Parameters matter only for RSA-PSS; the full parse is left for that case.
  const signatureAlgorithm =
    sigAlgOid === AlgorithmOid.rsassaPss
      ? pkijs.AlgorithmIdentifier.fromBER(encodingOf(buf, sigAlgTlv).slice())
      : new pkijs.AlgorithmIdentifier({ algorithmId: sigAlgOid })
  const signature = valueOf(buf, expectTag(parts[i++], 0x04))
  let unsignedAttrs: UnsignedAttribute[] | undefined
  if (parts[i]?.tag === 0xa1) {
    unsignedAttrs = childrenOf(buf, parts[i++] as Tlv).map((attr) => {
      const [type, values] = childrenOf(buf, expectTag(attr, 0x30))
      return { type: oidOf(valueOf(buf, expectTag(type, 0x06))), values: childrenOf(buf, expectTag(values, 0x31)).map((v) => encodingOf(buf, v)) }
    })
  }
  return {
    sid,
    ...(unsignedAttrs ? { unsignedAttrs } : {}),
    digestAlgorithm,
    signatureAlgorithm,
    signature,
    ...(signedAttrs ? { signedAttrs } : {}),
    ...(contentTypeAttr ? { contentTypeAttr } : {}),
    ...(messageDigest ? { messageDigest } : {}),
    ...(signingTime ? { signingTime } : {}),
    ...(signingCertificates ? { signingCertificates } : {}),
  }
}

/** Reads a DER ContentInfo(SignedData); throws DerError for anything the fast path does not take. */
export function parseSignedDataDer(buf: Uint8Array): FastSignedData {
  const ci = readTlv(buf, 0)
  if (ci.end !== buf.length) throw new DerError('trailing bytes')
  const [type, explicit] = childrenOf(buf, expectTag(ci, 0x30))
  if (oidOf(valueOf(buf, expectTag(type, 0x06))) !== CmsOid.signedData) throw new DerError('not SignedData')
  const [sdTlv] = childrenOf(buf, expectTag(explicit, 0xa0))
  const sd = childrenOf(buf, expectTag(sdTlv, 0x30))
  let i = 2 // version, digestAlgorithms
  const encap = childrenOf(buf, expectTag(sd[i++], 0x30))
  const eContentType = oidOf(valueOf(buf, expectTag(encap[0], 0x06)))
  let content: Uint8Array | undefined
  if (encap[1]) {
    const [octets] = childrenOf(buf, expectTag(encap[1], 0xa0))
    content = valueOf(buf, expectTag(octets, 0x04)) // a constructed (0x24) string goes to pkijs
  }
  const certificates: Uint8Array[] = []
  if (sd[i]?.tag === 0xa0) {
    for (const c of childrenOf(buf, sd[i++] as Tlv)) if (c.tag === 0x30) certificates.push(encodingOf(buf, c))
  }
  const crls: Uint8Array[] = []
  // CRLs: not used for sign-in; a signed document's verification reads them as embedded validation data.
  if (sd[i]?.tag === 0xa1) {
    for (const c of childrenOf(buf, sd[i++] as Tlv)) if (c.tag === 0x30) crls.push(encodingOf(buf, c))
  }
  const signers = childrenOf(buf, expectTag(sd[i], 0x31)).map((s) => signerInfoOf(buf, s))
  return { eContentType, certificates, crls, signerInfos: signers, ...(content ? { content } : {}) }
}

const HASH_OF_DIGEST: Readonly<Record<string, HashName>> = {
  [AlgorithmOid.sha256]: 'SHA-256',
  [AlgorithmOid.sha384]: 'SHA-384',
  [AlgorithmOid.sha512]: 'SHA-512',
}
const RSA_SIG_HASH: Readonly<Record<string, HashName>> = {
  [AlgorithmOid.sha256WithRsa]: 'SHA-256',
  [AlgorithmOid.sha384WithRsa]: 'SHA-384',
  [AlgorithmOid.sha512WithRsa]: 'SHA-512',
}
const EC_SIG_HASH: Readonly<Record<string, HashName>> = {
  [AlgorithmOid.ecdsaWithSha256]: 'SHA-256',
  [AlgorithmOid.ecdsaWithSha384]: 'SHA-384',
  [AlgorithmOid.ecdsaWithSha512]: 'SHA-512',
}
const CURVES: Readonly<Record<string, { name: string; size: number }>> = {
  [AlgorithmOid.p256]: { name: 'P-256', size: 32 },
  [AlgorithmOid.p384]: { name: 'P-384', size: 48 },
  [AlgorithmOid.p521]: { name: 'P-521', size: 66 },
}

/** The scheme of a SignerInfo with `signer`'s key, or undefined when the fast path does not handle it. */
function schemeOf(info: FastSignerInfo, signer: ParsedCertificate, digestHash: HashName): SignatureScheme | undefined {
  const sigOid = info.signatureAlgorithm.algorithmId
  if (signer.publicKey.algorithm === 'RSA' && signer.publicKey.oid === AlgorithmOid.rsaEncryption && (sigOid === AlgorithmOid.rsaEncryption || RSA_SIG_HASH[sigOid])) {
    return { kind: 'RSASSA-PKCS1-v1_5', hash: RSA_SIG_HASH[sigOid] ?? digestHash }
  }
  if (signer.publicKey.algorithm === 'EC' && (sigOid === AlgorithmOid.ecPublicKey || EC_SIG_HASH[sigOid])) {
    const curve = CURVES[signer.publicKey.curve ?? '']
    return curve ? { kind: 'ECDSA', hash: EC_SIG_HASH[sigOid] ?? digestHash, curve } : undefined
  }
  return undefined
}

/**
 * Verifies one SignerInfo over `content` with `signer`'s key. Resolves false for a wrong
 * signature or attribute mismatch, undefined when the algorithm is not handled here.
 */
export async function verifySignerInfoFast(
  info: FastSignerInfo,
  eContentType: string | undefined,
  signer: ParsedCertificate,
  content: Uint8Array | ContentDigest,
  verifier: SignatureVerifier,
): Promise<boolean | undefined> {
  if (isGostSignerInfo(info.digestAlgorithm, info.signatureAlgorithm.algorithmId)) return verifyGostSignerInfo(info, eContentType, signer, content)
  const digestHash = HASH_OF_DIGEST[info.digestAlgorithm]
  if (!digestHash) return undefined
  const scheme = schemeOf(info, signer, digestHash)
  if (!scheme) return undefined
  let signed: Uint8Array
  if (info.signedAttrs) {
    // eContentType undefined: a countersignature, which must not carry contentType (RFC 5652 §11.1).
    if (info.contentTypeAttr !== eContentType || !info.messageDigest) return false
    const digest = content instanceof Uint8Array ? await verifier.digest(digestHash, content) : content.hash === digestHash ? content.digest : undefined
    if (!digest || !sameBytes(digest, info.messageDigest)) return false
    signed = info.signedAttrs.slice()
    signed[0] = 0x31 // signed over the DER SET OF, not the [0] IMPLICIT tag (RFC 5652 §5.4)
  } else {
    if (!(content instanceof Uint8Array)) return false // no messageDigest to compare a digest with
    signed = content
  }
  return verifier.verify(signer, scheme, info.signature, signed)
}
