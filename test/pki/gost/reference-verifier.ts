/**
 * A second GOST 34.10 verifier written only for the tests: textbook affine arithmetic with plain
 * bigints, sharing nothing with src/pki/gost but the curve constants it is given (and those are
 * checked against real NCA objects elsewhere). Slow and simple on purpose: it exists to disagree
 * with the production code if the production code is wrong.
 */
export interface ReferenceCurve {
  p: bigint
  a: bigint
  q: bigint
  gx: bigint
  gy: bigint
}

type Affine = { x: bigint; y: bigint } | null

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m

function inverse(a: bigint, m: bigint): bigint {
  // Extended Euclid (the production verifier's point arithmetic is noble's projective code).
  let [r0, r1] = [mod(a, m), m]
  let [s0, s1] = [1n, 0n]
  while (r1 !== 0n) {
    const t = r0 / r1
    ;[r0, r1] = [r1, r0 - t * r1]
    ;[s0, s1] = [s1, s0 - t * s1]
  }
  if (r0 !== 1n) throw new Error('not invertible')
  return mod(s0, m)
}

function add(c: ReferenceCurve, P: Affine, Q: Affine): Affine {
  if (!P) return Q
  if (!Q) return P
  if (P.x === Q.x && mod(P.y + Q.y, c.p) === 0n) return null
  const lambda =
    P.x === Q.x && P.y === Q.y
      ? mod((3n * P.x * P.x + c.a) * inverse(2n * P.y, c.p), c.p)
      : mod((Q.y - P.y) * inverse(Q.x - P.x, c.p), c.p)
  const x = mod(lambda * lambda - P.x - Q.x, c.p)
  return { x, y: mod(lambda * (P.x - x) - P.y, c.p) }
}

function multiply(c: ReferenceCurve, k: bigint, P: Affine): Affine {
  let result: Affine = null
  let addend = P
  while (k > 0n) {
    if (k & 1n) result = add(c, result, addend)
    addend = add(c, addend, addend)
    k >>= 1n
  }
  return result
}

/** GOST 34.10 verification of (r, s) over the digest number alpha with the public point (x, y). */
export function referenceVerify(c: ReferenceCurve, x: bigint, y: bigint, alpha: bigint, r: bigint, s: bigint): boolean {
  if (r <= 0n || r >= c.q || s <= 0n || s >= c.q) return false
  let e = mod(alpha, c.q)
  if (e === 0n) e = 1n
  const v = inverse(e, c.q)
  const point = add(c, multiply(c, mod(s * v, c.q), { x: c.gx, y: c.gy }), multiply(c, mod(-r * v, c.q), { x, y }))
  return point !== null && mod(point.x, c.q) === r
}
