/**
 * Key pairs on their way in and out of a container. Generated keys are extractable only inside
 * these functions, long enough to export the PKCS#8 and encrypt it; what leaves here is either
 * encrypted bytes or a non-extractable CryptoKey. Plain PKCS#8 buffers are zeroed after use.
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { decryptPrivateKey, encryptPrivateKey } from '../pki/pkcs8.ts'
import { importPrivateKey, publicKeyOf } from '../pki/private-key.ts'
import type { KeyAlgorithm } from './schema.ts'
import { describeGostPkcs8, isGostPkcs8, openGostKey } from './gost-keys.ts'

/** Key types a user can generate in the browser. */
export type KeyAlgorithmChoice = 'RSA-2048' | 'RSA-3072' | 'P-256' | 'P-384'

/** PBKDF2 iterations for stored keys (at least 600,000: docs/architecture.md#key-containers). */
export const DEFAULT_PBKDF2_ITERATIONS = 600_000

/** A fresh or imported key pair, before it is stored. */
export interface KeyMaterial {
  readonly algorithm: KeyAlgorithm
  readonly spki: Uint8Array
  /** The public key, usable for verification and for building a CSR. */
  readonly publicKey: CryptoKey
  /** Plain PKCS#8: the caller encrypts it and then zeroes it. */
  readonly pkcs8: Uint8Array
}

const GENERATE: Record<KeyAlgorithmChoice, RsaHashedKeyGenParams | EcKeyGenParams> = {
  'RSA-2048': { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  'RSA-3072': { name: 'RSASSA-PKCS1-v1_5', modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  'P-256': { name: 'ECDSA', namedCurve: 'P-256' },
  'P-384': { name: 'ECDSA', namedCurve: 'P-384' },
}

/** Our record of a WebCrypto key's algorithm. */
export function keyAlgorithmOf(key: CryptoKey): KeyAlgorithm {
  const alg = key.algorithm as Partial<RsaHashedKeyAlgorithm & EcKeyAlgorithm>
  if (alg.name === 'ECDSA' && (alg.namedCurve === 'P-256' || alg.namedCurve === 'P-384' || alg.namedCurve === 'P-521')) {
    return { name: 'EC', curve: alg.namedCurve }
  }
  if (alg.modulusLength) return { name: 'RSA', bits: alg.modulusLength }
  throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `Unsupported key algorithm ${alg.name ?? '?'}`, { algorithm: alg.name ?? '' })
}

/** Generates a key pair and returns it as exportable material. */
export async function generateKeyMaterial(choice: KeyAlgorithmChoice, crypto: Crypto): Promise<KeyMaterial> {
  const params = GENERATE[choice]
  const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair
  const [pkcs8, spki] = await Promise.all([
    crypto.subtle.exportKey('pkcs8', pair.privateKey),
    crypto.subtle.exportKey('spki', pair.publicKey),
  ])
  return { algorithm: keyAlgorithmOf(pair.privateKey), spki: new Uint8Array(spki), publicKey: pair.publicKey, pkcs8: new Uint8Array(pkcs8) }
}

/** Reads an unencrypted PKCS#8 (from a PKCS#12 file): its algorithm and public key. */
export async function describePkcs8(pkcs8: Uint8Array, crypto: Crypto): Promise<KeyMaterial> {
  if (isGostPkcs8(pkcs8)) {
    // No WebCrypto public key exists for GOST: the stand-in (gost-keys.ts) fills the slot and is never used to verify.
    const { algorithm, spki } = await describeGostPkcs8(pkcs8)
    return { algorithm, spki, publicKey: await openGostKey(pkcs8, spki, crypto), pkcs8 }
  }
  const { publicKey, spki } = await publicKeyOf(pkcs8, crypto)
  return { algorithm: keyAlgorithmOf(publicKey), spki, publicKey, pkcs8 }
}

/** The public key stored with a key record, for verifying and building CSRs. */
export function importPublicKey(spki: Uint8Array, algorithm: KeyAlgorithm, crypto: Crypto): Promise<CryptoKey> {
  if (algorithm.name === 'GOST') {
    return Promise.reject(new QoltanbaError(ErrorCode.UnsupportedAlgorithm, 'GOST public keys are not WebCrypto keys', { algorithm: 'GOST', gost: true }))
  }
  const params: RsaHashedImportParams | EcKeyImportParams =
    algorithm.name === 'RSA' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: algorithm.curve }
  return crypto.subtle.importKey('spki', spki as Uint8Array<ArrayBuffer>, params, true, ['verify'])
}

