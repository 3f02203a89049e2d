// Known answers for NCA's two hashes: RFC 5831 (GOST R 34.11-94, test S-box), RFC 6986
// (Streebog), and digests of every block-boundary length made by independent implementations
// (gostsum -t and the OpenSSL gost engine, vendored in test/fixtures/gost/openssl-engine).
import { describe, expect, test } from 'vitest'
import { gostR341194, streebog256, streebog512 } from '../../../src/pki/gost/index.ts'
import { engineMessage, engineVectors, hex } from './vectors.ts'

const text = (s: string) => new TextEncoder().encode(s)
/** RFC 6986 prints messages and digests most significant byte first: reverse to our order. */
const rfc6986 = (msbFirst: string) => hex(Buffer.from(msbFirst, 'hex').reverse())

describe('GOST R 34.11-94 with the test S-box (RFC 5831 §7.3.1)', () => {
  test.each([
    ['', 'ce85b99cc46752fffee35cab9a7b0278abb4c2d2055cff685af4912c49490f8d'],
    ['a', 'd42c539e367c66e9c88a801f6649349c21871b4344c6a573f849fdce62f314dd'],
    ['message digest', 'ad4434ecb18f2c99b60cbe59ec3d2469582b65273f48de72db2fde16a4889a4d'],
    ['This is message, length=32 bytes', 'b1c466d37519b82e8319819ff32595e047a28cb6f83eff1c6916a815a637fffa'],
    ['Suppose the original message has length = 50 bytes', '471aba57a60a770d3a76130635c1fbea4ef14de51f78b4ae57dd893b62f55208'],
    ['U'.repeat(128), '53a3a3ed25180cef0c1d85a074273e551c25660a87062a52d926a9e8fe5733a4'],
  ])('%j', (message, digest) => {
    expect(hex(gostR341194(text(message)))).toBe(digest)
  })
})

describe('Streebog (RFC 6986 §10)', () => {
  const m1 = text('012345678901234567890123456789012345678901234567890123456789012')
  const m2 = Buffer.from(
    rfc6986('fbe2e5f0eee3c820fbeafaebef20fffbf0e1e0f0f520e0ed20e8ece0ebe5f0f2f120fff0eeec20f120faf2fee5e2202ce8f6f3ede220e8e6eee1e8f0f2d1202ce8f0f2e5e220e5d1'),
    'hex',
  )
  test('M1, 512 and 256 bits', () => {
    expect(hex(streebog512(m1))).toBe(rfc6986('486f64c1917879417fef082b3381a4e211c324f074654c38823a7b76f830ad00fa1fbae42b1285c0352f227524bc9ab16254288dd6863dccd5b9f54a1ad0541b'))
    expect(hex(streebog256(m1))).toBe(rfc6986('00557be5e584fd52a449b16b0251d05d27f94ab76cbaa6da890b59d8ef1e159d'))
  })
  test('M2 (72 bytes: crosses a block, bytes ≥ 0x80), 512 and 256 bits', () => {
    expect(hex(streebog512(m2))).toBe(rfc6986('28fbc9bada033b1460642bdcddb90c3fb3e56c497ccd0f62b8a2ad4935e85f037613966de4ee00531ae60f3b5a47f8dae06915d5f2f194996fcabf2622e6881e'))
    expect(hex(streebog256(m2))).toBe(rfc6986('508f7e553c06501d749a66fc28c6cac0b005746d97537fa85d9e40904efed29d'))
  })
})

describe('every block boundary against independent implementations (gostsum -t, OpenSSL gost engine)', () => {
  test.each(engineVectors.digests.map((d) => [d.length, d] as const))('%i bytes', (length, expected) => {
    const message = engineMessage(length)
    if (expected.gostR341194Test) expect(hex(gostR341194(message))).toBe(expected.gostR341194Test)
    expect(hex(streebog256(message))).toBe(expected.streebog256)
    expect(hex(streebog512(message))).toBe(expected.streebog512)
  })

  test('a message is not changed by hashing it', () => {
    const message = engineMessage(200)
    const copy = message.slice()
    gostR341194(message)
    streebog512(message)
    expect(message).toEqual(copy)
  })
})
