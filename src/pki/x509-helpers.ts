/**
 * Small building blocks for code that makes X.509 objects (CSRs here; certificates, CRLs and
 * OCSP responses in server/ca): a mandatory, never-SHA-1 signing hash, RFC 5280 times,
 * SPKI/key identifiers, serial numbers and digests.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { getCrypto, getEngine } from './engine.ts'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { toArrayBuffer } from './asn1.ts'
import { toHex } from '../core/bytes.ts'

/** Hashes we sign with. SHA-1 is deliberately absent. */
export type SignHash = 'SHA-256' | 'SHA-384' | 'SHA-512'

const CURVE_HASH: Readonly<Record<string, SignHash>> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' }

/**
 * The hash a signature with `key` will use: the key's own hash for RSA (WebCrypto binds it to the
 * key), otherwise `requested` or the curve's natural hash (P-256 → SHA-256, P-384 → SHA-384).
 * @throws QoltanbaError ERR_WEAK_ALGORITHM for SHA-1; ERR_UNSUPPORTED_ALGORITHM for other key types.
 */
export function signingHash(key: CryptoKey, requested?: SignHash): SignHash {
  const alg = key.algorithm as RsaHashedKeyAlgorithm & EcKeyAlgorithm
  let hash: string | undefined
  if (alg.name === 'RSASSA-PKCS1-v1_5' || alg.name === 'RSA-PSS') hash = alg.hash?.name
  else if (alg.name === 'ECDSA') hash = requested ?? CURVE_HASH[alg.namedCurve]
  else throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `cannot sign with ${alg.name} keys`, { algorithm: alg.name })
  if (hash === 'SHA-256' || hash === 'SHA-384' || hash === 'SHA-512') return hash
  throw new QoltanbaError(ErrorCode.WeakAlgorithm, `refusing to sign with ${hash ?? 'an unknown hash'}`, { hash: hash ?? '' })
}

/** Anything pkijs can sign in place (Certificate, CertificationRequest, CRL, BasicOCSPResponse…). */
export interface PkiSignable {
  sign(privateKey: CryptoKey, hashAlgorithm?: string, crypto?: pkijs.ICryptoEngine): Promise<void>
}

/**
 * Signs a pkijs object with an explicit hash (pkijs's default is SHA-1).
 * @example await signPkiObject(cert, caKey, 'SHA-256')
 */
export async function signPkiObject(
  obj: PkiSignable,
  privateKey: CryptoKey,
  hash?: SignHash,
  crypto: Crypto = getCrypto(),
): Promise<void> {
  await obj.sign(privateKey, signingHash(privateKey, hash), getEngine(crypto))
}

/** The signatureAlgorithm identifier `privateKey` + hash produce (sha256WithRSA, ecdsa-with-SHA384…). */
export async function signatureAlgorithmFor(
  privateKey: CryptoKey,
  hash?: SignHash,
  crypto: Crypto = getCrypto(),
): Promise<pkijs.AlgorithmIdentifier> {
  const { signatureAlgorithm } = await getEngine(crypto).getSignatureParameters(privateKey, signingHash(privateKey, hash))
  return signatureAlgorithm
}

/**
 * Signs raw TBS bytes; ECDSA signatures come back DER-encoded (Ecdsa-Sig-Value) as X.509 wants.
 * Use when pkijs has no class for what you sign.
 */
export async function signTbs(
  tbs: Uint8Array,
  privateKey: CryptoKey,
  hash?: SignHash,
  crypto: Crypto = getCrypto(),
): Promise<{ signatureAlgorithm: pkijs.AlgorithmIdentifier; signature: Uint8Array }> {
  const engine = getEngine(crypto)
  const { signatureAlgorithm, parameters } = await engine.getSignatureParameters(privateKey, signingHash(privateKey, hash))
  const signature = await engine.signWithPrivateKey(toArrayBuffer(tbs), privateKey, parameters as pkijs.CryptoEngineSignWithPrivateKeyParams)
  return { signatureAlgorithm, signature: new Uint8Array(signature) }
}

/**
 * An RFC 5280 Time: UTCTime before 2050, GeneralizedTime from 2050, milliseconds dropped
 * (asn1js would write fractional seconds, which RFC 5280 forbids).
 */
export function toTime(date: Date): pkijs.Time {
  const value = new Date(Math.floor(date.getTime() / 1000) * 1000)
  const type = value.getUTCFullYear() >= 2050 || value.getUTCFullYear() < 1950 ? 1 : 0
  return new pkijs.Time({ type, value })
}

/** The DER SubjectPublicKeyInfo of a public CryptoKey. */
export async function spkiOf(publicKey: CryptoKey, crypto: Crypto = getCrypto()): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey('spki', publicKey))
}

/**
 * RFC 5280 §4.2.1.2 method 1 key identifier: SHA-1 of the subjectPublicKey BIT STRING contents.
 * SHA-1 is fine here: it names a key, it does not protect anything.
 */
export async function keyIdentifier(spki: pkijs.PublicKeyInfo, crypto: Crypto = getCrypto()): Promise<Uint8Array> {
  const key = spki.subjectPublicKey.valueBlock.valueHexView
  return new Uint8Array(await crypto.subtle.digest('SHA-1', toArrayBuffer(key)))
}

/** A random positive serial number of `bytes` bytes (default 16, RFC 5280 allows ≤ 20). */
export function randomSerial(bytes = 16, crypto: Crypto = getCrypto()): asn1js.Integer {
  const raw = crypto.getRandomValues(new Uint8Array(bytes))
  raw[0] = (raw[0]! & 0x7f) | 0x40 // positive and full length, so the DER length is stable
  return new asn1js.Integer({ valueHex: toArrayBuffer(raw) })
}

/** SHA-256 of `bytes` as lower-case hex (certificate fingerprints, ESS cert hashes). */
export async function sha256hex(bytes: Uint8Array, crypto: Crypto = getCrypto()): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', toArrayBuffer(bytes)))
}
