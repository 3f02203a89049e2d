/**
 * Password-based encryption of PKCS#12 bags: PBES2 (PBKDF2 + AES-CBC or DES-EDE3-CBC) and the
 * RFC 7292 PBE schemes (SHA-1 KDF + 3DES, 2-key 3DES, RC2-128, RC2-40, RC4-128, RC4-40).
 *
 * PBKDF2 and AES run on the injected WebCrypto; the legacy schemes use the PKCS#12 KDF and the
 * JavaScript ciphers in legacy-ciphers.ts because WebCrypto has neither.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { ErrorCode, QoltanbaError } from '../../core/errors.ts'
import { DES_EDE3_CBC_OID, PbeOid, Pkcs12PbeOid } from '../oids.ts'
import { bufferSource } from './bytes.ts'
import { KdfPurpose, NO_PASSWORD, pkcs12Kdf, type Pkcs12Password } from './kdf.ts'
import { BadPaddingError, legacyCbcDecrypt, legacyCbcEncrypt, rc4, type LegacyBlockCipher } from './legacy-ciphers.ts'
import { MAX_PBKDF2_ITERATIONS, MAX_PKCS12_KDF_ITERATIONS } from './limits.ts'

/** A password-encrypted blob and the AlgorithmIdentifier (with parameters) that decrypts it. */
export interface PasswordEncrypted {
  readonly algorithm: asn1js.Sequence
  readonly ciphertext: Uint8Array
}

type Pkcs12Scheme =
  | { readonly kind: 'rc4'; readonly keyLength: number; readonly name: string }
  | { readonly kind: 'cbc'; readonly cipher: LegacyBlockCipher; readonly keyLength: number; readonly name: string }

const PKCS12_SCHEMES: Readonly<Record<string, Pkcs12Scheme>> = {
  [Pkcs12PbeOid.sha1AndRc4_128]: { kind: 'rc4', keyLength: 16, name: 'pbeWithSHAAnd128BitRC4' },
  [Pkcs12PbeOid.sha1AndRc4_40]: { kind: 'rc4', keyLength: 5, name: 'pbeWithSHAAnd40BitRC4' },
  [Pkcs12PbeOid.sha1And3KeyTripleDesCbc]: { kind: 'cbc', cipher: { name: '3DES' }, keyLength: 24, name: 'pbeWithSHAAnd3-KeyTripleDES-CBC' },
  // 2-key 3DES: a 16-byte K1‖K2 used as K1‖K2‖K1.
  [Pkcs12PbeOid.sha1And2KeyTripleDesCbc]: { kind: 'cbc', cipher: { name: '3DES' }, keyLength: 16, name: 'pbeWithSHAAnd2-KeyTripleDES-CBC' },
  [Pkcs12PbeOid.sha1And128BitRc2Cbc]: { kind: 'cbc', cipher: { name: 'RC2', effectiveBits: 128 }, keyLength: 16, name: 'pbeWithSHAAnd128BitRC2-CBC' },
  [Pkcs12PbeOid.sha1And40BitRc2Cbc]: { kind: 'cbc', cipher: { name: 'RC2', effectiveBits: 40 }, keyLength: 5, name: 'pbeWithSHAAnd40BitRC2-CBC' },
}

const PBKDF2_PRF: Readonly<Record<string, string>> = {
  [PbeOid.hmacWithSha1]: 'SHA-1',
  [PbeOid.hmacWithSha256]: 'SHA-256',
  [PbeOid.hmacWithSha384]: 'SHA-384',
  [PbeOid.hmacWithSha512]: 'SHA-512',
}

type Pbes2Cipher = { readonly kind: 'aes'; readonly keyLength: number } | { readonly kind: '3des'; readonly keyLength: 24 }

const PBES2_CIPHERS: Readonly<Record<string, Pbes2Cipher>> = {
  [PbeOid.aes128Cbc]: { kind: 'aes', keyLength: 16 },
  [PbeOid.aes192Cbc]: { kind: 'aes', keyLength: 24 },
  [PbeOid.aes256Cbc]: { kind: 'aes', keyLength: 32 },
  [DES_EDE3_CBC_OID]: { kind: '3des', keyLength: 24 },
}

function malformed(what: string, cause?: unknown): QoltanbaError {
  return new QoltanbaError(ErrorCode.Malformed, `PKCS#12 ${what} is malformed`, {}, { cause })
}

function unsupported(what: string, oid: string): QoltanbaError {
  return new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `Unsupported ${what}: ${oid}`, { oid })
}

