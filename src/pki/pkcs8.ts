/**
 * PKCS#8 EncryptedPrivateKeyInfo with PBES2 (RFC 8018): we write PBKDF2-HMAC-SHA256 (600,000
 * iterations by default) + AES-256-CBC, which `openssl pkey` opens; we read what OpenSSL writes
 * (PRF HMAC-SHA1/256/384/512, AES-128/256-CBC). Everything else is ERR_UNSUPPORTED_ALGORITHM.
 * Passwords are used as their UTF-8 bytes, as OpenSSL does.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { parseAsn1, parsePki, toArrayBuffer } from './asn1.ts'
import { getCrypto } from './engine.ts'
import { asMalformed, ErrorCode, QoltanbaError } from '../core/errors.ts'
import { PbeOid } from './oids.ts'

/** The iteration count we write unless told otherwise (OWASP 2023 for PBKDF2-HMAC-SHA256). */
export const DEFAULT_PBKDF2_ITERATIONS = 600_000
/** Iteration counts above this are refused on reading: a crafted file must not freeze the app. */
export const MAX_PBKDF2_ITERATIONS = 10_000_000

const PRF_HASH: Readonly<Record<string, string>> = {
  [PbeOid.hmacWithSha1]: 'SHA-1',
  [PbeOid.hmacWithSha256]: 'SHA-256',
  [PbeOid.hmacWithSha384]: 'SHA-384',
  [PbeOid.hmacWithSha512]: 'SHA-512',
}
// AES-192 is left out on purpose: Chromium's WebCrypto has no 192-bit AES.
const AES_BITS: Readonly<Record<string, number>> = { [PbeOid.aes128Cbc]: 128, [PbeOid.aes256Cbc]: 256 }

/** Options of {@link encryptPrivateKey}. */
export interface EncryptPrivateKeyOptions {
  /** PBKDF2 iterations, default {@link DEFAULT_PBKDF2_ITERATIONS}. */
  readonly iterations?: number
}

async function deriveAesKey(
  password: string,
  salt: Uint8Array,
  iterations: number,
  hash: string,
  bits: number,
  usage: KeyUsage,
  crypto: Crypto,
): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt: toArrayBuffer(salt), iterations, hash },
    base,
    { name: 'AES-CBC', length: bits },
    false,
    [usage],
  )
}

/**
 * Encrypts a plain PKCS#8 key into a DER EncryptedPrivateKeyInfo (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC).
 * @example const epki = await encryptPrivateKey(pkcs8, password) // openssl pkey -in x.der -passin …
 */
export async function encryptPrivateKey(
  pkcs8: Uint8Array,
  password: string,
  opts: EncryptPrivateKeyOptions = {},
  crypto: Crypto = getCrypto(),
): Promise<Uint8Array<ArrayBuffer>> {
  const iterations = opts.iterations ?? DEFAULT_PBKDF2_ITERATIONS
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new QoltanbaError(ErrorCode.Internal, 'PBKDF2 iterations must be a positive integer')
  }
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(16))
  const key = await deriveAesKey(password, salt, iterations, 'SHA-256', 256, 'encrypt', crypto)
  const encrypted = await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, key, toArrayBuffer(pkcs8))
  const pbkdf2Params = new asn1js.Sequence({
    value: [
      new asn1js.OctetString({ valueHex: salt.buffer }),
      new asn1js.Integer({ value: iterations }),
      new pkijs.AlgorithmIdentifier({ algorithmId: PbeOid.hmacWithSha256, algorithmParams: new asn1js.Null() }).toSchema(),
    ],
  })
  const pbes2Params = new asn1js.Sequence({
    value: [
      new pkijs.AlgorithmIdentifier({ algorithmId: PbeOid.pbkdf2, algorithmParams: pbkdf2Params }).toSchema(),
      new pkijs.AlgorithmIdentifier({
        algorithmId: PbeOid.aes256Cbc,
        algorithmParams: new asn1js.OctetString({ valueHex: iv.buffer }),
      }).toSchema(),
    ],
  })
  const epki = new asn1js.Sequence({
    value: [
      new pkijs.AlgorithmIdentifier({ algorithmId: PbeOid.pbes2, algorithmParams: pbes2Params }).toSchema(),
      new asn1js.OctetString({ valueHex: encrypted }),
    ],
  })
  return new Uint8Array(epki.toBER(false))
}

function unsupported(what: string, oid: string): QoltanbaError {
  return new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `unsupported ${what}: ${oid}`, { oid })
}

/** The PBES2 parameters we need, validated. */
interface Pbes2 {
  readonly salt: Uint8Array
  readonly iterations: number
  readonly hash: string
  readonly bits: number
  readonly iv: Uint8Array
  readonly ciphertext: Uint8Array
}

/** A non-negative INTEGER as a number, capped (asn1js's valueDec reads 0 for 4+ byte values). */
function integerValue(block: unknown): number | undefined {
  if (!(block instanceof asn1js.Integer)) return undefined
  const v = block.toBigInt()
  if (v < 0n) return undefined
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v)
}

