/**
 * CA private keys at rest: PKCS#8 EncryptedPrivateKeyInfo, PBES2 with PBKDF2-HMAC-SHA256
 * (600,000 iterations by default) and AES-256-CBC — the same format and strength as the PWA's
 * containers (src/pki/pkcs8.ts) and readable by `openssl pkey -in …`. Written with Node's crypto
 * here because the CA runs in Node and needs a synchronous KeyObject for fast signing; Node's own
 * `export({cipher})` would use only 2,048 PBKDF2 iterations.
 */
import { createCipheriv, createPrivateKey, pbkdf2Sync, randomBytes, type KeyObject } from 'node:crypto'
import { PbeOid } from '../../src/pki/oids.ts'
import { toPem } from '../../src/pki/pem.ts'
import { int, octetString, oid, seq } from './der.ts'

/** Default PBKDF2 iterations (OWASP 2023 figure for HMAC-SHA256). */
export const DEFAULT_KEY_ITERATIONS = 600_000

/** Encrypts a private key as PEM "ENCRYPTED PRIVATE KEY". */
export function encryptKeyToPem(key: KeyObject, passphrase: string, iterations = DEFAULT_KEY_ITERATIONS): string {
  const plain = key.export({ type: 'pkcs8', format: 'der' })
  const salt = randomBytes(16)
  const iv = randomBytes(16)
  const dk = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, iterations, 32, 'sha256')
  const cipher = createCipheriv('aes-256-cbc', dk, iv)
  const encrypted = Buffer.concat([cipher.update(plain), cipher.final()])
  const algorithm = seq(
    oid(PbeOid.pbes2),
    seq(
      seq(oid(PbeOid.pbkdf2), seq(octetString(salt), int(iterations), int(32), seq(oid(PbeOid.hmacWithSha256), Buffer.from([0x05, 0x00])))),
      seq(oid(PbeOid.aes256Cbc), octetString(iv)),
    ),
  )
  const der = seq(algorithm, octetString(encrypted))
  return toPem(der, 'ENCRYPTED PRIVATE KEY')
}

/** Decrypts a key file written by encryptKeyToPem (or by OpenSSL). Throws on a wrong passphrase. */
export function decryptKeyPem(pem: string, passphrase: string): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem', passphrase })
}
