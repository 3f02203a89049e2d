/**
 * What a SubjectPublicKeyInfo holds, in words: RSA-2048, EC P-256, GOST… Used by CSR and
 * certificate descriptions and by key matching.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { AlgorithmOid, isGostOid } from './oids.ts'

/** Key families `pki` tells apart. Only RSA and EC can be used with WebCrypto here. */
export type KeyAlgorithm = 'RSA' | 'EC' | 'GOST' | 'Ed25519' | 'unknown'

/** A readable description of a public key. */
export interface PublicKeyDescription {
  readonly algorithm: KeyAlgorithm
  /** The key algorithm OID from the SPKI. */
  readonly oid: string
  /** Modulus bits for RSA, field bits for EC. */
  readonly bits?: number
  /** WebCrypto curve name (P-256, P-384, P-521) or the curve OID when unknown. */
  readonly curve?: string
  /** The DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array
}

const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  [AlgorithmOid.p256]: { name: 'P-256', bits: 256 },
  [AlgorithmOid.p384]: { name: 'P-384', bits: 384 },
  [AlgorithmOid.p521]: { name: 'P-521', bits: 521 },
}

/** Bit length of an unsigned big-endian integer (leading zero bytes ignored). */
function bitLength(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  if (i === bytes.length) return 0
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!))
}

/** Describes a parsed SPKI. Never throws for unknown algorithms: they come back as 'unknown'. */
export function describePublicKey(spki: pkijs.PublicKeyInfo): PublicKeyDescription {
  const oid = spki.algorithm.algorithmId
  const der = new Uint8Array(spki.toSchema().toBER(false))
  if (oid === AlgorithmOid.rsaEncryption || oid === AlgorithmOid.rsassaPss) {
    let bits: number | undefined
    try {
      const parsed = asn1js.fromBER(spki.subjectPublicKey.valueBlock.valueHexView)
      const rsa = new pkijs.RSAPublicKey({ schema: parsed.result })
      bits = bitLength(rsa.modulus.valueBlock.valueHexView)
    } catch {
      bits = undefined
    }
    return { algorithm: 'RSA', oid, ...(bits ? { bits } : {}), spki: der }
  }
  if (oid === AlgorithmOid.ecPublicKey) {
    const params = spki.algorithm.algorithmParams
    const curveOid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : ''
    const curve = CURVES[curveOid]
    return curve
      ? { algorithm: 'EC', oid, bits: curve.bits, curve: curve.name, spki: der }
      : { algorithm: 'EC', oid, ...(curveOid ? { curve: curveOid } : {}), spki: der }
  }
  if (isGostOid(oid)) return { algorithm: 'GOST', oid, spki: der }
  if (oid === AlgorithmOid.ed25519) return { algorithm: 'Ed25519', oid, bits: 256, spki: der }
  return { algorithm: 'unknown', oid, spki: der }
}

/** The readable name of a signature algorithm OID (e.g. "sha256WithRSAEncryption"), or the OID. */
export function signatureAlgorithmName(oid: string): string {
  const names: Record<string, string> = {
    [AlgorithmOid.sha1WithRsa]: 'sha1WithRSAEncryption',
    [AlgorithmOid.sha256WithRsa]: 'sha256WithRSAEncryption',
    [AlgorithmOid.sha384WithRsa]: 'sha384WithRSAEncryption',
    [AlgorithmOid.sha512WithRsa]: 'sha512WithRSAEncryption',
    [AlgorithmOid.rsassaPss]: 'rsassaPss',
    [AlgorithmOid.ecdsaWithSha1]: 'ecdsa-with-SHA1',
    [AlgorithmOid.ecdsaWithSha256]: 'ecdsa-with-SHA256',
    [AlgorithmOid.ecdsaWithSha384]: 'ecdsa-with-SHA384',
    [AlgorithmOid.ecdsaWithSha512]: 'ecdsa-with-SHA512',
    [AlgorithmOid.ed25519]: 'Ed25519',
    [AlgorithmOid.sha1]: 'SHA-1',
    [AlgorithmOid.sha256]: 'SHA-256',
    [AlgorithmOid.sha384]: 'SHA-384',
    [AlgorithmOid.sha512]: 'SHA-512',
  }
  return names[oid] ?? (isGostOid(oid) ? `GOST (${oid})` : oid)
}

/**
 * SHA-2 RSA PKCS#1 v1.5 and ECDSA signatures: what the CA's CSR policy and the verifier accept
 * without further checks (RSA-PSS needs its parameters read, so it is not listed).
 */
export const SHA2_SIGNATURES: ReadonlySet<string> = new Set([
  AlgorithmOid.sha256WithRsa,
  AlgorithmOid.sha384WithRsa,
  AlgorithmOid.sha512WithRsa,
  AlgorithmOid.ecdsaWithSha256,
  AlgorithmOid.ecdsaWithSha384,
  AlgorithmOid.ecdsaWithSha512,
])

/** Signatures over broken hashes (MD2, MD5, SHA-1 with RSA, ECDSA or DSA): refused with their own code. */
export const WEAK_SIGNATURES: ReadonlySet<string> = new Set([
  AlgorithmOid.md2WithRsa,
  AlgorithmOid.md5WithRsa,
  AlgorithmOid.sha1WithRsa,
  AlgorithmOid.ecdsaWithSha1,
  AlgorithmOid.dsaWithSha1,
  AlgorithmOid.sha1WithRsaOiw,
])

const WEBCRYPTO_SIGNATURES: ReadonlySet<string> = new Set([
  AlgorithmOid.sha1WithRsa,
  AlgorithmOid.sha256WithRsa,
  AlgorithmOid.sha384WithRsa,
  AlgorithmOid.sha512WithRsa,
  AlgorithmOid.rsassaPss,
  AlgorithmOid.ecdsaWithSha1,
  AlgorithmOid.ecdsaWithSha256,
  AlgorithmOid.ecdsaWithSha384,
  AlgorithmOid.ecdsaWithSha512,
])

/** True for signature algorithms pkijs can verify with WebCrypto (RSA PKCS#1, RSA-PSS, ECDSA). */
export function isWebCryptoSignature(oid: string): boolean {
  return WEBCRYPTO_SIGNATURES.has(oid)
}