/** The signal "these bytes do not decrypt under this password"; callers decide what it means. */
export function decryptionFailed(cause?: unknown): QoltanbaError {
  return new QoltanbaError(ErrorCode.WrongPassword, 'Decryption failed: wrong password or damaged data', {}, { cause })
}

/** Reads a positive iteration count no larger than `max` (a hostile count would hang the tab). */
export function readIterations(value: unknown, max: number): number {
  if (!(value instanceof asn1js.Integer)) throw malformed('iteration count')
  return checkIterations(value.toBigInt(), max)
}

/** Checks an iteration count already read as a number or bigint (see {@link readIterations}). */
function checkIterations(value: number | bigint, max: number): number {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw malformed('iteration count')
  const count = BigInt(value)
  if (count < 1n) throw malformed('iteration count')
  if (count > BigInt(max)) {
    throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `Iteration count ${count} is above the accepted ${max}`, {
      reason: 'iteration_count',
      limit: max,
    })
  }
  return Number(count)
}

function octets(value: unknown, what: string): Uint8Array {
  if (!(value instanceof asn1js.OctetString) || value.idBlock.isConstructed) throw malformed(what)
  return new Uint8Array(value.valueBlock.valueHexView)
}

function expandTwoKey(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(24)
  out.set(key)
  out.set(key.subarray(0, 8), 16)
  return out
}

function decryptPkcs12Pbe(scheme: Pkcs12Scheme, params: unknown, data: Uint8Array, password: Pkcs12Password): Uint8Array {
  if (!(params instanceof asn1js.Sequence) || params.valueBlock.value.length !== 2) throw malformed('PBE parameters')
  const [saltNode, iterationsNode] = params.valueBlock.value
  const salt = octets(saltNode, 'PBE salt')
  const iterations = readIterations(iterationsNode, MAX_PKCS12_KDF_ITERATIONS)
  const key = pkcs12Kdf('SHA-1', password, salt, KdfPurpose.key, iterations, scheme.keyLength)
  if (scheme.kind === 'rc4') return rc4(key, data)
  const iv = pkcs12Kdf('SHA-1', password, salt, KdfPurpose.iv, iterations, 8)
  const fullKey = scheme.keyLength === 16 && scheme.cipher.name === '3DES' ? expandTwoKey(key) : key
  try {
    return legacyCbcDecrypt(scheme.cipher, fullKey, iv, data)
  } catch (e) {
    if (e instanceof BadPaddingError) throw decryptionFailed(e)
    throw e
  }
}

async function pbkdf2(
  password: Pkcs12Password,
  salt: Uint8Array,
  iterations: number,
  hash: string,
  length: number,
  crypto: Crypto,
): Promise<Uint8Array> {
  // PBKDF2 takes UTF-8 bytes, so "no password" and "" are the same zero bytes here.
  const text = password === NO_PASSWORD ? '' : password
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(text), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash, salt: bufferSource(salt), iterations }, material, length * 8)
  return new Uint8Array(bits)
}

async function decryptPbes2(params: unknown, data: Uint8Array, password: Pkcs12Password, crypto: Crypto): Promise<Uint8Array> {
  let pbes2: pkijs.PBES2Params
  let kdf: pkijs.PBKDF2Params
  try {
    pbes2 = new pkijs.PBES2Params({ schema: params })
  } catch (e) {
    throw malformed('PBES2 parameters', e)
  }
  if (pbes2.keyDerivationFunc.algorithmId !== PbeOid.pbkdf2) throw unsupported('key derivation', pbes2.keyDerivationFunc.algorithmId)
  try {
    kdf = new pkijs.PBKDF2Params({ schema: pbes2.keyDerivationFunc.algorithmParams })
  } catch (e) {
    throw malformed('PBKDF2 parameters', e)
  }
  const hash = kdf.prf ? PBKDF2_PRF[kdf.prf.algorithmId] : 'SHA-1'
  if (!hash) throw unsupported('PBKDF2 PRF', kdf.prf?.algorithmId ?? '')
  const cipher = PBES2_CIPHERS[pbes2.encryptionScheme.algorithmId]
  if (!cipher) throw unsupported('PBES2 cipher', pbes2.encryptionScheme.algorithmId)
  if (kdf.keyLength !== undefined && kdf.keyLength !== cipher.keyLength) throw malformed('PBKDF2 key length')
  const salt = octets(kdf.salt, 'PBKDF2 salt')
  // Read the INTEGER itself: asn1js 4's valueDec (pkijs's iterationCount) is 0 for 4-byte values (≥ 2^23).
  const kdfParams: unknown = pbes2.keyDerivationFunc.algorithmParams
  const iterationsNode = kdfParams instanceof asn1js.Sequence ? kdfParams.valueBlock.value[1] : undefined
  const iterations = readIterations(iterationsNode, MAX_PBKDF2_ITERATIONS)
  const iv = octets(pbes2.encryptionScheme.algorithmParams, 'PBES2 IV')
  if (iv.length !== (cipher.kind === 'aes' ? 16 : 8)) throw malformed('PBES2 IV')
  const keyBytes = await pbkdf2(password, salt, iterations, hash, cipher.keyLength, crypto)

  if (cipher.kind === '3des') {
    try {
      return legacyCbcDecrypt({ name: '3DES' }, keyBytes, iv, data)
    } catch (e) {
      if (e instanceof BadPaddingError) throw decryptionFailed(e)
      throw e
    }
  }
  const key = await crypto.subtle.importKey('raw', bufferSource(keyBytes), 'AES-CBC', false, ['decrypt'])
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: bufferSource(iv) }, key, bufferSource(data)))
  } catch (e) {
    // WebCrypto reports bad padding as OperationError: the password-didn't-fit signal.
    throw decryptionFailed(e)
  }
}