/** Encrypts PKCS#8 for storage and zeroes the plain copy. */
export async function sealPkcs8(pkcs8: Uint8Array, password: string, iterations: number, crypto: Crypto): Promise<Uint8Array> {
  try {
    return await encryptPrivateKey(pkcs8, password, { iterations }, crypto)
  } finally {
    pkcs8.fill(0)
  }
}

/**
 * Decrypts a stored key into a non-extractable signing key and proves it belongs to `spki`
 * (a signature that verifies), so a damaged record cannot pass as the container's key.
 */
export async function unsealPrivateKey(
  encryptedPkcs8: Uint8Array,
  password: string,
  spki: Uint8Array,
  algorithm: KeyAlgorithm,
  crypto: Crypto,
): Promise<CryptoKey> {
  const { pkcs8, privateKey } = await decryptChecked(encryptedPkcs8, password, spki, algorithm, crypto)
  pkcs8.fill(0)
  return privateKey
}

/**
 * Decrypts stored PKCS#8 for export or re-encryption, after the same checks as
 * {@link unsealPrivateKey}; the caller zeroes the result.
 */
export async function openPkcs8(
  encryptedPkcs8: Uint8Array,
  password: string,
  spki: Uint8Array,
  algorithm: KeyAlgorithm,
  crypto: Crypto,
): Promise<Uint8Array> {
  return (await decryptChecked(encryptedPkcs8, password, spki, algorithm, crypto)).pkcs8
}

async function decryptChecked(
  encryptedPkcs8: Uint8Array,
  password: string,
  spki: Uint8Array,
  algorithm: KeyAlgorithm,
  crypto: Crypto,
): Promise<{ pkcs8: Uint8Array; privateKey: CryptoKey }> {
  const pkcs8 = await decryptPrivateKey(encryptedPkcs8, password, crypto)
  try {
    if (algorithm.name === 'GOST') {
      // A GOST key proves itself by d·G equalling the stored public key (gost-keys.ts).
      try {
        return { pkcs8, privateKey: await openGostKey(pkcs8, spki, crypto) }
      } catch (e) {
        if (e instanceof QoltanbaError && e.code === ErrorCode.KeyMismatch) throw e
        throw new QoltanbaError(ErrorCode.WrongPassword, 'Wrong password', {}, { cause: e })
      }
    }
    let privateKey: CryptoKey
    try {
      privateKey = await importPrivateKey(pkcs8, 'sign', false, crypto)
    } catch (e) {
      // PKCS#8 that decrypts but does not parse: the padding check let a wrong password through.
      throw new QoltanbaError(ErrorCode.WrongPassword, 'Wrong password', {}, { cause: e })
    }
    await assertKeyPair(privateKey, spki, algorithm, crypto)
    return { pkcs8, privateKey }
  } catch (e) {
    pkcs8.fill(0)
    throw e
  }
}

/** Throws ERR_KEY_MISMATCH unless `privateKey` signs what `spki` verifies. */
export async function assertKeyPair(privateKey: CryptoKey, spki: Uint8Array, algorithm: KeyAlgorithm, crypto: Crypto): Promise<void> {
  const probe = crypto.getRandomValues(new Uint8Array(32))
  const params = signatureParams(privateKey)
  const signature = await crypto.subtle.sign(params, privateKey, probe)
  const publicKey = await importPublicKeyLike(spki, privateKey, algorithm, crypto)
  if (!(await crypto.subtle.verify(params, publicKey, signature, probe))) {
    throw new QoltanbaError(ErrorCode.KeyMismatch, 'The stored key does not match its public key')
  }
}

function signatureParams(key: CryptoKey): AlgorithmIdentifier | EcdsaParams {
  return key.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: key.algorithm.name }
}

function importPublicKeyLike(spki: Uint8Array, privateKey: CryptoKey, algorithm: KeyAlgorithm, crypto: Crypto): Promise<CryptoKey> {
  if (algorithm.name === 'EC') return importPublicKey(spki, algorithm, crypto)
  // RSA keys carry their hash; the public key must use the same one to verify.
  return crypto.subtle.importKey('spki', spki as Uint8Array<ArrayBuffer>, privateKey.algorithm as RsaHashedImportParams, false, ['verify'])
}
