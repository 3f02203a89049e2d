/**
 * CMS SignerInfos signed with NCA's GOST keys (issue 23): the digest and the signature come from
 * src/pki/gost (loaded on first use) instead of the injected SignatureVerifier, whose WebCrypto
 * and node:crypto have no GOST. The checks are the fast path's: contentType and messageDigest
 * signed attributes, then the signature over the DER SET of attributes (or over the content).
 */
import { sameBytes } from '../core/bytes.ts'
import { GostOid, isGostOid } from '../pki/oids.ts'
import type { ParsedCertificate } from './certificate.ts'

/** The GOST digests src/pki/gost computes: GOST 34.311-95 (test S-box) and Streebog-512. */
export type GostDigestOid = typeof GostOid.digest34311 | typeof GostOid.digest2015x512

/** Digest sizes by OID: a digest handed in (the API's fields) must have its algorithm's length. */
export const GOST_DIGEST_BYTES: Readonly<Record<GostDigestOid, number>> = { [GostOid.digest34311]: 32, [GostOid.digest2015x512]: 64 }

/** True for a CMS digestAlgorithm OID whose digest src/pki/gost computes. */
export function isGostDigestOid(oid: string): oid is GostDigestOid {
  return oid === GostOid.digest34311 || oid === GostOid.digest2015x512
}

/** The document's GOST digest (loads src/pki/gost on first use). */
export async function gostDocumentDigest(oid: GostDigestOid, data: Uint8Array): Promise<Uint8Array> {
  const gost = await import('../pki/gost/index.ts')
  return gost.gostDigest(oid, data) as Uint8Array
}

/** True when the SignerInfo names a GOST digest or signature algorithm. */
export function isGostSignerInfo(digestOid: string, signatureOid: string): boolean {
  return isGostOid(digestOid) || isGostOid(signatureOid)
}

interface GostSignerInfoFields {
  readonly digestAlgorithm: string
  readonly signatureAlgorithm: { readonly algorithmId: string }
  readonly signedAttrs?: Uint8Array
  readonly contentTypeAttr?: string
  readonly messageDigest?: Uint8Array
  readonly signature: Uint8Array
}

/**
 * Verifies a GOST SignerInfo over `content`: its bytes, or with signed attributes its digest under
 * the SignerInfo's own digest OID (`hash`: a document hashed on the device or as the API streams
 * it). False for any mismatch, including a digest algorithm that is not the key's own;
 * unsupported GOST algorithms throw ERR_UNSUPPORTED_ALGORITHM (details.gost).
 */
export async function verifyGostSignerInfo(
  info: GostSignerInfoFields,
  eContentType: string | undefined,
  signer: ParsedCertificate,
  content: Uint8Array | { readonly hash: string; readonly digest: Uint8Array },
): Promise<boolean> {
  const gost = await import('../pki/gost/index.ts')
  const spki = new Uint8Array(signer.cert.subjectPublicKeyInfo.toSchema().toBER(false))
  const key = gost.readGostSpki(spki)
  if (info.digestAlgorithm !== key.algorithm.digestOid) return false
  const sigOid = info.signatureAlgorithm.algorithmId
  if (sigOid !== key.algorithm.signatureOid && sigOid !== key.algorithm.keyOid) return false
  let signed: Uint8Array
  if (info.signedAttrs) {
    if (info.contentTypeAttr !== eContentType || !info.messageDigest) return false
    const digest = content instanceof Uint8Array ? key.algorithm.digest(content) : content.hash === info.digestAlgorithm ? content.digest : undefined
    if (!digest || !sameBytes(digest, info.messageDigest)) return false
    signed = info.signedAttrs.slice()
    signed[0] = 0x31 // signed over the DER SET OF, not the [0] IMPLICIT tag (RFC 5652 §5.4)
  } else {
    if (!(content instanceof Uint8Array)) return false
    signed = content
  }
  return gost.verifyGostSignature(spki, key.algorithm.signatureOid, signed, info.signature)
}
