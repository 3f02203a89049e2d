/**
 * Which keys and algorithms a sign-in accepts: RSA ≥ 2048 bits or ECDSA on P-256/P-384/P-521,
 * SHA-2 only, and NCA's GOST 34.310-2004 and GOST 34.10-2015 (512) with their own hashes
 * (src/pki/gost). SHA-1 and MD5 are refused as weak (ERR_WEAK_ALGORITHM); what we cannot verify
 * at all (the GOST 2015 256-bit family, Russian GOST, Ed25519 in pkijs) is refused as unsupported.
 */
import * as pkijs from 'pkijs'
import { AlgorithmOid, GostOid, isGostOid } from '../pki/oids.ts'
import { SHA2_SIGNATURES, WEAK_SIGNATURES } from '../pki/public-key.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import type { PublicKeyFacts } from './certificate.ts'

/** Minimum RSA modulus size. */
const MIN_RSA_BITS = 2048

const ACCEPTED_CURVES = new Set<string>([AlgorithmOid.p256, AlgorithmOid.p384, AlgorithmOid.p521])
const SHA2_DIGESTS = new Set<string>([AlgorithmOid.sha256, AlgorithmOid.sha384, AlgorithmOid.sha512])
const WEAK_DIGESTS = new Set<string>([AlgorithmOid.sha1, AlgorithmOid.md5, AlgorithmOid.md2])

/** NCA's GOST algorithms src/pki/gost implements (issue 23); other GOST OIDs stay unsupported. */
const GOST_KEYS = new Set<string>([GostOid.key2004, GostOid.key2015x512])
const GOST_SIGNATURES = new Set<string>([GostOid.signature2004, GostOid.signature2015x512])
const GOST_DIGESTS = new Set<string>([GostOid.digest34311, GostOid.digest2015x512])

/** Refuses keys below the policy (ERR_WEAK_KEY) or of algorithms WebCrypto cannot verify. */
export function checkKeyStrength(key: PublicKeyFacts, subject: string): void {
  if (key.algorithm === 'RSA') {
    if ((key.bits ?? 0) < MIN_RSA_BITS) {
      refuse(LoginErrorCode.WeakKey, `RSA key of ${key.bits} bits in "${subject}" is below ${MIN_RSA_BITS}`, { bits: key.bits ?? 0 })
    }
    return
  }
  if (key.algorithm === 'EC') {
    if (!key.curve || !ACCEPTED_CURVES.has(key.curve)) {
      refuse(LoginErrorCode.WeakKey, `EC curve ${key.curve ?? '(explicit)'} in "${subject}" is not accepted`, { curve: key.curve ?? '' })
    }
    return
  }
  if (GOST_KEYS.has(key.oid)) return
  refuse(LoginErrorCode.UnsupportedAlgorithm, `Key algorithm ${key.oid} in "${subject}" is not supported`, {
    algorithm: key.oid,
    gost: isGostOid(key.oid),
  })
}

/** Refuses a CMS digest algorithm other than SHA-256/384/512. */
export function checkDigestAlgorithm(oid: string): void {
  if (SHA2_DIGESTS.has(oid) || GOST_DIGESTS.has(oid)) return
  if (WEAK_DIGESTS.has(oid)) refuse(LoginErrorCode.WeakAlgorithm, `Digest algorithm ${oid} is too weak`, { algorithm: oid })
  refuse(LoginErrorCode.UnsupportedAlgorithm, `Digest algorithm ${oid} is not supported`, { algorithm: oid, gost: isGostOid(oid) })
}

/**
 * Refuses a signature algorithm (certificate or CMS signerInfo) other than SHA-2 RSA/ECDSA.
 * `rsaEncryption` and `id-ecPublicKey` as a CMS signature algorithm take the hash from the
 * digest algorithm, which the caller checks separately. RSA-PSS must name a SHA-2 hash
 * (its DEFAULT is SHA-1).
 */
export function checkSignatureAlgorithm(alg: pkijs.AlgorithmIdentifier, where: string): void {
  const oid = alg.algorithmId
  if (SHA2_SIGNATURES.has(oid) || GOST_SIGNATURES.has(oid) || GOST_KEYS.has(oid)) return
  if (oid === AlgorithmOid.rsaEncryption || oid === AlgorithmOid.ecPublicKey) return
  if (oid === AlgorithmOid.rsassaPss) {
    let hash: string = AlgorithmOid.sha1
    try {
      if (alg.algorithmParams) hash = new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams }).hashAlgorithm.algorithmId
    } catch (e) {
      refuse(LoginErrorCode.Malformed, `RSA-PSS parameters in ${where} are malformed`, {}, e)
    }
    if (!SHA2_DIGESTS.has(hash)) refuse(LoginErrorCode.WeakAlgorithm, `RSA-PSS with hash ${hash} in ${where} is too weak`, { algorithm: hash })
    return
  }
  if (WEAK_SIGNATURES.has(oid)) refuse(LoginErrorCode.WeakAlgorithm, `Signature algorithm ${oid} in ${where} is too weak`, { algorithm: oid })
  refuse(LoginErrorCode.UnsupportedAlgorithm, `Signature algorithm ${oid} in ${where} is not supported`, { algorithm: oid, gost: isGostOid(oid) })
}