/**
 * Decrypts `data` encrypted under `algorithm` (PBES2 or an RFC 7292 PBE) with `password`.
 *
 * @throws QoltanbaError ERR_WRONG_PASSWORD when the result does not unpad (wrong password or damaged
 *   data), ERR_UNSUPPORTED_ALGORITHM for unknown schemes or absurd iteration counts, ERR_MALFORMED
 *   for broken parameters.
 */
export async function decryptWithPassword(
  algorithm: pkijs.AlgorithmIdentifier,
  data: Uint8Array,
  password: Pkcs12Password,
  crypto: Crypto,
): Promise<Uint8Array> {
  const oid = algorithm.algorithmId
  if (oid === PbeOid.pbes2) return decryptPbes2(algorithm.algorithmParams, data, password, crypto)
  const scheme = PKCS12_SCHEMES[oid]
  if (!scheme) throw unsupported('encryption algorithm', oid)
  return decryptPkcs12Pbe(scheme, algorithm.algorithmParams, data, password)
}

function random(length: number, crypto: Crypto): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length))
}

function algorithmIdentifier(oid: string, params: asn1js.AsnType): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), params] })
}

/**
 * Encrypts with PBES2: PBKDF2-HMAC-SHA256 (16-byte salt) and AES-256-CBC, the scheme OpenSSL 3 and
 * Java 17 write by default.
 */
export async function encryptPbes2Aes256(
  plain: Uint8Array,
  password: string,
  iterations: number,
  crypto: Crypto,
): Promise<PasswordEncrypted> {
  const salt = random(16, crypto)
  const iv = random(16, crypto)
  const keyBytes = await pbkdf2(password, salt, iterations, 'SHA-256', 32, crypto)
  const key = await crypto.subtle.importKey('raw', bufferSource(keyBytes), 'AES-CBC', false, ['encrypt'])
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: bufferSource(iv) }, key, bufferSource(plain)))
  const kdfParams = new asn1js.Sequence({
    value: [
      new asn1js.OctetString({ valueHex: salt }),
      new asn1js.Integer({ value: iterations }),
      algorithmIdentifier(PbeOid.hmacWithSha256, new asn1js.Null()),
    ],
  })
  const pbes2Params = new asn1js.Sequence({
    value: [algorithmIdentifier(PbeOid.pbkdf2, kdfParams), algorithmIdentifier(PbeOid.aes256Cbc, new asn1js.OctetString({ valueHex: iv }))],
  })
  return { algorithm: algorithmIdentifier(PbeOid.pbes2, pbes2Params), ciphertext }
}

/**
 * Encrypts with pbeWithSHAAnd3-KeyTripleDES-CBC (8-byte salt): the one legacy scheme that
 * Windows, macOS, Java and OpenSSL 3 (without `-legacy`) all read.
 */
export function encryptPkcs12TripleDes(plain: Uint8Array, password: string, iterations: number, crypto: Crypto): PasswordEncrypted {
  const salt = random(8, crypto)
  const key = pkcs12Kdf('SHA-1', password, salt, KdfPurpose.key, iterations, 24)
  const iv = pkcs12Kdf('SHA-1', password, salt, KdfPurpose.iv, iterations, 8)
  const ciphertext = legacyCbcEncrypt({ name: '3DES' }, key, iv, plain)
  const params = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: salt }), new asn1js.Integer({ value: iterations })],
  })
  return { algorithm: algorithmIdentifier(Pkcs12PbeOid.sha1And3KeyTripleDesCbc, params), ciphertext }
}