/**
 * PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL,
 * prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }, read by hand so big INTEGERs stay exact.
 */
function readPbkdf2Params(
  schema: unknown,
): { salt: Uint8Array; iterations: number; keyLength?: number; prfOid: string } | undefined {
  if (!(schema instanceof asn1js.Sequence)) return undefined
  const [salt, count, ...rest] = schema.valueBlock.value
  // The "otherSource" salt choice (an AlgorithmIdentifier) is not used by anyone we read.
  if (!(salt instanceof asn1js.OctetString)) return undefined
  const iterations = integerValue(count)
  if (iterations === undefined) return undefined
  let keyLength: number | undefined
  let prfOid: string = PbeOid.hmacWithSha1
  for (const item of rest) {
    if (item instanceof asn1js.Integer) keyLength = integerValue(item)
    else if (item instanceof asn1js.Sequence) prfOid = new pkijs.AlgorithmIdentifier({ schema: item }).algorithmId
    else return undefined
  }
  return { salt: salt.valueBlock.valueHexView, iterations, ...(keyLength !== undefined ? { keyLength } : {}), prfOid }
}

function readPbes2(encrypted: Uint8Array): Pbes2 {
  const epki = parseAsn1(encrypted)
  const fail = (why: string) => new QoltanbaError(ErrorCode.Malformed, `encrypted private key is malformed: ${why}`)
  if (!(epki instanceof asn1js.Sequence) || epki.valueBlock.value.length !== 2) throw fail('not EncryptedPrivateKeyInfo')
  const [algSchema, data] = epki.valueBlock.value
  if (!(data instanceof asn1js.OctetString) || !(algSchema instanceof asn1js.Sequence)) throw fail('not EncryptedPrivateKeyInfo')
  const alg = new pkijs.AlgorithmIdentifier({ schema: algSchema })
  if (alg.algorithmId !== PbeOid.pbes2) throw unsupported('key encryption', alg.algorithmId)
  let params: pkijs.PBES2Params
  try {
    params = new pkijs.PBES2Params({ schema: alg.algorithmParams })
  } catch {
    throw fail('bad PBES2 parameters')
  }
  if (params.keyDerivationFunc.algorithmId !== PbeOid.pbkdf2) throw unsupported('key derivation', params.keyDerivationFunc.algorithmId)
  const kdf = readPbkdf2Params(params.keyDerivationFunc.algorithmParams)
  if (!kdf) throw fail('bad PBKDF2 parameters')
  const hash = PRF_HASH[kdf.prfOid]
  if (!hash) throw unsupported('PBKDF2 PRF', kdf.prfOid)
  const cipherOid = params.encryptionScheme.algorithmId
  const bits = AES_BITS[cipherOid]
  if (!bits) throw unsupported('cipher', cipherOid)
  const ivBlock = params.encryptionScheme.algorithmParams
  if (!(ivBlock instanceof asn1js.OctetString) || ivBlock.valueBlock.valueHexView.length !== 16) throw fail('bad IV')
  if (kdf.keyLength !== undefined && kdf.keyLength * 8 !== bits) throw fail('key length does not match the cipher')
  const { salt, iterations } = kdf
  if (iterations < 1) throw fail('bad iteration count')
  if (iterations > MAX_PBKDF2_ITERATIONS) {
    throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, 'PBKDF2 iteration count is unreasonably high', { iterations })
  }
  return { salt, iterations, hash, bits, iv: ivBlock.valueBlock.valueHexView, ciphertext: new Uint8Array(data.getValue()) }
}

/**
 * Decrypts an EncryptedPrivateKeyInfo (DER) into the plain PKCS#8 DER.
 * @throws QoltanbaError ERR_WRONG_PASSWORD, ERR_MALFORMED, ERR_UNSUPPORTED_ALGORITHM (details.oid), ERR_TOO_LARGE.
 */
export async function decryptPrivateKey(
  encrypted: Uint8Array,
  password: string,
  crypto: Crypto = getCrypto(),
): Promise<Uint8Array<ArrayBuffer>> {
  let p: Pbes2
  try {
    p = readPbes2(encrypted)
  } catch (e) {
    // pkijs's AlgorithmIdentifier throws plain Errors on a wrong schema: malformed input too.
    throw asMalformed(e, 'encrypted private key')
  }
  const key = await deriveAesKey(password, p.salt, p.iterations, p.hash, p.bits, 'decrypt', crypto)
  let plain: Uint8Array<ArrayBuffer>
  try {
    plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: toArrayBuffer(p.iv) }, key, toArrayBuffer(p.ciphertext)))
  } catch {
    // Bad CBC padding: by far most wrong passwords end here.
    throw new QoltanbaError(ErrorCode.WrongPassword, 'wrong password for the private key')
  }
  try {
    parsePki(pkijs.PrivateKeyInfo, plain, 'private key')
  } catch {
    // Padding happened to look valid (≈1 in 256 wrong passwords): the plaintext is not a key.
    throw new QoltanbaError(ErrorCode.WrongPassword, 'wrong password for the private key')
  }
  return plain
}
