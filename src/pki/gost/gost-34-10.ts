/**
 * GOST 34.10 signatures (GOST R 34.10-2001/2012, ST RK GOST 34.310-2004 and GOST 34.10-2015 of
 * Kazakhstan): the scheme itself over @noble/curves' audited point arithmetic. Numbers here are
 * bigints; the byte conventions (NCA's little-endian r‖s, RFC 4491's big-endian s‖r) live in
 * gost-encoding.ts so one signing core serves both.
 *
 * Signing multiplies the base point by the secret nonce with noble's constant-time ladder;
 * verification uses its variable-time double multiplication (public values only).
 */
import { ErrorCode } from '../../core/error-codes.ts'
import { QoltanbaError } from '../../core/errors.ts'
import type { GostCurve, GostPoint } from './curves.ts'

/** A GOST 34.10 signature as numbers. */
export interface GostSignature {
  readonly r: bigint
  readonly s: bigint
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m
  return r < 0n ? r + m : r
}

/** Modular inverse by the extended Euclid (q is prime; only public values are inverted). */
function invert(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m]
  let [oldS, s] = [1n, 0n]
  while (r !== 0n) {
    const quotient = oldR / r
    ;[oldR, r] = [r, oldR - quotient * r]
    ;[oldS, s] = [s, oldS - quotient * s]
  }
  return mod(oldS, m)
}

/** e = α mod q, and 1 where that is 0 (the standard's rule). */
export function digestScalar(curve: GostCurve, alpha: bigint): bigint {
  const e = mod(alpha, curve.q)
  return e === 0n ? 1n : e
}

/** A uniformly random scalar in [1, q − 1] from the injected random source. */
export function randomScalar(curve: GostCurve, random: (bytes: Uint8Array) => Uint8Array): bigint {
  // 16 bytes beyond the order's size make the modulo bias negligible (< 2^-128).
  const bytes = random(new Uint8Array(curve.size + 16))
  let n = 0n
  for (const b of bytes) n = (n << 8n) | BigInt(b)
  return mod(n, curve.q - 1n) + 1n
}

/**
 * Signs the digest number `alpha` with the private scalar `d`. `nonce` is for known-answer
 * tests only; in use it is drawn fresh from `random` for every signature.
 *
 * @throws QoltanbaError ERR_MALFORMED when d is outside [1, q − 1].
 */
export function signDigest(
  curve: GostCurve,
  d: bigint,
  alpha: bigint,
  random: (bytes: Uint8Array) => Uint8Array = (b) => globalThis.crypto.getRandomValues(b),
  nonce?: bigint,
): GostSignature {
  assertScalar(curve, d, 'private key')
  const e = digestScalar(curve, alpha)
  for (;;) {
    const k = nonce ?? randomScalar(curve, random)
    const r = mod(curve.Point.BASE.multiply(k).toAffine().x, curve.q)
    const s = mod(r * d + k * e, curve.q)
    if (r !== 0n && s !== 0n) return { r, s }
    if (nonce !== undefined) throw new QoltanbaError(ErrorCode.Malformed, 'the test nonce gives r = 0 or s = 0')
  }
}

/**
 * Verifies a signature over the digest number `alpha` with the public point `publicKey`
 * (already checked to lie on the curve by `publicKeyFromCoordinates`). r or s outside
 * [1, q − 1] is simply not a valid signature.
 */
export function verifyDigest(curve: GostCurve, publicKey: GostPoint, alpha: bigint, signature: GostSignature): boolean {
  const { r, s } = signature
  if (r <= 0n || r >= curve.q || s <= 0n || s >= curve.q) return false
  const v = invert(digestScalar(curve, alpha), curve.q)
  const z1 = mod(s * v, curve.q)
  const z2 = mod(-r * v, curve.q)
  const c = curve.Point.BASE.mulAddUnsafe(z1, publicKey, z2)
  if (c.is0()) return false
  return mod(c.toAffine().x, curve.q) === r
}

/** d·G, the public point of a private scalar. */
export function publicPointOf(curve: GostCurve, d: bigint): GostPoint {
  assertScalar(curve, d, 'private key')
  return curve.Point.BASE.multiply(d)
}

/**
 * The point (x, y), refused unless it lies on the curve, in the prime-order group and is not
 * the identity (an off-curve key could leak nothing here, but it is always a broken file).
 *
 * @throws QoltanbaError ERR_MALFORMED (details.reason 'point-not-on-curve').
 */
export function publicKeyFromCoordinates(curve: GostCurve, x: bigint, y: bigint): GostPoint {
  try {
    const point = curve.Point.fromAffine({ x, y })
    point.assertValidity()
    if (point.is0()) throw new Error('identity')
    return point
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, 'GOST public key is not a point of its curve', { reason: 'point-not-on-curve', curve: curve.name }, { cause: e })
  }
}

function assertScalar(curve: GostCurve, d: bigint, what: string): void {
  if (d <= 0n || d >= curve.q) {
    throw new QoltanbaError(ErrorCode.Malformed, `GOST ${what} is out of range`, { reason: 'scalar-out-of-range', curve: curve.name })
  }
}
