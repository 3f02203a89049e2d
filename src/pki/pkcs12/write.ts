/**
 * Writing PKCS#12 files that OpenSSL, Java keytool, Windows and macOS open.
 *
 * Layout (the one OpenSSL writes): an EncryptedData safe with the certificate bags, then a Data
 * safe with one pkcs8ShroudedKeyBag per key; the key and its certificate share a localKeyID (the
 * SHA-1 of the certificate, as OpenSSL does) and a friendlyName. Everything is built with asn1js
 * as definite-length DER: pkijs would split the ciphertext into a constructed indefinite-length
 * OCTET STRING that the Windows importer rejects (pkijs #405).
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { parsePki } from '../asn1.ts'
import { getCrypto } from '../engine.ts'
import { ErrorCode, QoltanbaError } from '../../core/errors.ts'
import { bufferSource } from './bytes.ts'
import type { Pkcs12KdfHash } from './kdf.ts'
import { MAX_PBKDF2_ITERATIONS, MAX_PKCS12_KDF_ITERATIONS } from './limits.ts'
import { makePkcs12Mac } from './mac.ts'
import { Pkcs12Oid } from '../oids.ts'
import { encryptPbes2Aes256, encryptPkcs12TripleDes, type PasswordEncrypted } from './pbe.ts'
import { PKCS12_LIMITS } from './safe-contents.ts'
import type { Pkcs12Compatibility, WritePkcs12Options } from './types.ts'

interface Profile {
  readonly iterations: number
  readonly macHash: Pkcs12KdfHash
  readonly macSaltLength: number
  encrypt(plain: Uint8Array, password: string, iterations: number, crypto: Crypto): Promise<PasswordEncrypted>
}

/**
 * Iterations of the modern profile, for PBKDF2 and the MAC alike: the MAC is as good a password
 * oracle as the key encryption, so a weaker MAC count would undo a stronger PBKDF2 one. 300,000
 * keeps the JavaScript MAC KDF near a second on a phone.
 */
export const MODERN_ITERATIONS = 300_000

/** Iterations of the legacy profile: OpenSSL's default, which old Windows/macOS importers handle. */
const LEGACY_ITERATIONS = 2048

const PROFILES: Readonly<Record<Pkcs12Compatibility, Profile>> = {
  modern: {
    iterations: MODERN_ITERATIONS,
    macHash: 'SHA-256',
    macSaltLength: 16,
    encrypt: encryptPbes2Aes256,
  },
  legacy: {
    iterations: LEGACY_ITERATIONS,
    macHash: 'SHA-1',
    macSaltLength: 8,
    encrypt: async (plain, password, iterations, crypto) => encryptPkcs12TripleDes(plain, password, iterations, crypto),
  },
}

function explicit(tagNumber: number, inner: asn1js.AsnType): asn1js.Constructed {
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value: [inner] })
}

function oid(value: string): asn1js.ObjectIdentifier {
  return new asn1js.ObjectIdentifier({ value })
}

function der(node: asn1js.AsnType): Uint8Array {
  return new Uint8Array(node.toBER(false))
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number)
  return a.length - b.length
}

/** A DER SET OF: elements sorted by their encodings (X.690 §11.6). */
function derSetOf(values: asn1js.AsnType[]): asn1js.Set {
  const sorted = values.map((value) => ({ value, bytes: der(value) })).sort((a, b) => compareBytes(a.bytes, b.bytes))
  return new asn1js.Set({ value: sorted.map((entry) => entry.value) })
}

function attributes(localKeyId: Uint8Array | undefined, friendlyName: string | undefined): asn1js.Set | undefined {
  const list: asn1js.AsnType[] = []
  if (friendlyName) {
    list.push(new asn1js.Sequence({ value: [oid(Pkcs12Oid.friendlyName), new asn1js.Set({ value: [new asn1js.BmpString({ value: friendlyName })] })] }))
  }
  if (localKeyId) {
    list.push(new asn1js.Sequence({ value: [oid(Pkcs12Oid.localKeyId), new asn1js.Set({ value: [new asn1js.OctetString({ valueHex: localKeyId })] })] }))
  }
  return list.length ? derSetOf(list) : undefined
}

function safeBag(bagId: string, value: asn1js.AsnType, attrs: asn1js.Set | undefined): asn1js.Sequence {
  return new asn1js.Sequence({ value: [oid(bagId), explicit(0, value), ...(attrs ? [attrs] : [])] })
}

