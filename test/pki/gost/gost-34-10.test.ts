// GOST 34.10 signing and verification: RFC 7091's worked example in both byte conventions,
// OpenSSL gost-engine signatures (vendored) verified by ours, ours verified by a second
// implementation written only for the tests, and the typed refusals for broken input.
import { describe, expect, test } from 'vitest'
import {
  decodeSignature,
  digestToNumber,
  encodeSignature,
  gostCurve,
  joinPublicKey,
  publicKeyFromCoordinates,
  publicPointOf,
  readGostSpki,
  signDigest,
  splitPublicKey,
  verifyDigest,
  verifyGostSignature,
  GOST_2004,
  GOST_2015_512,
  type GostCurve,
} from '../../../src/pki/gost/index.ts'
import { isQoltanbaError } from '../../../src/core/errors.ts'
import { referenceVerify, type ReferenceCurve } from './reference-verifier.ts'
import { engineMessage, engineVectors, hex, unhex } from './vectors.ts'

function reference(curve: GostCurve): ReferenceCurve {
  const { p, a, n, Gx, Gy } = curve.Point.CURVE()
  return { p, a, q: n, gx: Gx, gy: Gy }
}

describe('RFC 7091 §A.1 worked example (256-bit test curve)', () => {
  const curve = gostCurve('rfc7091-test')
  const d = 0x7a929ade789bb9be10ed359dd39a72c11b60961f49397eee1d19ce9891ec3b28n
  const e = 0x2dfbc1b372d89a1188c09c52e0eec61fce52032ab1022e8e67ece6672b043ee5n
  const k = 0x77105c9b20bcd3122823c8cf6fcc7b956de33814e95b7fe64fed924594dceab3n
  const r = 0x41aa28d2f1ab148280cd9ed56feda41974053554a42767b83ad043fd39dc0493n
  const s = 0x01456c64ba4642a1653c235a98a60249bcd6d3f746b631df928014f6c5bf9c40n

  test('public key, signature with the given nonce, verification', () => {
    const q = publicPointOf(curve, d).toAffine()
    expect(q.x).toBe(0x7f2b49e270db6d90d8595bec458b50c58585ba1d4e9b788f6689dbd8e56fd80bn)
    expect(q.y).toBe(0x26f1b489d6701dd185c8413a977b3cbbaf64d1c593d26627dffb101a87ff77dan)
    expect(signDigest(curve, d, e, undefined, k)).toEqual({ r, s })
    expect(verifyDigest(curve, publicPointOf(curve, d), e, { r, s })).toBe(true)
    expect(verifyDigest(curve, publicPointOf(curve, d), e + 1n, { r, s })).toBe(false)
    expect(referenceVerify(reference(curve), q.x, q.y, e, r, s)).toBe(true)
  })

  test('both byte conventions carry the same numbers: NCA r‖s little-endian, RFC s‖r big-endian', () => {
    const rfc = encodeSignature(curve, { r, s }, 'rfc')
    expect(hex(rfc)).toBe(s.toString(16).padStart(64, '0') + r.toString(16).padStart(64, '0'))
    const nca = encodeSignature(curve, { r, s }, 'nca')
    expect(hex(nca)).toBe(hex(rfc.slice().reverse()))
    expect(decodeSignature(curve, nca, 'nca')).toEqual({ r, s })
    expect(decodeSignature(curve, rfc, 'rfc')).toEqual({ r, s })
    // The digest: RFC 7091 gives e as a number; NCA reads the hash bytes little-endian.
    const eBytes = unhex(e.toString(16).padStart(64, '0'))
    expect(digestToNumber(eBytes, 'rfc')).toBe(e)
    expect(digestToNumber(eBytes.slice().reverse(), 'nca')).toBe(e)
  })
})

describe('OpenSSL gost-engine signatures verify with ours (CryptoPro-A and tc26-512-A)', () => {
  test.each(engineVectors.signatures.map((v) => [v.algorithm, v.length, v] as const))('%s over %i bytes', (_alg, length, v) => {
    const spki = unhex(v.spki)
    const { algorithm, octets } = readGostSpki(withNcaOids(spki, v.algorithm))
    const curve = algorithm.curve()
    expect(hex(algorithm.digest(engineMessage(length)))).toBe(v.digest)
    const { x, y } = splitPublicKey(curve, octets)
    const point = publicKeyFromCoordinates(curve, x, y)
    const signature = decodeSignature(curve, unhex(v.signatureRfc), 'rfc')
    const alpha = digestToNumber(unhex(v.digest))
    expect(verifyDigest(curve, point, alpha, signature)).toBe(true)
    expect(referenceVerify(reference(curve), x, y, alpha, signature.r, signature.s)).toBe(true)
    expect(verifyDigest(curve, point, alpha ^ 1n, signature)).toBe(false)
  })
})

describe('our signatures verify with the independent reference verifier', () => {
  test.each([GOST_2004, GOST_2015_512].map((a) => [a.name, a] as const))('%s', (_name, algorithm) => {
    const curve = algorithm.curve()
    const d = 0x1234567890abcdef1234567890abcdefn * 0xfedcba9876543210n
    const q = publicPointOf(curve, d).toAffine()
    for (const length of [0, 5, 1000]) {
      const alpha = digestToNumber(algorithm.digest(engineMessage(length)))
      const { r, s } = signDigest(curve, d, alpha)
      expect(referenceVerify(reference(curve), q.x, q.y, alpha, r, s)).toBe(true)
      expect(referenceVerify(reference(curve), q.x, q.y, alpha + 1n, r, s)).toBe(false)
    }
  })

  test('two signatures of one message differ (a fresh nonce each time)', () => {
    const curve = gostCurve('cryptopro-a')
    expect(signDigest(curve, 5n, 7n)).not.toEqual(signDigest(curve, 5n, 7n))
  })
})

