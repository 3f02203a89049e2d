/**
 * Secrets at rest (signing keys, client secrets): AES-256-GCM under a key derived from the server
 * secret (server/security/secret.ts), laid out as iv (12) | tag (16) | ciphertext. A database dump
 * alone reveals no key; an instance needs the shared secret file, as for the access codes.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const IV_BYTES = 12
const TAG_BYTES = 16

/** Encrypts `plain`; `context` (e.g. the key id) is authenticated so rows cannot be swapped. */
export function seal(key: Buffer, plain: Uint8Array, context: string): Uint8Array {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(context, 'utf8'))
  const body = Buffer.concat([cipher.update(plain), cipher.final()])
  return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]))
}

/** Decrypts what `seal` made with the same key and context; throws if anything was altered. */
export function unseal(key: Buffer, sealed: Uint8Array, context: string): Buffer {
  const buf = Buffer.from(sealed)
  const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_BYTES))
  decipher.setAAD(Buffer.from(context, 'utf8'))
  decipher.setAuthTag(buf.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
  return Buffer.concat([decipher.update(buf.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
}
