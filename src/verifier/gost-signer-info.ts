/**
 * CMS SignerInfos signed with NCA's GOST keys (issue 23): the digest and the signature come from
 * src/pki/gost (loaded on first use) instead of the injected SignatureVerifier, whose WebCrypto
 * and node:crypto have no GOST. The checks are the fast path's: contentType and messageDigest
 * signed attributes, then the signature over the DER SET of attributes (or over the content).
 */
import { sameBytes } from '../core/bytes.ts'
import { isGostOid } from '../pki/oids.ts'
import type { ParsedCertificate } from './certificate.ts'

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
 * Verifies a GOST SignerInfo over `content` (its bytes: GOST digests cannot be handed in
 * precomputed as SHA-256 ones can). False for any mismatch, including a digest algorithm that is
 * not the key's own; unsupported GOST algorithms throw ERR_UNSUPPORTED_ALGORITHM (details.gost).
 */
export async function verifyGostSignerInfo(
  info: GostSignerInfoFields,
  eContentType: string | undefined,
  signer: ParsedCertificate,
  content: Uint8Array | { readonly digest: Uint8Array },
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
    if (!(content instanceof Uint8Array)) return false
    if (!sameBytes(key.algorithm.digest(content), info.messageDigest)) return false
    signed = info.signedAttrs.slice()
    signed[0] = 0x31 // signed over the DER SET OF, not the [0] IMPLICIT tag (RFC 5652 §5.4)
  } else {
    if (!(content instanceof Uint8Array)) return false
    signed = content
  }
  return gost.verifyGostSignature(spki, key.algorithm.signatureOid, signed, info.signature)
}
