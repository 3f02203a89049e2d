/**
 * readPkcs12 reads what OpenSSL 3 (default, -legacy, 3DES, 2-key 3DES/RC2-128, RC4, PBES2 3DES,
 * AES-128 + SHA-512 MAC, no MAC) and Java keytool (default and legacy mode) write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPkcs12 } from '../../../src/pki/pkcs12/index.ts'
import { Material, OPENSSL_VARIANTS, PASSWORD, publicKeyOfCertificate, publicKeyOfPkcs8, type OpenSslVariant } from './material.ts'

let material: Material

beforeAll(() => {
  material = new Material()
})
afterAll(() => material?.cleanup())

describe('readPkcs12 on OpenSSL files', () => {
  it.each(Object.keys(OPENSSL_VARIANTS) as OpenSslVariant[])('%s: RSA key, its certificate and the CA, paired by localKeyId', async (variant) => {
    const contents = await readPkcs12(material.openSslP12(variant), PASSWORD)

    expect(contents.keys).toHaveLength(1)
    const [key] = contents.keys
    expect(key?.algorithm).toBe('RSA')
    expect(Buffer.from(key!.pkcs8)).toEqual(Buffer.from(material.rsa.pkcs8))
    expect(key?.friendlyName).toBe('alice')

    const certs = contents.certificates.map((c) => Buffer.from(c.der))
    expect(certs).toHaveLength(2)
    expect(certs).toContainEqual(Buffer.from(material.rsa.certificate))
    expect(certs).toContainEqual(Buffer.from(material.rsa.caCertificate))

    const leaf = contents.certificates.find((c) => Buffer.from(c.der).equals(Buffer.from(material.rsa.certificate)))
    expect(key?.localKeyId?.length).toBeGreaterThan(0)
    expect(Buffer.from(leaf!.localKeyId!)).toEqual(Buffer.from(key!.localKeyId!))
    const ca = contents.certificates.find((c) => c !== leaf)
    expect(ca?.localKeyId).toBeUndefined()
  })

  it.each(['openssl-default', 'openssl-legacy'] as const)('%s: EC P-256 key labelled EC, matching its certificate', async (variant) => {
    const contents = await readPkcs12(material.openSslP12(variant, material.ec), PASSWORD)
    expect(contents.keys.map((k) => k.algorithm)).toEqual(['EC'])
    expect(publicKeyOfPkcs8(contents.keys[0]!.pkcs8)).toEqual(publicKeyOfCertificate(material.ec.certificate))
  })

  it('reads a file whose password is empty', async () => {
    const contents = await readPkcs12(material.openSslP12('openssl-3des', material.rsa, ''), '')
    expect(Buffer.from(contents.keys[0]!.pkcs8)).toEqual(Buffer.from(material.rsa.pkcs8))
  })
})

describe('readPkcs12 on Java keytool files', () => {
  it.each([
    ['default (PBES2/AES-256, HMAC-SHA256)', false],
    ['legacy (3DES key, RC2-40 certificates, HMAC-SHA1 ×100,000)', true],
  ] as const)('%s: one EC key with its certificate, alias as friendlyName', async (_name, legacy) => {
    const contents = await readPkcs12(material.keytoolP12(legacy), 'keytool-pass')

    expect(contents.keys).toHaveLength(1)
    expect(contents.certificates).toHaveLength(1)
    const [key] = contents.keys
    const [cert] = contents.certificates
    expect(key?.algorithm).toBe('EC')
    expect(key?.friendlyName).toBe('bob')
    expect(cert?.friendlyName).toBe('bob')
    expect(Buffer.from(cert!.localKeyId!)).toEqual(Buffer.from(key!.localKeyId!))
    expect(publicKeyOfPkcs8(key!.pkcs8)).toEqual(publicKeyOfCertificate(cert!.der))
  })
})
