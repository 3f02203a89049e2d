/**
 * NCA's GOST keys (issue 23): hashes, signatures and the NCA key forms. Lazy-loaded: import this
 * module with `await import('…/pki/gost/index.ts')` only when a GOST object turns up, so neither
 * the first paint nor RSA-only work pays for the curves and tables (see README.md).
 */
import { ErrorCode } from '../../core/error-codes.ts'
import { QoltanbaError } from '../../core/errors.ts'
import { publicKeyFromCoordinates, verifyDigest } from './gost-34-10.ts'
import { decodeSignature, digestToNumber, splitPublicKey } from './gost-encoding.ts'
import { gostAlgorithmByDigest, gostAlgorithmBySignature, readGostSpki } from './nca-algorithms.ts'

export { gostR341194 } from './gost-r-34-11-94.ts'
export { streebog256, streebog512 } from './streebog.ts'
export { gostCurve, type GostCurve, type GostPoint } from './curves.ts'
export { signDigest, verifyDigest, publicPointOf, publicKeyFromCoordinates, randomScalar, digestScalar, type GostSignature } from './gost-34-10.ts'
export * from './gost-encoding.ts'
export * from './nca-algorithms.ts'
export { openGostPrivateKey, gostKeyMatchesSpki, type GostSigningKey } from './signing-key.ts'
export { signGostCms } from './gost-cms.ts'

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
