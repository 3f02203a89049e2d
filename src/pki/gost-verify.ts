/**
 * The one place pkijs's signature checks meet NCA's GOST: certificates, CRLs and OCSP responses
 * signed with a GOST algorithm verify through src/pki/gost, loaded on first use, so the verifier's
 * chain, key usage and revocation logic runs unchanged for GOST as for RSA (engine.ts routes here).
 */
import type * as pkijs from 'pkijs'
import type * as asn1js from 'asn1js'
import { isGostOid } from './oids.ts'

/** True when pkijs would be asked to verify a GOST signature (NCA or Russian arcs). */
export function isGostSignature(signatureAlgorithm: pkijs.AlgorithmIdentifier): boolean {
  return isGostOid(signatureAlgorithm.algorithmId)
}

/**
 * Verifies a GOST signature pkijs hands over (a BIT STRING for certificates, CRLs and OCSP).
 *
 * @throws QoltanbaError ERR_UNSUPPORTED_ALGORITHM (details.gost) for GOST algorithms we do not
 *   implement, ERR_MALFORMED for a broken key.
 */
export async function verifyGostWithPublicKey(
  data: BufferSource,
  signature: asn1js.BitString | asn1js.OctetString,
  publicKeyInfo: pkijs.PublicKeyInfo,
  signatureAlgorithm: pkijs.AlgorithmIdentifier,
): Promise<boolean> {
  // gost/verify.ts, not the index: the index's CMS builder imports cms.ts, which imports this engine.
  const { verifyGostSignature } = await import('./gost/verify.ts')
  const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data)
  const spki = new Uint8Array(publicKeyInfo.toSchema().toBER(false))
  return verifyGostSignature(spki, signatureAlgorithm.algorithmId, bytes, new Uint8Array(signature.valueBlock.valueHexView))
}