function certBag(certificate: Uint8Array, attrs: asn1js.Set | undefined): asn1js.Sequence {
  const value = new asn1js.Sequence({
    value: [oid(Pkcs12Oid.x509Certificate), explicit(0, new asn1js.OctetString({ valueHex: certificate }))],
  })
  return safeBag(Pkcs12Oid.certBag, value, attrs)
}

function dataContentInfo(content: Uint8Array): asn1js.Sequence {
  return new asn1js.Sequence({ value: [oid(Pkcs12Oid.data), explicit(0, new asn1js.OctetString({ valueHex: content }))] })
}

function encryptedDataContentInfo(encrypted: PasswordEncrypted): asn1js.Sequence {
  const encryptedContentInfo = new asn1js.Sequence({
    value: [
      oid(Pkcs12Oid.data),
      encrypted.algorithm,
      new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: encrypted.ciphertext }),
    ],
  })
  const encryptedData = new asn1js.Sequence({ value: [new asn1js.Integer({ value: 0 }), encryptedContentInfo] })
  return new asn1js.Sequence({ value: [oid(Pkcs12Oid.encryptedData), explicit(0, encryptedData)] })
}

function checkIterations(iterations: number): number {
  if (!Number.isSafeInteger(iterations) || iterations < 1000 || iterations > Math.min(MAX_PBKDF2_ITERATIONS, MAX_PKCS12_KDF_ITERATIONS)) {
    throw new QoltanbaError(ErrorCode.Internal, `Iteration count ${iterations} is out of range`)
  }
  return iterations
}

/**
 * Writes a password-protected PKCS#12 file with each key, its certificate and chain.
 *
 * `compatibility: 'modern'` (default) uses PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) and an
 * HMAC-SHA256 MAC, 300,000 iterations; `'legacy'` uses pbeWithSHAAnd3-KeyTripleDES-CBC for key and
 * certificates and an HMAC-SHA1 MAC, 2,048 iterations, for old Windows/macOS. Both open in
 * `openssl pkcs12` (no `-legacy` needed) and `keytool -list`.
 *
 * @throws QoltanbaError ERR_MALFORMED when a key or certificate does not parse.
 * @example
 * const p12 = await writePkcs12({ entries: [{ pkcs8, certificate, friendlyName: 'AUTH' }], password })
 */
export async function writePkcs12(options: WritePkcs12Options, crypto: Crypto = getCrypto()): Promise<Uint8Array> {
  const profile = PROFILES[options.compatibility ?? 'modern']
  if (!profile) throw new QoltanbaError(ErrorCode.Internal, `Unknown PKCS#12 compatibility: ${String(options.compatibility)}`)
  const iterations = checkIterations(options.iterations ?? profile.iterations)
  const { password } = options

  const certBags: asn1js.Sequence[] = []
  const keyBags: asn1js.Sequence[] = []
  for (const entry of options.entries) {
    parsePki(pkijs.PrivateKeyInfo, entry.pkcs8, 'PKCS#8 private key', PKCS12_LIMITS)
    for (const certificate of [entry.certificate, ...(entry.chain ?? [])]) {
      parsePki(pkijs.Certificate, certificate, 'certificate', PKCS12_LIMITS)
    }
    const localKeyId = new Uint8Array(await crypto.subtle.digest('SHA-1', bufferSource(entry.certificate)))
    const attrs = attributes(localKeyId, entry.friendlyName)
    certBags.push(certBag(entry.certificate, attrs))
    for (const issuer of entry.chain ?? []) certBags.push(certBag(issuer, undefined))
    const shrouded = await profile.encrypt(entry.pkcs8, password, iterations, crypto)
    const encryptedPrivateKeyInfo = new asn1js.Sequence({ value: [shrouded.algorithm, new asn1js.OctetString({ valueHex: shrouded.ciphertext })] })
    keyBags.push(safeBag(Pkcs12Oid.pkcs8ShroudedKeyBag, encryptedPrivateKeyInfo, attrs))
  }

  const certSafe = await profile.encrypt(der(new asn1js.Sequence({ value: certBags })), password, iterations, crypto)
  const keySafe = der(new asn1js.Sequence({ value: keyBags }))
  const authenticatedSafe = der(new asn1js.Sequence({ value: [encryptedDataContentInfo(certSafe), dataContentInfo(keySafe)] }))
  const macData = await makePkcs12Mac(authenticatedSafe, password, profile.macHash, iterations, profile.macSaltLength, crypto)
  return der(new asn1js.Sequence({ value: [new asn1js.Integer({ value: 3 }), dataContentInfo(authenticatedSafe), macData] }))
}
