/**
 * NCA's GOST keys (issue 23): hashes, signatures and the NCA key forms. Lazy-loaded: import this
 * module with `await import('…/pki/gost/index.ts')` only when a GOST object turns up, so neither
 * the first paint nor RSA-only work pays for the curves and tables (see README.md).
 */
import { ErrorCode } from '../../core/error-codes.ts'
import { QoltanbaError } from '../../core/errors.ts'
import { publicKeyFromCoordinates, publicPointOf, signDigest, verifyDigest } from './gost-34-10.ts'
import { decodeSignature, digestToNumber, encodeSignature, joinPublicKey, splitPublicKey } from './gost-encoding.ts'
import { gostAlgorithmByDigest, gostAlgorithmBySignature, readGostPrivateKey, readGostSpki, type GostAlgorithm } from './nca-algorithms.ts'

export { gostR341194 } from './gost-r-34-11-94.ts'
export { streebog256, streebog512 } from './streebog.ts'
export { gostCurve, type GostCurve, type GostPoint } from './curves.ts'
export { signDigest, verifyDigest, publicPointOf, publicKeyFromCoordinates, type GostSignature } from './gost-34-10.ts'
export * from './gost-encoding.ts'
export * from './nca-algorithms.ts'

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

/** A GOST private key ready to sign: hold it no longer than the signing takes. */
export interface GostSigningKey {
  readonly algorithm: GostAlgorithm
  /** The public key's X‖Y little-endian, for matching against a certificate. */
  readonly publicKey: Uint8Array
  /** Signs `data` (hashing it with the algorithm's hash): NCA's r‖s little-endian. */
  sign(data: Uint8Array): Uint8Array
}

/**
 * Opens an NCA GOST PKCS#8 PrivateKeyInfo for signing.
 *
 * @throws QoltanbaError ERR_MALFORMED, ERR_UNSUPPORTED_ALGORITHM (details.gost; 'gost-key-format'
 *   for 2015 keys, whose storage no real file here proves).
 */
export function openGostPrivateKey(pkcs8: Uint8Array, random?: (bytes: Uint8Array) => Uint8Array): GostSigningKey {
  const { algorithm, d } = readGostPrivateKey(pkcs8)
  const curve = algorithm.curve()
  const q = publicPointOf(curve, d).toAffine()
  return {
    algorithm,
    publicKey: joinPublicKey(curve, q.x, q.y),
    sign: (data) => encodeSignature(curve, signDigest(curve, d, digestToNumber(algorithm.digest(data)), random)),
  }
}

/** True when `spki` (a certificate's SubjectPublicKeyInfo) holds the public half of `key`. */
export function gostKeyMatchesSpki(key: GostSigningKey, spki: Uint8Array): boolean {
  const info = readGostSpki(spki)
  if (info.algorithm !== key.algorithm || info.octets.length !== key.publicKey.length) return false
  return info.octets.every((b, i) => b === key.publicKey[i])
}

/** The digest a CMS digestAlgorithm OID names, or undefined when it is no GOST digest we know. */
export function gostDigest(digestOid: string, data: Uint8Array): Uint8Array | undefined {
  return gostAlgorithmByDigest(digestOid)?.digest(data)
}
