/**
 * Key policy: which public keys a profile accepts (RSA 2048–4096, ECDSA P-256/P-384), and which
 * signature algorithms a CSR's proof of possession may use.
 */
import { AlgorithmOid } from '../../src/pki/oids.ts'
import { SHA2_SIGNATURES, WEAK_SIGNATURES, signatureAlgorithmName, type PublicKeyDescription } from '../../src/pki/public-key.ts'
import { badRequest } from '../errors.ts'
import type { CertificateProfile } from './types.ts'

/**
 * Throws ERR_WEAK_KEY (RSA too short) or ERR_UNSUPPORTED_ALGORITHM (anything else not allowed).
 * @returns the key's algorithm for the template's keyUsage table.
 */
export function enforceKeyPolicy(profile: CertificateProfile, key: PublicKeyDescription): 'RSA' | 'EC' {
  if (key.algorithm === 'RSA') {
    const rule = profile.allowedKeys.find((k) => k.algorithm === 'RSA')
    if (!rule || key.bits === undefined) throw badRequest('ERR_UNSUPPORTED_ALGORITHM', 'RSA keys are not accepted for this profile')
    if (key.bits < rule.minBits) throw badRequest('ERR_WEAK_KEY', `RSA keys need at least ${rule.minBits} bits, got ${key.bits}`, { minBits: rule.minBits, bits: key.bits })
    if (key.bits > rule.maxBits) throw badRequest('ERR_UNSUPPORTED_ALGORITHM', `RSA keys longer than ${rule.maxBits} bits are not accepted`)
    // rsassa-pss keys would need PSS signatures from the CA's certificates; accept only rsaEncryption.
    if (key.oid !== AlgorithmOid.rsaEncryption) throw badRequest('ERR_UNSUPPORTED_ALGORITHM', 'only rsaEncryption RSA keys are accepted')
    return 'RSA'
  }
  if (key.algorithm === 'EC') {
    const rule = profile.allowedKeys.find((k) => k.algorithm === 'EC')
    const curves: readonly string[] = rule && rule.algorithm === 'EC' ? rule.curves : []
    if (!key.curve || !curves.includes(key.curve)) {
      throw badRequest('ERR_UNSUPPORTED_ALGORITHM', `EC keys must be on ${curves.join(' or ')}`, { curve: key.curve ?? 'unknown' })
    }
    return 'EC'
  }
  if (key.algorithm === 'GOST') throw badRequest('ERR_GOST_KEY', 'GOST keys are not issued by this center')
  throw badRequest('ERR_UNSUPPORTED_ALGORITHM', `unsupported key algorithm ${key.oid}`)
}

/**
 * Refuses a CSR signed with anything but SHA-2 RSA/ECDSA before its signature is checked: a SHA-1
 * proof of possession can be forged by collision, and the CA never signs with such hashes either.
 * @throws ApiError 400 ERR_WEAK_ALGORITHM (MD2/MD5/SHA-1) or ERR_UNSUPPORTED_ALGORITHM (anything else off the list).
 */
export function enforceCsrSignaturePolicy(oid: string, purpose: string): void {
  if (SHA2_SIGNATURES.has(oid)) return
  const name = signatureAlgorithmName(oid)
  if (WEAK_SIGNATURES.has(oid)) {
    throw badRequest('ERR_WEAK_ALGORITHM', `the ${purpose} CSR is signed with ${name}; sign it with SHA-256 or stronger`, { algorithm: name })
  }
  throw badRequest('ERR_UNSUPPORTED_ALGORITHM', `the ${purpose} CSR signature algorithm ${name} is not accepted`, { algorithm: name })
}
