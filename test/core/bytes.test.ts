import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { bytesEqual, fromBase64, fromBase64Text, fromHex, sameBytes, toBase64, toBase64Url, toHex } from '../../src/core/bytes.ts'

// Node's Buffer is the independent codec: every length around the padding boundaries and a
// large input (the chunked btoa path).
const samples = [0, 1, 2, 3, 4, 5, 31, 32, 33, 0x8000 + 7].map((n) => new Uint8Array(randomBytes(n)))

describe('base64', () => {
  it.each(samples.map((s) => [s.length, s]))('round-trips %i bytes like Buffer does', (_n, bytes) => {
    const b64 = Buffer.from(bytes).toString('base64')
    expect(toBase64(bytes)).toBe(b64)
    expect(fromBase64(b64)).toEqual(bytes)
    expect(fromBase64(b64.replace(/=+$/, ''))).toEqual(bytes)
    expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'))
    expect(fromBase64(Buffer.from(bytes).toString('base64url'), { urlSafe: true })).toEqual(bytes)
  })

  it('ignores whitespace and line breaks', () => {
    expect(fromBase64(' AQID\r\nBA==\n')).toEqual(new Uint8Array([1, 2, 3, 4]))
  })

  it.each([
    ['a character outside the alphabet', 'AQ*D'],
    ['URL-safe characters without urlSafe', 'A-_A'],
    ['padding inside the text', 'QQ==QQ=='],
    ['more than two padding characters', 'QQ==='],
    ['one character past a multiple of four', 'AQIDB'],
    ['padding after a lone character', 'A=='],
  ])('refuses %s with ERR_MALFORMED', (_what, text) => {
    expect(() => fromBase64(text)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
  })

  it('reads PEM-armoured and URL-safe agent text, and refuses empty text', () => {
    const der = new Uint8Array([0x30, 0x03, 0xfb, 0xff, 0xfe])
    const pem = `-----BEGIN CMS-----\n${toBase64(der)}\n-----END CMS-----\n`
    expect(fromBase64Text(pem)).toEqual(der)
    expect(fromBase64Text(toBase64Url(der))).toEqual(der)
    expect(() => fromBase64Text('  ', 'cms')).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED', message: 'cms is not base64' }))
  })
})

describe('hex', () => {
  it('matches Buffer and reads colon-separated fingerprints', () => {
    const bytes = new Uint8Array(randomBytes(20))
    expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'))
    expect(toHex(bytes.buffer)).toBe(Buffer.from(bytes).toString('hex'))
    expect(fromHex(Buffer.from(bytes).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:'))).toEqual(bytes)
    expect(() => fromHex('abc')).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
  })
})

describe('equality', () => {
  it.each([sameBytes, bytesEqual])('%o compares length and every byte', (equal) => {
    const a = new Uint8Array([1, 2, 3])
    expect(equal(a, new Uint8Array([1, 2, 3]))).toBe(true)
    expect(equal(a, new Uint8Array([1, 2, 4]))).toBe(false)
    expect(equal(a, new Uint8Array([1, 2]))).toBe(false)
    expect(equal(new Uint8Array(), new Uint8Array())).toBe(true)
  })
})
