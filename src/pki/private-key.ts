/**
 * Plain PKCS#8 PrivateKeyInfo → WebCrypto keys. The algorithm comes from the key's own OID:
 * RSA (RSASSA-PKCS1-v1_5) or EC P-256/P-384/P-521 (ECDSA). NCA GOST keys (1.2.398.3.10.*)
 * cannot be used by any WebCrypto: they fail with ERR_UNSUPPORTED_ALGORITHM and details
 * `{ gost: true }`, which the UI turns into "use the hardware token / agent".
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { parsePki, toArrayBuffer } from './asn1.ts'
import { getCrypto } from './engine.ts'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { AlgorithmOid, isGostOid } from './oids.ts'
import type { KeyAlgorithm } from './public-key.ts'
import type { SignHash } from './x509-helpers.ts'

/** What a PKCS#8 key is, read without importing it. */
export interface PrivateKeyDescription {
  readonly algorithm: KeyAlgorithm
  readonly oid: string
  /** P-256 / P-384 / P-521 for EC keys. */
  readonly curve?: string
}

const CURVES: Readonly<Record<string, string>> = {
  [AlgorithmOid.p256]: 'P-256',
  [AlgorithmOid.p384]: 'P-384',
  [AlgorithmOid.p521]: 'P-521',
}

function curveOf(info: pkijs.PrivateKeyInfo): string | undefined {
  const params = info.privateKeyAlgorithm.algorithmParams
  if (params instanceof asn1js.ObjectIdentifier) return CURVES[params.valueBlock.toString()]
  // RFC 5915 keys may name the curve only inside ECPrivateKey [0].
  const inner = info.parsedKey
  if (inner instanceof pkijs.ECPrivateKey && inner.namedCurve) return CURVES[inner.namedCurve]
  return undefined
}

/**
 * Describes a plain PKCS#8 key (RSA, EC with its curve, GOST, other).
 * @throws QoltanbaError ERR_MALFORMED when it is not a PrivateKeyInfo.
 */
export function describePrivateKey(pkcs8: Uint8Array): PrivateKeyDescription {
  const info = parsePki(pkijs.PrivateKeyInfo, pkcs8, 'private key')
  const oid = info.privateKeyAlgorithm.algorithmId
  if (oid === AlgorithmOid.rsaEncryption) return { algorithm: 'RSA', oid }
  if (oid === AlgorithmOid.ecPublicKey) {
    const curve = curveOf(info)
    return curve ? { algorithm: 'EC', oid, curve } : { algorithm: 'EC', oid }
  }
  if (isGostOid(oid)) return { algorithm: 'GOST', oid }
  if (oid === AlgorithmOid.ed25519) return { algorithm: 'Ed25519', oid }
  return { algorithm: 'unknown', oid }
}

function importParams(desc: PrivateKeyDescription, hash: SignHash): RsaHashedImportParams | EcKeyImportParams {
  if (desc.algorithm === 'RSA') return { name: 'RSASSA-PKCS1-v1_5', hash }
  if (desc.algorithm === 'EC' && desc.curve) return { name: 'ECDSA', namedCurve: desc.curve }
  throw new QoltanbaError(
    ErrorCode.UnsupportedAlgorithm,
    desc.algorithm === 'GOST' ? 'GOST keys cannot be used in WebCrypto' : `unsupported private key ${desc.oid}`,
    { oid: desc.oid, gost: desc.algorithm === 'GOST' },
  )
}

/**
 * Imports a plain PKCS#8 key for signing. RSA keys are bound to `hash` (default SHA-256).
 * @throws QoltanbaError ERR_UNSUPPORTED_ALGORITHM (GOST: details.gost = true), ERR_MALFORMED.
 * @example const key = await importPrivateKey(pkcs8, 'sign') // non-extractable
 */
export async function importPrivateKey(
  pkcs8: Uint8Array,
  usage: 'sign',
  extractable = false,
  crypto: Crypto = getCrypto(),
  hash: SignHash = 'SHA-256',
): Promise<CryptoKey> {
  const params = importParams(describePrivateKey(pkcs8), hash)
  try {
    return await crypto.subtle.importKey('pkcs8', toArrayBuffer(pkcs8), params, extractable, [usage])
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, 'private key could not be imported', {}, { cause: e })
  }
}

/**
 * The public half of a PKCS#8 key, as a CryptoKey (for verifying) and SPKI DER (for matching a
 * certificate with `certificateMatchesKey`). Works for RSA and EC keys without a stored public key.
 */
export async function publicKeyOf(
  pkcs8: Uint8Array,
  crypto: Crypto = getCrypto(),
  hash: SignHash = 'SHA-256',
): Promise<{ publicKey: CryptoKey; spki: Uint8Array }> {
  const params = importParams(describePrivateKey(pkcs8), hash)
  let jwk: JsonWebKey
  try {
    const key = await crypto.subtle.importKey('pkcs8', toArrayBuffer(pkcs8), params, true, ['sign'])
    jwk = await crypto.subtle.exportKey('jwk', key)
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, 'private key could not be imported', {}, { cause: e })
  }
  const { kty, n, e, crv, x, y } = jwk
  const publicJwk: JsonWebKey = kty === 'RSA' ? { kty, n, e } : { kty, crv, x, y }
  const publicKey = await crypto.subtle.importKey('jwk', publicJwk, params, true, ['verify'])
  return { publicKey, spki: new Uint8Array(await crypto.subtle.exportKey('spki', publicKey)) }
}
