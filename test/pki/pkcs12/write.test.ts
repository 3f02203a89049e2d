/**
 * writePkcs12: modern and legacy files open in OpenSSL 3 (without -legacy) and Java keytool as a
 * PrivateKeyEntry, the extracted key matches the certificate, and write → read round-trips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPkcs12, writePkcs12, type Pkcs12Compatibility } from '../../../src/pki/pkcs12/index.ts'
import { keytool, Material, publicKeyOfCertificate, publicKeyOfPkcs8 } from './material.ts'

let material: Material

beforeAll(() => {
  material = new Material()
})
afterAll(() => material?.cleanup())

const PROFILES = [
  ['modern', ['MAC: sha256, Iteration 300000', 'PBES2, PBKDF2, AES-256-CBC, Iteration 300000, PRF hmacWithSHA256']],
  ['legacy', ['MAC: sha1, Iteration 2048', 'Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048', 'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC']],
] as const satisfies ReadonlyArray<readonly [Pkcs12Compatibility, readonly string[]]>

describe('files written by writePkcs12 open in OpenSSL and keytool', () => {
  it.each(PROFILES)('%s profile (default iterations)', async (compatibility, expectedInfo) => {
    const { rsa, ssl } = material
    // ASCII: keytool here decodes non-ASCII -storepass arguments wrongly (even for OpenSSL's own files).
    const password = 'Export-pass 1'
    const p12 = await writePkcs12({
      entries: [{ pkcs8: rsa.pkcs8, certificate: rsa.certificate, chain: [rsa.caCertificate], friendlyName: 'Алия AUTH' }],
      password,
      compatibility,
    })
    const file = ssl.write(`written-${compatibility}.p12`, p12)

    // Plain `openssl pkcs12` (no -legacy): the default provider must be enough.
    const info = ssl.run(['pkcs12', '-info', '-noout', '-in', file, '-passin', `pass:${password}`])
    for (const fragment of expectedInfo) expect(info).toContain(fragment)
    expect(ssl.tryRun(['pkcs12', '-info', '-noout', '-in', file, '-passin', 'pass:wrong']).status).not.toBe(0)

    ssl.run(['pkcs12', '-in', file, '-passin', `pass:${password}`, '-nocerts', '-nodes', '-out', `key-${compatibility}.pem`])
    ssl.run(['pkcs8', '-topk8', '-nocrypt', '-in', `key-${compatibility}.pem`, '-outform', 'DER', '-out', `key-${compatibility}.der`])
    ssl.run(['pkcs12', '-in', file, '-passin', `pass:${password}`, '-nokeys', '-clcerts', '-out', `cert-${compatibility}.pem`])
    ssl.run(['x509', '-in', `cert-${compatibility}.pem`, '-outform', 'DER', '-out', `cert-${compatibility}.der`])
    const extractedKey = ssl.read(`key-${compatibility}.der`)
    const extractedCert = ssl.read(`cert-${compatibility}.der`)
    expect(Buffer.from(extractedCert)).toEqual(Buffer.from(rsa.certificate))
    expect(publicKeyOfPkcs8(extractedKey)).toEqual(publicKeyOfCertificate(extractedCert))
    const cacerts = ssl.run(['pkcs12', '-in', file, '-passin', `pass:${password}`, '-nokeys', '-cacerts'])
    expect(cacerts).toContain('P12 Test CA')

    const listing = keytool(ssl.dir, ['-list', '-v', '-storetype', 'PKCS12', '-keystore', file, '-storepass', password])
    expect(listing).toContain('Your keystore contains 1 entry')
    expect(listing).toContain('Entry type: PrivateKeyEntry')
    expect(listing).toContain('Alias name: алия auth')
    expect(listing).toContain('Certificate chain length: 2')
  })
})

describe('passwords beyond ASCII', () => {
  it.each(['modern', 'legacy'] as const)('%s: a Cyrillic/Kazakh password opens in OpenSSL (UTF-8 → BMPString, UTF-8 for PBKDF2)', async (compatibility) => {
    const { rsa, ssl } = material
    const password = 'Құпия-сөз Пароль'
    const p12 = await writePkcs12({ entries: [{ pkcs8: rsa.pkcs8, certificate: rsa.certificate }], password, compatibility, iterations: 2000 })
    const file = ssl.write(`cyrillic-${compatibility}.p12`, p12)
    expect(ssl.run(['pkcs12', '-info', '-noout', '-in', file, '-passin', `pass:${password}`])).toContain('Shrouded Keybag')
    const pem = ssl.run(['pkcs12', '-in', file, '-passin', `pass:${password}`, '-nodes'])
    expect(pem).toContain('BEGIN PRIVATE KEY')
  })
})

describe('write → read round trip', () => {
  it.each([
    ['modern', 'rsa'],
    ['modern', 'ec'],
    ['legacy', 'rsa'],
    ['legacy', 'ec'],
  ] as const)('%s profile, %s key', async (compatibility, which) => {
    const identity = material[which]
    const p12 = await writePkcs12(
      {
        entries: [{ pkcs8: identity.pkcs8, certificate: identity.certificate, chain: [identity.caCertificate], friendlyName: 'Кілт' }],
        password: 'round-trip',
        compatibility,
        iterations: 2000,
      },
      crypto,
    )
    const contents = await readPkcs12(p12, 'round-trip', crypto)

    expect(contents.keys).toHaveLength(1)
    const [key] = contents.keys
    expect(Buffer.from(key!.pkcs8)).toEqual(Buffer.from(identity.pkcs8))
    expect(key?.algorithm).toBe(which === 'rsa' ? 'RSA' : 'EC')
    expect(key?.friendlyName).toBe('Кілт')
    expect(contents.certificates.map((c) => Buffer.from(c.der))).toEqual([Buffer.from(identity.certificate), Buffer.from(identity.caCertificate)])
    const [leaf, ca] = contents.certificates
    expect(Buffer.from(leaf!.localKeyId!)).toEqual(Buffer.from(key!.localKeyId!))
    expect(leaf?.friendlyName).toBe('Кілт')
    expect(ca?.localKeyId).toBeUndefined()
    await expect(readPkcs12(p12, 'round-trip!', crypto)).rejects.toMatchObject({ code: 'ERR_WRONG_PASSWORD' })
  })

  it('writes two keys, each paired with its own certificate', async () => {
    const { rsa, ec } = material
    const p12 = await writePkcs12({
      entries: [
        { pkcs8: rsa.pkcs8, certificate: rsa.certificate, friendlyName: 'AUTH' },
        { pkcs8: ec.pkcs8, certificate: ec.certificate, friendlyName: 'SIGN' },
      ],
      password: 'two',
      iterations: 2000,
    })
    const contents = await readPkcs12(p12, 'two')
    for (const key of contents.keys) {
      const cert = contents.certificates.find((c) => Buffer.from(c.localKeyId!).equals(Buffer.from(key.localKeyId!)))
      expect(cert?.friendlyName).toBe(key.friendlyName)
      expect(publicKeyOfPkcs8(key.pkcs8)).toEqual(publicKeyOfCertificate(cert!.der))
    }
    expect(contents.keys.map((k) => k.friendlyName)).toEqual(['AUTH', 'SIGN'])
  })

  it('refuses a key or certificate that does not parse with ERR_MALFORMED', async () => {
    const { rsa } = material
    await expect(
      writePkcs12({ entries: [{ pkcs8: rsa.pkcs8.subarray(0, 100), certificate: rsa.certificate }], password: 'x', iterations: 2000 }),
    ).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
    await expect(
      writePkcs12({ entries: [{ pkcs8: rsa.pkcs8, certificate: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]) }], password: 'x', iterations: 2000 }),
    ).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })
})
