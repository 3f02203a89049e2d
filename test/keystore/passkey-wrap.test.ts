/**
 * Known-answer tests of passkey wrapping: the HKDF-SHA-256 key-encryption key and the AES-256-GCM
 * wrap of the container key, with vectors computed by OpenSSL (`openssl kdf … HKDF`) and Node's
 * own AES-GCM, so our WebCrypto parameters (salt, info, associated data layout) are pinned.
 */
import { createCipheriv, hkdfSync, webcrypto } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  PASSKEY_KEK_INFO,
  keyAssociatedData,
  open,
  passkeyAssociatedData,
  passkeyKek,
  seal,
} from '../../src/keystore/passkey-wrap.ts'
import { openssl } from '../pki/openssl.ts'
import { rejectsWithCode } from './helpers.ts'

const crypto = webcrypto as unknown as Crypto
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const PRF = Uint8Array.from({ length: 32 }, (_, i) => i)
const SALT = Uint8Array.from({ length: 32 }, (_, i) => 32 + i)
const CONTAINER_KEY = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i)
const IV = Uint8Array.from({ length: 12 }, (_, i) => i)
const CREDENTIAL = Uint8Array.from(Buffer.from('c0ffee00c0ffee00', 'hex'))
const CONTAINER = '8e1f3a52-0000-4000-8000-000000000001'
/** openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:00…1f -kdfopt hexsalt:20…3f -kdfopt 'info:qoltanba passkey kek v1' HKDF */
const KEK = 'c4e9e6f465eddda46bff980c8950b57da45df18072fb71acd9125b077d28eec0'
/** AES-256-GCM(KEK, IV, CONTAINER_KEY, AD = 0008 ‖ CREDENTIAL ‖ CONTAINER) = ciphertext ‖ tag. */
const WRAP = '6500c0daf6c8aea544c94f5ee8a3bbd192417eb9009b9292a7b364eca990dc3c7fdaa4cf446186b0b8ac0b16c62a27ec'

describe('passkey wrap known answers', () => {
  it('HKDF-SHA-256 of the PRF output is the key OpenSSL derives', () => {
    const ssl = openssl('qoltanba-passkey-kat-')
    try {
      const out = ssl.run(['kdf', '-keylen', '32', '-kdfopt', 'digest:SHA256', '-kdfopt', `hexkey:${hex(PRF)}`, '-kdfopt', `hexsalt:${hex(SALT)}`, '-kdfopt', `info:${PASSKEY_KEK_INFO}`, 'HKDF'])
      expect(out.trim().replace(/:/g, '').toLowerCase()).toBe(KEK)
    } finally {
      ssl.cleanup()
    }
    expect(hex(new Uint8Array(hkdfSync('sha256', PRF, SALT, PASSKEY_KEK_INFO, 32)))).toBe(KEK)
  })

  it('associated data is length-prefixed credential id then container id', () => {
    expect(hex(passkeyAssociatedData(CREDENTIAL, CONTAINER))).toBe(`0008c0ffee00c0ffee00${Buffer.from(CONTAINER).toString('hex')}`)
    expect(Buffer.from(keyAssociatedData('c', 'k')).toString()).toBe('c\u0000k')
  })

  it('wraps the container key to the known ciphertext and opens it again', async () => {
    const kek = await passkeyKek(PRF, SALT, crypto)
    const sealed = await seal(kek, CONTAINER_KEY, passkeyAssociatedData(CREDENTIAL, CONTAINER), crypto, IV)
    expect(hex(sealed.ciphertext)).toBe(WRAP)
    // An independent AES-GCM (Node's cipher API) agrees.
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(KEK, 'hex'), IV).setAAD(passkeyAssociatedData(CREDENTIAL, CONTAINER))
    expect(Buffer.concat([cipher.update(CONTAINER_KEY), cipher.final(), cipher.getAuthTag()]).toString('hex')).toBe(WRAP)
    expect(hex(await open(kek, sealed, passkeyAssociatedData(CREDENTIAL, CONTAINER), crypto, 'passkey'))).toBe(hex(CONTAINER_KEY))
  })

  it('another credential id, container id or PRF output does not open the wrap', async () => {
    const kek = await passkeyKek(PRF, SALT, crypto)
    const sealed = { iv: IV, ciphertext: Uint8Array.from(Buffer.from(WRAP, 'hex')) }
    const otherCredential = passkeyAssociatedData(Uint8Array.from(Buffer.from('c0ffee00c0ffee01', 'hex')), CONTAINER)
    const error = await rejectsWithCode(open(kek, sealed, otherCredential, crypto, 'passkey'), 'ERR_WRONG_PASSWORD')
    expect(error.details).toEqual({ factor: 'passkey' })
    await rejectsWithCode(open(kek, sealed, passkeyAssociatedData(CREDENTIAL, `${CONTAINER}x`), crypto, 'passkey'), 'ERR_WRONG_PASSWORD')
    const otherPrf = PRF.slice()
    otherPrf[0] = 1
    await rejectsWithCode(open(await passkeyKek(otherPrf, SALT, crypto), sealed, passkeyAssociatedData(CREDENTIAL, CONTAINER), crypto, 'passkey'), 'ERR_WRONG_PASSWORD')
    await rejectsWithCode(passkeyKek(new Uint8Array(16), SALT, crypto), 'ERR_NOT_SUPPORTED')
  })
})
