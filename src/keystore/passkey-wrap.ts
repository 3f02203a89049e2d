/**
 * The cryptography of passkey unlock, without IndexedDB or WebAuthn (see README.md, "Passkey
 * unlock"). A container that has passkeys holds a random 256-bit container key (CK) that
 *
 * - encrypts a second copy of every private key (AES-256-GCM, bound to container and key id),
 * - is wrapped by the password (PBKDF2-HMAC-SHA256 → AES-256-GCM), so a new passkey or key can be
 *   added with the password alone, and
 * - is wrapped by each passkey: HKDF-SHA-256 over the PRF output with the container's salt gives
 *   the key-encryption key, AES-256-GCM with the credential id and container id as associated
 *   data, so a wrap copied to another credential or container does not open.
 *
 * The PBES2 copies that the password opens (and that .p12 export reads) are untouched by all this.
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'

/** HKDF `info` of the passkey key-encryption key; a new version gets a new label. */
export const PASSKEY_KEK_INFO = 'qoltanba passkey kek v1'
/** Bytes of the PRF output we accept (WebAuthn PRF gives 32). */
export const PRF_BYTES = 32

/** AES-GCM ciphertext with its nonce. */
export interface Sealed {
  readonly iv: Uint8Array
  /** Ciphertext followed by the 16-byte tag. */
  readonly ciphertext: Uint8Array
}

type Bytes = Uint8Array<ArrayBuffer>
const utf8 = new TextEncoder()

function bytes(data: Uint8Array): Bytes {
  return data as Bytes
}

/**
 * Associated data of a passkey's wrap: `len(credentialId) (2 bytes, big endian) ‖ credentialId ‖
 * UTF-8 containerId` — length-prefixed so no two (credential, container) pairs give the same bytes.
 */
export function passkeyAssociatedData(credentialId: Uint8Array, containerId: string): Uint8Array {
  const id = utf8.encode(containerId)
  const out = new Uint8Array(2 + credentialId.length + id.length)
  out[0] = credentialId.length >> 8
  out[1] = credentialId.length & 0xff
  out.set(credentialId, 2)
  out.set(id, 2 + credentialId.length)
  return out
}

/** Associated data of a private key sealed under the container key: `containerId ‖ 0x00 ‖ keyId`. */
export function keyAssociatedData(containerId: string, keyId: string): Uint8Array {
  return utf8.encode(`${containerId}\u0000${keyId}`)
}

/** Associated data of the container key wrapped by the password. */
export function passwordAssociatedData(containerId: string): Uint8Array {
  return utf8.encode(`qoltanba container key\u0000${containerId}`)
}

/** The AES-256-GCM key-encryption key of one passkey: HKDF-SHA-256(PRF output, container salt). */
export async function passkeyKek(prfOutput: Uint8Array, hkdfSalt: Uint8Array, crypto: Crypto): Promise<CryptoKey> {
  if (prfOutput.length !== PRF_BYTES) {
    throw new QoltanbaError(ErrorCode.NotSupported, 'The authenticator gave no usable PRF output', { reason: 'prf' })
  }
  const ikm = await crypto.subtle.importKey('raw', bytes(prfOutput), 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: bytes(hkdfSalt), info: utf8.encode(PASSKEY_KEK_INFO) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/** The AES-256-GCM key that wraps the container key under the password. */
export async function passwordKek(password: string, salt: Uint8Array, iterations: number, crypto: Crypto): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', utf8.encode(password), 'PBKDF2', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: bytes(salt), iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/** A fresh random container key (raw bytes: the caller zeroes them when done). */
export function newContainerKey(crypto: Crypto): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32))
}

/** Imports raw container-key bytes as a non-extractable AES-GCM key. */
export function importContainerKey(raw: Uint8Array, crypto: Crypto): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bytes(raw), 'AES-GCM', false, ['encrypt', 'decrypt'])
}

/** AES-256-GCM encryption with a fresh 96-bit nonce (or `iv`, for known-answer tests). */
export async function seal(key: CryptoKey, plaintext: Uint8Array, associatedData: Uint8Array, crypto: Crypto, iv?: Uint8Array): Promise<Sealed> {
  const nonce = iv ?? crypto.getRandomValues(new Uint8Array(12))
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: bytes(nonce), additionalData: bytes(associatedData) }, key, bytes(plaintext))
  return { iv: nonce, ciphertext: new Uint8Array(ciphertext) }
}

/**
 * AES-256-GCM decryption. A wrong key, wrong associated data or changed bytes all fail the tag:
 * ERR_WRONG_PASSWORD with `details.factor` ('passkey' or 'password'), which the wrong-password
 * slowdown counts like any failed unlock.
 */
export async function open(key: CryptoKey, sealed: Sealed, associatedData: Uint8Array, crypto: Crypto, factor: 'passkey' | 'password'): Promise<Uint8Array> {
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes(sealed.iv), additionalData: bytes(associatedData) }, key, bytes(sealed.ciphertext))
    return new Uint8Array(plain)
  } catch (e) {
    throw new QoltanbaError(ErrorCode.WrongPassword, `The ${factor} does not open this container`, { factor }, { cause: e })
  }
}
