/** Verifying NCA GOST signatures with a SubjectPublicKeyInfo, and GOST digests by OID. */
import { ErrorCode } from '../../core/error-codes.ts'
import { QoltanbaError } from '../../core/errors.ts'
import { publicKeyFromCoordinates, verifyDigest } from './gost-34-10.ts'
import { decodeSignature, digestToNumber, splitPublicKey } from './gost-encoding.ts'
import { gostAlgorithmByDigest, gostAlgorithmBySignature, readGostSpki } from './nca-algorithms.ts'

/**
 * Verifies an NCA GOST signature (certificate, CRL, OCSP response or CMS signer) over `data`
 * with the key of a SubjectPublicKeyInfo. A signature of the wrong length, with r or s out of
 * range, or under another algorithm than the key's is simply false.
 *
 * @throws QoltanbaError ERR_MALFORMED (the key is broken: not on its curve, wrong length),
 *   ERR_UNSUPPORTED_ALGORITHM (details.gost: a GOST key or signature this module does not know).
 */
export function verifyGostSignature(spki: Uint8Array, signatureOid: string, data: Uint8Array, signature: Uint8Array): boolean {
  const key = readGostSpki(spki)
  const algorithm = gostAlgorithmBySignature(signatureOid)
  if (!algorithm) throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `GOST signature ${signatureOid} is not supported`, { oid: signatureOid, gost: true })
  if (algorithm !== key.algorithm) return false
  const curve = algorithm.curve()
  const { x, y } = splitPublicKey(curve, key.octets)
  const point = publicKeyFromCoordinates(curve, x, y)
  let parsed
  try {
    parsed = decodeSignature(curve, signature)
  } catch {
    return false
  }
  return verifyDigest(curve, point, digestToNumber(algorithm.digest(data)), parsed)
}

/** The digest a CMS digestAlgorithm OID names, or undefined when it is no GOST digest we know. */
export function gostDigest(digestOid: string, data: Uint8Array): Uint8Array | undefined {
  return gostAlgorithmByDigest(digestOid)?.digest(data)
}