describe('broken input gets a typed error, never a wrong answer', () => {
  const curve = gostCurve('cryptopro-a')
  const code = (f: () => unknown) => {
    try {
      f()
    } catch (e) {
      return isQoltanbaError(e) ? `${e.code}/${String(e.details.reason ?? '')}` : String(e)
    }
    return 'no error'
  }
  const g = curve.Point.BASE.toAffine()

  test('a point off the curve, the identity, a wrong key length', () => {
    expect(code(() => publicKeyFromCoordinates(curve, g.x, g.y + 1n))).toBe('ERR_MALFORMED/point-not-on-curve')
    expect(code(() => publicKeyFromCoordinates(curve, 0n, 0n))).toBe('ERR_MALFORMED/point-not-on-curve')
    expect(code(() => splitPublicKey(curve, new Uint8Array(63)))).toBe('ERR_MALFORMED/public-key-length')
    expect(code(() => publicKeyFromCoordinates(curve, g.x, g.y))).toBe('no error')
  })

  test('r or s zero or ≥ q, a wrong signature length', () => {
    const ok = encodeSignature(curve, { r: 1n, s: curve.q - 1n })
    expect(code(() => decodeSignature(curve, ok))).toBe('no error')
    expect(code(() => decodeSignature(curve, encodeSignature(curve, { r: 0n, s: 1n })))).toBe('ERR_MALFORMED/signature-out-of-range')
    expect(code(() => decodeSignature(curve, encodeSignature(curve, { r: 1n, s: curve.q })))).toBe('ERR_MALFORMED/signature-out-of-range')
    expect(code(() => decodeSignature(curve, new Uint8Array(65)))).toBe('ERR_MALFORMED/signature-length')
    expect(verifyDigest(curve, curve.Point.BASE, 1n, { r: curve.q, s: 1n })).toBe(false)
  })

  test('a private scalar out of range', () => {
    expect(code(() => signDigest(curve, 0n, 1n))).toBe('ERR_MALFORMED/scalar-out-of-range')
    expect(code(() => publicPointOf(curve, curve.q))).toBe('ERR_MALFORMED/scalar-out-of-range')
  })

  test('a signature under the other GOST algorithm than the key’s is false, an unknown one refused', () => {
    const v = engineVectors.signatures.find((s) => s.algorithm === 'gost2001')!
    const spki = withNcaOids(unhex(v.spki), 'gost2001')
    const sig = unhex(v.signatureRfc).reverse()
    expect(verifyGostSignature(spki, GOST_2015_512.signatureOid, new Uint8Array(), sig)).toBe(false)
    expect(code(() => verifyGostSignature(spki, '1.2.398.3.10.1.1.2.3.1', new Uint8Array(), sig))).toBe('ERR_UNSUPPORTED_ALGORITHM/')
  })
})

/**
 * The engine writes RFC 4491 SPKIs (Russian OIDs); NCA's only differ in the OIDs, so rebuild the
 * SPKI with NCA's key OID and parameters around the same X‖Y.
 */
function withNcaOids(spki: Uint8Array, algorithm: 'gost2001' | 'gost2012_512'): Uint8Array {
  const nca = algorithm === 'gost2001' ? GOST_2004 : GOST_2015_512
  const size = algorithm === 'gost2001' ? 32 : 64
  const xy = spki.subarray(spki.length - 2 * size)
  return ncaSpki(nca.keyOid, nca.curveOid, nca.digestOid === GOST_2004.digestOid ? '1.2.398.3.10.1.3.1.1.0' : nca.digestOid, xy)
}

function oid(dotted: string): number[] {
  const [a, b, ...rest] = dotted.split('.').map(Number)
  const out = [a! * 40 + b!]
  for (const n of rest) {
    const bytes = [n & 0x7f]
    for (let v = n >>> 7; v > 0; v >>>= 7) bytes.unshift((v & 0x7f) | 0x80)
    out.push(...bytes)
  }
  return [0x06, out.length, ...out]
}

function tlv(tag: number, body: number[]): number[] {
  const len = body.length < 128 ? [body.length] : body.length < 256 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff]
  return [tag, ...len, ...body]
}

/** An NCA-form SPKI (as the real certificates in test/fixtures/gost/ncanode have it). */
export function ncaSpki(keyOid: string, curveOid: string, hashOid: string, xy: Uint8Array): Uint8Array {
  const algorithm = tlv(0x30, [...oid(keyOid), ...tlv(0x30, [...oid(curveOid), ...oid(hashOid)])])
  return Uint8Array.from(tlv(0x30, [...algorithm, ...tlv(0x03, [0, ...tlv(0x04, [...xy])])]))
}

test('joinPublicKey and splitPublicKey are inverse', () => {
  const curve = gostCurve('tc26-512-a')
  const q = publicPointOf(curve, 12345n).toAffine()
  expect(splitPublicKey(curve, joinPublicKey(curve, q.x, q.y))).toEqual({ x: q.x, y: q.y })
})
