/**
 * GOST 34.10 byte conventions. NCA (and RFC 4491 for public keys) write numbers little-endian:
 * a public key is the OCTET STRING X‖Y, a signature r‖s, each little-endian, and a digest is read
 * as a little-endian number. RFC 4491's signature is the same 2n bytes read the other way round
 * (s‖r big-endian), and RFC 7091's examples give the digest as a big-endian number; both are here
 * so our tests can run every published vector through the one signing core.
 */
import { ErrorCode } from '../../core/error-codes.ts'
import { QoltanbaError } from '../../core/errors.ts'
import type { GostCurve } from './curves.ts'
import type { GostSignature } from './gost-34-10.ts'

/** 'nca': r‖s little-endian, digest little-endian. 'rfc': s‖r big-endian, digest big-endian. */
export type GostByteConvention = 'nca' | 'rfc'

export function littleEndianToNumber(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!)
  return n
}

export function bigEndianToNumber(bytes: Uint8Array): bigint {
  let n = 0n
  for (const b of bytes) n = (n << 8n) | BigInt(b)
  return n
}

export function numberToLittleEndian(n: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++, n >>= 8n) out[i] = Number(n & 0xffn)
  return out
}

/** The digest α as a number, in the convention's byte order. */
export function digestToNumber(digest: Uint8Array, convention: GostByteConvention = 'nca'): bigint {
  return convention === 'nca' ? littleEndianToNumber(digest) : bigEndianToNumber(digest)
}

/** r‖s little-endian ('nca') or s‖r big-endian ('rfc'): the same bytes reversed. */
export function encodeSignature(curve: GostCurve, signature: GostSignature, convention: GostByteConvention = 'nca'): Uint8Array {
  const out = new Uint8Array(2 * curve.size)
  out.set(numberToLittleEndian(signature.r, curve.size), 0)
  out.set(numberToLittleEndian(signature.s, curve.size), curve.size)
  return convention === 'nca' ? out : out.reverse()
}

/**
 * Reads a signature of exactly 2 × size bytes with r and s in [1, q − 1].
 *
 * @throws QoltanbaError ERR_MALFORMED (details.reason 'signature-length' or 'signature-out-of-range').
 */
export function decodeSignature(curve: GostCurve, bytes: Uint8Array, convention: GostByteConvention = 'nca'): GostSignature {
  if (bytes.length !== 2 * curve.size) {
    throw new QoltanbaError(ErrorCode.Malformed, `GOST signature must be ${2 * curve.size} bytes`, { reason: 'signature-length', length: bytes.length })
  }
  const le = convention === 'nca' ? bytes : bytes.slice().reverse()
  const r = littleEndianToNumber(le.subarray(0, curve.size))
  const s = littleEndianToNumber(le.subarray(curve.size))
  if (r <= 0n || r >= curve.q || s <= 0n || s >= curve.q) {
    throw new QoltanbaError(ErrorCode.Malformed, 'GOST signature value is out of range', { reason: 'signature-out-of-range' })
  }
  return { r, s }
}

/**
 * X‖Y little-endian, each `size` bytes, as the public key's OCTET STRING holds them.
 *
 * @throws QoltanbaError ERR_MALFORMED (details.reason 'public-key-length').
 */
export function splitPublicKey(curve: GostCurve, octets: Uint8Array): { x: bigint; y: bigint } {
  if (octets.length !== 2 * curve.size) {
    throw new QoltanbaError(ErrorCode.Malformed, `GOST public key must be ${2 * curve.size} bytes`, { reason: 'public-key-length', length: octets.length })
  }
  return { x: littleEndianToNumber(octets.subarray(0, curve.size)), y: littleEndianToNumber(octets.subarray(curve.size)) }
}

/** X‖Y little-endian. */
export function joinPublicKey(curve: GostCurve, x: bigint, y: bigint): Uint8Array {
  const out = new Uint8Array(2 * curve.size)
  out.set(numberToLittleEndian(x, curve.size), 0)
  out.set(numberToLittleEndian(y, curve.size), curve.size)
  return out
}
