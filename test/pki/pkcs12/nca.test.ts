/**
 * NCA's real test containers (test/fixtures/nca-test-keys, password Qwerty12): MAC HMAC-SHA1 ×1024,
 * 3DES key bag, RC2-40 certificate bag. Both RSA keys import into WebCrypto and sign; the GOST
 * one is read but refused for WebCrypto with ERR_UNSUPPORTED_ALGORITHM { gost: true }.
 */
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readPkcs12, selectWebCryptoKeys } from '../../../src/pki/pkcs12/index.ts'
import { QoltanbaError } from '../../../src/core/errors.ts'

const dir = new URL('../../fixtures/nca-test-keys/', import.meta.url)
const load = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)))
const PASSWORD = 'Qwerty12'
const RSA_FILES = [
  'AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12',
  'RSA256_8426360556902ce4ac33977836f873e1dc190976.p12',
]
const GOST_FILE = 'GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12'
const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const

describe('NCA RSA containers', () => {
  it.each(RSA_FILES)('%s: the key signs data that verifies against its certificate', async (file) => {
    const ski = file.replace(/^.*_|\.p12$/g, '')
    const contents = await readPkcs12(load(file), PASSWORD)

    expect(contents.keys).toHaveLength(1)
    expect(contents.certificates).toHaveLength(1)
    const [key] = selectWebCryptoKeys(contents)
    const [cert] = contents.certificates
    expect(key?.algorithm).toBe('RSA')
    // NCA names key and certificate after the certificate's SKI, in both attributes.
    expect(Buffer.from(key!.localKeyId!).toString('hex')).toBe(ski)
    expect(Buffer.from(cert!.localKeyId!).toString('hex')).toBe(ski)
    expect(cert?.friendlyName).toBe(ski)
    const x509 = new X509Certificate(Buffer.from(cert!.der))
    expect(x509.subject).toContain('IIN123456789011')

    const privateKey = await crypto.subtle.importKey('pkcs8', Buffer.from(key!.pkcs8), RSA_SHA256, false, ['sign'])
    const spki = x509.publicKey.export({ type: 'spki', format: 'der' })
    const publicKey = await crypto.subtle.importKey('spki', spki, RSA_SHA256, false, ['verify'])
    const data = new TextEncoder().encode('Qoltanba: подпись тестового документа')
    const signature = await crypto.subtle.sign(RSA_SHA256, privateKey, data)
    expect(await crypto.subtle.verify(RSA_SHA256, publicKey, signature, data)).toBe(true)
    expect(await crypto.subtle.verify(RSA_SHA256, publicKey, signature, new TextEncoder().encode('other'))).toBe(false)
  })

  it.each(RSA_FILES)('%s: a wrong password is ERR_WRONG_PASSWORD', async (file) => {
    await expect(readPkcs12(load(file), 'qwerty12')).rejects.toMatchObject({ code: 'ERR_WRONG_PASSWORD' })
  })
})

describe('NCA GOST container', () => {
  it('is read with its key labelled GOST, and refused for WebCrypto with ERR_UNSUPPORTED_ALGORITHM { gost: true }', async () => {
    const contents = await readPkcs12(load(GOST_FILE), PASSWORD)
    expect(contents.keys.map((k) => k.algorithm)).toEqual(['GOST'])
    expect(contents.certificates).toHaveLength(1)

    let error: unknown
    try {
      selectWebCryptoKeys(contents)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(QoltanbaError)
    expect(error).toMatchObject({ code: 'ERR_UNSUPPORTED_ALGORITHM', details: { gost: true, algorithm: 'GOST' } })
  })
})
