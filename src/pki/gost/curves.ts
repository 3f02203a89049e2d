/**
 * The GOST 34.10 curves NCA's keys use, as @noble/curves Weierstrass points (noble checks at
 * construction that the generator lies on the curve, so a mistyped constant cannot load).
 * CryptoPro-A (RFC 4357 §11.4) carries GOST 34.310-2004 keys; tc26-512-paramSetA (RFC 7836 §A.1)
 * carries GOST 34.10-2015 512-bit keys. tc26-256-paramSetA is left out: no NCA vector proves it.
 */
import { weierstrass, type WeierstrassPoint, type WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js'

/** A named GOST curve: its point constructor and the byte length of one coordinate or scalar. */
export interface GostCurve {
  readonly name: 'cryptopro-a' | 'tc26-512-a' | 'rfc7091-test'
  readonly Point: WeierstrassPointCons<bigint>
  /** Subgroup order q. */
  readonly q: bigint
  /** Bytes of a coordinate, a scalar, half a signature: 32 or 64. */
  readonly size: 32 | 64
}

export type GostPoint = WeierstrassPoint<bigint>

function curve(name: GostCurve['name'], size: 32 | 64, p: bigint, a: bigint, b: bigint, q: bigint, x: bigint, y: bigint): GostCurve {
  return { name, size, q, Point: weierstrass({ p, n: q, h: 1n, a, b, Gx: x, Gy: y }) }
}

const P256A = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd97n
const P512A =
  0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc7n

let cache: Partial<Record<GostCurve['name'], GostCurve>> = {}

/** The curve by name, built on first use (a curve is a few precomputed tables). */
export function gostCurve(name: GostCurve['name']): GostCurve {
  const known = cache[name]
  if (known) return known
  let built: GostCurve
  if (name === 'cryptopro-a') {
    built = curve(name, 32, P256A, P256A - 3n, 0xa6n,
      0xffffffffffffffffffffffffffffffff6c611070995ad10045841b09b761b893n,
      1n, 0x8d91e471e0989cda27df505a453f2b7635294f2ddf23e3b122acc99c9e9f1e14n)
  } else if (name === 'tc26-512-a') {
    built = curve(name, 64, P512A, P512A - 3n,
      0xe8c2505dedfc86ddc1bd0b2b6667f1da34b82574761cb0e879bd081cfd0b6265ee3cb090f30d27614cb4574010da90dd862ef9d4ebee4761503190785a71c760n,
      0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff27e69532f48d89116ff22b8d4e0560609b4b38abfad2b85dcacdb1411f10b275n,
      3n, 0x7503cfe87a836ae3a61b8816e25450e6ce5e1c93acf1abc1778064fdcbefa921df1626be4fd036e93d75e6a50e3a41e98028fe5fc235f5b889a589cb5215f2a4n)
  } else {
    // The example curve of RFC 7091 §A.1: only the known-answer tests use it.
    built = curve(name, 32, 0x8000000000000000000000000000000000000000000000000000000000000431n, 7n,
      0x5fbff498aa938ce739b8e022fbafef40563f6e6a3472fc2a514c0ce9dae23b7en,
      0x8000000000000000000000000000000150fe8a1892976154c59cfc193accf5b3n,
      2n, 0x08e2a8a0e65147d4bd6316030e16d19c85c97f0a9ca267122b96abbcea7e8fc8n)
  }
  cache = { ...cache, [name]: built }
  return built
}
