import * as asn1js from 'asn1js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decryptPrivateKey, encryptPrivateKey } from '../../src/pki/pkcs8.ts'
import { describePrivateKey, importPrivateKey, publicKeyOf } from '../../src/pki/private-key.ts'
import { fromPem } from '../../src/pki/pem.ts'
import { openssl, type OpenSsl } from './openssl.ts'

let ossl: OpenSsl
const PASSWORD = 'Құпия-сөз 123'
const pemDer = (name: string) => fromPem(new TextDecoder().decode(ossl.read(name)))[0]!.der

beforeAll(() => {
  ossl = openssl()
  ossl.run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa.key'])
  ossl.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'p256.key'])
  ossl.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'p384.key'])
  ossl.write('pass.txt', PASSWORD)
})
afterAll(() => ossl.cleanup())

describe('encryptPrivateKey → openssl pkey', () => {
  it('default parameters (PBKDF2-HMAC-SHA256 ×600000, AES-256-CBC) open in openssl', async () => {
    const plain = pemDer('p256.key')
    const epki = await encryptPrivateKey(plain, PASSWORD)
    ossl.write('ours.der', epki)
    const params = ossl.run(['asn1parse', '-inform', 'DER', '-in', 'ours.der'])
    expect(params).toContain('PBES2')
    expect(params).toContain('hmacWithSHA256')
    expect(params).toContain('aes-256-cbc')
    expect(params).toMatch(/INTEGER\s+:0927C0\b/) // 600000
    // PEM output is PKCS#8 ("BEGIN PRIVATE KEY"); DER output would be SEC1 for EC keys.
    ossl.run(['pkey', '-inform', 'DER', '-in', 'ours.der', '-passin', 'file:pass.txt', '-out', 'ours.plain.pem'])
    expect(pemDer('ours.plain.pem')).toEqual(plain)
  })

  it('openssl rejects a wrong password for our file', async () => {
    const epki = await encryptPrivateKey(pemDer('rsa.key'), PASSWORD, { iterations: 2048 })
    ossl.write('ours-rsa.der', epki)
    const ok = ossl.tryRun(['pkey', '-inform', 'DER', '-in', 'ours-rsa.der', '-passin', 'file:pass.txt', '-noout'])
    expect(ok.status).toBe(0)
    const bad = ossl.tryRun(['pkey', '-inform', 'DER', '-in', 'ours-rsa.der', '-passin', 'pass:wrong', '-noout'])
    expect(bad.status).not.toBe(0)
  })
})

describe('OpenSSL encrypted PKCS#8 → decryptPrivateKey', () => {
  it.each([
    ['genpkey -aes-256-cbc (OpenSSL default PBES2)', 'rsa.key', ['genpkey-aes256'] as const],
    ['pkcs8 -v2 aes-128-cbc -v2prf hmacWithSHA1', 'p256.key', ['pkcs8-aes128-sha1'] as const],
    ['pkcs8 -v2 aes-256-cbc -v2prf hmacWithSHA256', 'p384.key', ['pkcs8-aes256-sha256'] as const],
  ])('%s', async (_, keyFile, [mode]) => {
    const out = `${mode}.pem`
    if (mode === 'genpkey-aes256') {
      // Re-encrypt the existing key the way `openssl genpkey … -aes-256-cbc` writes (PBES2, PBKDF2-SHA256, AES-256).
      ossl.run(['pkey', '-in', keyFile, '-aes-256-cbc', '-passout', 'file:pass.txt', '-out', out])
    } else {
      const [cipher, prf] = mode === 'pkcs8-aes128-sha1' ? ['aes-128-cbc', 'hmacWithSHA1'] : ['aes-256-cbc', 'hmacWithSHA256']
      ossl.run(['pkcs8', '-topk8', '-in', keyFile, '-v2', cipher!, '-v2prf', prf!, '-passout', 'file:pass.txt', '-out', out])
    }
    expect(new TextDecoder().decode(ossl.read(out))).toContain('BEGIN ENCRYPTED PRIVATE KEY')
    const plain = await decryptPrivateKey(pemDer(out), PASSWORD)
    expect(plain).toEqual(pemDer(keyFile))
    await expect(decryptPrivateKey(pemDer(out), 'wrong password')).rejects.toMatchObject({ code: 'ERR_WRONG_PASSWORD' })
  })

  it('a fresh openssl genpkey -aes-256-cbc key decrypts and signs', async () => {
    ossl.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-aes-256-cbc', '-pass', 'file:pass.txt', '-out', 'gen.pem'])
    const plain = await decryptPrivateKey(pemDer('gen.pem'), PASSWORD)
    const key = await importPrivateKey(plain, 'sign')
    const { publicKey } = await publicKeyOf(plain)
    const msg = new TextEncoder().encode('hi')
    const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, msg)
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, sig, msg)).toBe(true)
  })

  it.each([
    ['PBES1 (pbeWithSHA1And3-KeyTripleDES)', ['-v1', 'PBE-SHA1-3DES'], '1.2.840.113549.1.12.1.3'],
    ['PBES2 with DES-EDE3-CBC', ['-v2', 'des3'], '1.2.840.113549.3.7'],
    ['PBES2 with AES-192-CBC', ['-v2', 'aes-192-cbc'], '2.16.840.1.101.3.4.1.22'],
    ['scrypt', ['-scrypt'], '1.3.6.1.4.1.11591.4.11'],
  ])('%s → ERR_UNSUPPORTED_ALGORITHM', async (name, args, oid) => {
    const out = `unsupported-${name.replace(/\W+/g, '_')}.pem`
    ossl.run(['pkcs8', '-topk8', '-in', 'p256.key', ...args, '-passout', 'file:pass.txt', '-out', out])
    await expect(decryptPrivateKey(pemDer(out), PASSWORD)).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_ALGORITHM',
      details: { oid },
    })
  })

  it('truncated or garbage input is ERR_MALFORMED', async () => {
    const epki = await encryptPrivateKey(pemDer('p256.key'), PASSWORD, { iterations: 1000 })
    await expect(decryptPrivateKey(epki.subarray(0, 40), PASSWORD)).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
    await expect(decryptPrivateKey(pemDer('p256.key'), PASSWORD)).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })

  it('round-trips through our own encryption', async () => {
    const plain = pemDer('p384.key')
    const epki = await encryptPrivateKey(plain, PASSWORD, { iterations: 1000 })
    expect(await decryptPrivateKey(epki, PASSWORD)).toEqual(plain)
    await expect(decryptPrivateKey(epki, PASSWORD + ' ')).rejects.toMatchObject({ code: 'ERR_WRONG_PASSWORD' })
  })
})

