/**
 * The building blocks of legacy PKCS#12: the RFC 7292 KDF against published vectors (the ones
 * OpenSSL and Bouncy Castle test with), 3DES against Node's OpenSSL, RC2 against RFC 2268, RC4
 * against the classic vectors, and strict PKCS#7 unpadding.
 */
import { createCipheriv, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bmpPassword, pkcs12Kdf } from '../../../src/pki/pkcs12/kdf.ts'
import { BadPaddingError, legacyCbcDecrypt, legacyCbcEncrypt, rc4, unpad8 } from '../../../src/pki/pkcs12/legacy-ciphers.ts'

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'))
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase()

describe('pkcs12Kdf (RFC 7292 B.2)', () => {
  it.each([
    ['smeg', '0A58CF64530D823F', 1, 1, 24, '8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3'],
    ['smeg', '0A58CF64530D823F', 2, 1, 8, '79993DFE048D3B76'],
    ['smeg', '3D83C0E4546AC140', 3, 1, 20, '8D967D88F6CAA9D714800AB3D48051D63F73A312'],
    ['queeg', '05DEC959ACFF72F7', 1, 1000, 24, 'ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D4'],
    ['queeg', '05DEC959ACFF72F7', 2, 1000, 8, '11DEDAD7758D4860'],
  ] as const)('password %s, salt %s, ID %i, %i iterations', (password, salt, id, iterations, length, expected) => {
    expect(toHex(pkcs12Kdf('SHA-1', password, hex(salt), id, iterations, length))).toBe(expected)
  })

  it('encodes the password as BMPString with a terminating NUL ("" → 00 00)', () => {
    expect(toHex(bmpPassword(''))).toBe('0000')
    expect(toHex(bmpPassword('Aя'))).toBe('0041044F0000')
  })
})

describe('triple DES (node-forge) matches OpenSSL des-ede3-cbc', () => {
  it.each([0, 1, 7, 8, 9, 31, 1000])('%i bytes', (length) => {
    const key = randomBytes(24)
    const iv = randomBytes(8)
    const data = randomBytes(length)
    const cipher = createCipheriv('des-ede3-cbc', key, iv)
    const expected = Buffer.concat([cipher.update(data), cipher.final()])
    const ours = legacyCbcEncrypt({ name: '3DES' }, key, iv, data)
    expect(Buffer.from(ours)).toEqual(expected)
    expect(Buffer.from(legacyCbcDecrypt({ name: '3DES' }, key, iv, expected))).toEqual(data)
  })
})

// PKCS#12 uses 40 and 128 effective bits only (whole bytes), which is what these vectors cover.
describe('RC2 (node-forge) matches RFC 2268 §5', () => {
  it.each([
    ['88', 64, '0000000000000000', '61A8A244ADACCCF0'],
    ['FFFFFFFFFFFFFFFF', 64, 'FFFFFFFFFFFFFFFF', '278B27E42E2F0D49'],
    ['3000000000000000', 64, '1000000000000001', '30649EDF9BE7D2C2'],
    ['88BCA90E90875A7F0F79C384627BAFB2', 128, '0000000000000000', '2269552AB0F85CA6'],
  ] as const)('key %s, %i effective bits', (key, effectiveBits, plain, expected) => {
    // CBC with a zero IV: the first block is the ECB block of the RFC vector.
    const out = legacyCbcEncrypt({ name: 'RC2', effectiveBits }, hex(key), new Uint8Array(8), hex(plain))
    expect(toHex(out.subarray(0, 8))).toBe(expected)
    expect(toHex(legacyCbcDecrypt({ name: 'RC2', effectiveBits }, hex(key), new Uint8Array(8), out))).toBe(plain)
  })
})

describe('RC4', () => {
  it.each([
    ['Key', 'Plaintext', 'BBF316E8D940AF0AD3'],
    ['Wiki', 'pedia', '1021BF0420'],
    ['Secret', 'Attack at dawn', '45A01F645FC35B383552544B9BF5'],
  ])('key %s, text %s', (key, text, expected) => {
    expect(toHex(rc4(new TextEncoder().encode(key), new TextEncoder().encode(text)))).toBe(expected)
  })
})

describe('PKCS#7 unpadding is strict', () => {
  it.each([
    ['a zero pad byte', '0102030405060700'],
    ['a pad count above the block size', '0102030405060709'],
    ['pad bytes that disagree', '0102030405020303'],
    ['an empty input', ''],
    ['a length that is not a multiple of 8', '01020304050601'],
  ])('%s', (_name, data) => {
    expect(() => unpad8(hex(data))).toThrow(BadPaddingError)
  })

  it('accepts correct padding', () => {
    expect(toHex(unpad8(hex('0102030405030303')))).toBe('0102030405')
    expect(toHex(unpad8(hex('0808080808080808')))).toBe('')
  })
})
