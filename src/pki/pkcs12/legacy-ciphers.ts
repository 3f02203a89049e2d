/**
 * The block and stream ciphers of legacy PKCS#12 files: triple DES, RC2 and RC4.
 *
 * Why JavaScript: WebCrypto offers only AES (no DES, 3DES, RC2 or RC4), yet every NCA container,
 * OpenSSL 1.x / `-legacy` file and pre-2021 Java keystore encrypts with 3DES and RC2-40. DES and
 * RC2 come from node-forge's standalone submodules (maintained, widely deployed), not from the
 * forge root, to keep the lazy chunk small; RC4 is a dozen lines written out here. Padding is
 * checked here, strictly, rather than trusting forge's lenient RC2 unpadding.
 *
 * These ciphers only ever open old files or write the opt-in "compatible" export; new data is AES.
 */
import des from 'node-forge/lib/des.js'
import rc2 from 'node-forge/lib/rc2.js'
import util from 'node-forge/lib/util.js'

/** Thrown when a decryption's padding is wrong: almost always a wrong password. */
export class BadPaddingError extends Error {
  constructor() {
    super('Decrypted data has invalid padding')
  }
}

const BLOCK = 8

function buffer(bytes: Uint8Array) {
  return util.createBuffer(util.binary.raw.encode(bytes))
}

/** PKCS#7 padding to whole 8-byte blocks (RFC 5652 §6.3). */
function pad8(data: Uint8Array): Uint8Array {
  const count = BLOCK - (data.length % BLOCK)
  const out = new Uint8Array(data.length + count)
  out.set(data)
  out.fill(count, data.length)
  return out
}

/** Removes PKCS#7 padding, checking every pad byte. */
export function unpad8(data: Uint8Array): Uint8Array {
  const count = data[data.length - 1]
  if (data.length === 0 || data.length % BLOCK !== 0 || !count || count > BLOCK) throw new BadPaddingError()
  for (let i = data.length - count; i < data.length; i++) if (data[i] !== count) throw new BadPaddingError()
  return data.subarray(0, data.length - count)
}

interface ForgeCipher {
  start(iv: ReturnType<typeof buffer>): void
  update(input: ReturnType<typeof buffer>): void
  finish(pad: () => boolean): boolean
  readonly output: ReturnType<typeof buffer>
}

function run(cipher: ForgeCipher, iv: Uint8Array, data: Uint8Array): Uint8Array {
  cipher.start(buffer(iv))
  cipher.update(buffer(data))
  // A pass-through pad function: padding is added and checked by pad8/unpad8.
  cipher.finish(() => true)
  return util.binary.raw.decode(cipher.output.getBytes())
}

/** Which CBC block cipher: 3DES-EDE with a 24-byte key, or RC2 with the given effective key bits. */
export type LegacyBlockCipher = { readonly name: '3DES' } | { readonly name: 'RC2'; readonly effectiveBits: number }

/** CBC encryption with PKCS#7 padding. */
export function legacyCbcEncrypt(cipher: LegacyBlockCipher, key: Uint8Array, iv: Uint8Array, plain: Uint8Array): Uint8Array {
  const engine =
    cipher.name === '3DES'
      ? des.createEncryptionCipher(buffer(key), 'CBC')
      : rc2.createEncryptionCipher(buffer(key), cipher.effectiveBits)
  return run(engine, iv, pad8(plain))
}

/** CBC decryption; throws {@link BadPaddingError} when the padding is wrong. */
export function legacyCbcDecrypt(cipher: LegacyBlockCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length % BLOCK !== 0) throw new BadPaddingError()
  const engine =
    cipher.name === '3DES'
      ? des.createDecryptionCipher(buffer(key), 'CBC')
      : rc2.createDecryptionCipher(buffer(key), cipher.effectiveBits)
  return unpad8(run(engine, iv, data))
}

/** RC4 (encryption and decryption are the same operation). */
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256)
  for (let i = 0; i < 256; i++) s[i] = i
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + (s[i] as number) + (key[i % key.length] as number)) & 0xff
    ;[s[i], s[j]] = [s[j] as number, s[i] as number]
  }
  const out = new Uint8Array(data.length)
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff
    j = (j + (s[i] as number)) & 0xff
    ;[s[i], s[j]] = [s[j] as number, s[i] as number]
    out[n] = (data[n] as number) ^ (s[((s[i] as number) + (s[j] as number)) & 0xff] as number)
  }
  return out
}