describe('importPrivateKey', () => {
  it.each([
    ['rsa.key', 'RSA', undefined, 'RSASSA-PKCS1-v1_5'],
    ['p256.key', 'EC', 'P-256', 'ECDSA'],
    ['p384.key', 'EC', 'P-384', 'ECDSA'],
  ])('%s → %s', async (file, algorithm, curve, name) => {
    const der = pemDer(file)
    expect(describePrivateKey(der)).toMatchObject({ algorithm, ...(curve ? { curve } : {}) })
    const key = await importPrivateKey(der, 'sign')
    expect(key.algorithm.name).toBe(name)
    expect(key.extractable).toBe(false)
    expect(key.usages).toEqual(['sign'])
  })

  it('Ed25519 and garbage are refused with typed errors', async () => {
    ossl.run(['genpkey', '-algorithm', 'ED25519', '-outform', 'DER', '-out', 'ed.der'])
    await expect(importPrivateKey(ossl.read('ed.der'), 'sign')).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_ALGORITHM',
      details: { gost: false },
    })
    await expect(importPrivateKey(new Uint8Array([0x30, 0x00]), 'sign')).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })
})

describe('GOST keys', () => {
  it.each(['1.2.398.3.10.1.1.1.1', '1.2.398.3.10.1.1.2.2', '1.2.643.7.1.1.1.1'])(
    'a PKCS#8 key with algorithm %s is ERR_UNSUPPORTED_ALGORITHM with details.gost',
    async (oid) => {
      // The shape of the key inside NCA's GOSTKNCA_*.p12 (OpenSSL cannot export it: it does not know GOST).
      const pkcs8 = new asn1js.Sequence({
        value: [
          new asn1js.Integer({ value: 0 }),
          new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), new asn1js.Null()] }),
          new asn1js.OctetString({ valueHex: crypto.getRandomValues(new Uint8Array(34)).buffer }),
        ],
      }).toBER(false)
      const der = new Uint8Array(pkcs8)
      expect(describePrivateKey(der)).toMatchObject({ algorithm: 'GOST', oid })
      await expect(importPrivateKey(der, 'sign')).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED_ALGORITHM',
        details: { gost: true, oid },
      })
    },
  )
})

describe('hostile PBKDF2 parameters', () => {
  /** Re-encodes `epki` with iterationCount replaced by the raw INTEGER bytes `count`. */
  function withIterationBytes(epki: Uint8Array, count: number[]): Uint8Array {
    const root = asn1js.fromBER(epki).result as asn1js.Sequence
    const alg = root.valueBlock.value[0] as asn1js.Sequence
    const pbes2 = alg.valueBlock.value[1] as asn1js.Sequence
    const kdf = pbes2.valueBlock.value[0] as asn1js.Sequence
    const params = kdf.valueBlock.value[1] as asn1js.Sequence
    params.valueBlock.value[1] = new asn1js.Integer({ valueHex: Uint8Array.from(count).buffer })
    return new Uint8Array(root.toBER(false))
  }

  it('reads an iteration count in a 4-byte INTEGER exactly (asn1js valueDec would say 0)', async () => {
    const plain = pemDer('p256.key')
    const epki = await encryptPrivateKey(plain, PASSWORD, { iterations: 1000 })
    expect(await decryptPrivateKey(withIterationBytes(epki, [0, 0, 0x03, 0xe8]), PASSWORD)).toEqual(plain)
  })

  it.each([
    ['2^40 iterations', [0x01, 0, 0, 0, 0, 0], 'ERR_UNSUPPORTED_ALGORITHM'],
    ['20,000,000 iterations', [0x01, 0x31, 0x2d, 0x00], 'ERR_UNSUPPORTED_ALGORITHM'],
    ['0 iterations', [0], 'ERR_MALFORMED'],
    ['negative iterations', [0xff], 'ERR_MALFORMED'],
  ])('%s → %s without running PBKDF2', async (_, bytes, code) => {
    const epki = await encryptPrivateKey(pemDer('p256.key'), PASSWORD, { iterations: 1000 })
    await expect(decryptPrivateKey(withIterationBytes(epki, bytes), PASSWORD)).rejects.toMatchObject({ code })
  })
})
