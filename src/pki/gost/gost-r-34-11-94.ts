/**
 * GOST R 34.11-94 with the test S-box (id-GostR3411-94-TestParamSet, RFC 5831 §7.3.1): NCA's
 * GOST 34.311-95 hash, the one its GOST 34.310-2004 keys sign with. NCA uses the *test* S-box,
 * not the CryptoPro one, so the S-box is fixed here rather than a parameter.
 *
 * Little-endian throughout: message blocks, the length and the control sum are read as
 * little-endian numbers and the digest comes out in the same order (RFC 5831 prints it so).
 */

/** The test parameter set's eight 4-bit substitutions (RFC 5831 §7.3.1 / RFC 4357 §11.2). */
const TEST_SBOX = [
  [4, 10, 9, 2, 13, 8, 0, 14, 6, 11, 1, 12, 7, 15, 5, 3],
  [14, 11, 4, 12, 6, 13, 15, 10, 2, 3, 8, 1, 0, 7, 5, 9],
  [5, 8, 1, 13, 10, 3, 4, 2, 14, 15, 12, 7, 6, 0, 9, 11],
  [7, 13, 10, 1, 0, 8, 9, 15, 14, 4, 6, 12, 11, 2, 5, 3],
  [6, 12, 7, 1, 5, 15, 13, 8, 4, 10, 9, 14, 0, 3, 11, 2],
  [4, 11, 10, 0, 7, 2, 1, 13, 3, 6, 8, 5, 9, 12, 15, 14],
  [13, 11, 4, 1, 3, 15, 5, 9, 0, 10, 14, 7, 6, 8, 2, 12],
  [1, 15, 13, 0, 5, 7, 10, 4, 9, 2, 3, 14, 6, 11, 8, 12],
]

/** SUB[j][byte]: the two S-boxes of byte j of a 32-bit word, already rotated left by 11. */
const SUB: Uint32Array[] = [0, 1, 2, 3].map((j) => {
  const table = new Uint32Array(256)
  for (let v = 0; v < 256; v++) {
    const nibbles = (TEST_SBOX[2 * j]![v & 15]! | (TEST_SBOX[2 * j + 1]![v >>> 4]! << 4)) << (8 * j)
    table[v] = ((nibbles << 11) | (nibbles >>> 21)) >>> 0
  }
  return table
})

/** C3 of the key schedule (C2 and C4 are zero), little-endian. */
const C3 = Uint8Array.from(
  'ff00ffff000000ffff0000ff00ffff0000ff00ff00ff00ffff00ff00ff00ff00'.match(/../g)!.map((h) => parseInt(h, 16)).reverse(),
)

function round(n: number, key: number): number {
  const x = (n + key) >>> 0
  return SUB[0]![x & 0xff]! ^ SUB[1]![(x >>> 8) & 0xff]! ^ SUB[2]![(x >>> 16) & 0xff]! ^ SUB[3]![x >>> 24]!
}

/** GOST 28147-89 encryption of the 8 bytes at `block[offset]` with a 32-byte key, into `out`. */
function encryptBlock(key: Uint8Array, block: Uint8Array, offset: number, out: Uint8Array, outOffset: number): void {
  const k = new Uint32Array(8)
  for (let i = 0; i < 8; i++) k[i] = (key[4 * i]! | (key[4 * i + 1]! << 8) | (key[4 * i + 2]! << 16) | (key[4 * i + 3]! << 24)) >>> 0
  let n1 = (block[offset]! | (block[offset + 1]! << 8) | (block[offset + 2]! << 16) | (block[offset + 3]! << 24)) >>> 0
  let n2 = (block[offset + 4]! | (block[offset + 5]! << 8) | (block[offset + 6]! << 16) | (block[offset + 7]! << 24)) >>> 0
  for (let i = 0; i < 32; i++) {
    const subkey = k[i < 24 ? i & 7 : 31 - i]!
    const t = (n2 ^ round(n1, subkey)) >>> 0
    n2 = n1
    n1 = t
  }
  // The last round does not swap: the output is (N2, N1).
  for (let i = 0; i < 4; i++) {
    out[outOffset + i] = (n2 >>> (8 * i)) & 0xff
    out[outOffset + 4 + i] = (n1 >>> (8 * i)) & 0xff
  }
}

function xor32(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = a[i]! ^ b[i]!
  return out
}

/** A(Y) = (y1 ⊕ y2) ‖ y4 ‖ y3 ‖ y2 on 64-bit quarters, y1 the least significant. */
function transformA(y: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  out.set(y.subarray(8, 32), 0)
  for (let i = 0; i < 8; i++) out[24 + i] = y[i]! ^ y[8 + i]!
  return out
}

/** P: byte i + 4k of the result is byte 8i + k of the input. */
function transformP(y: Uint8Array): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 4; i++) for (let k = 0; k < 8; k++) out[i + 4 * k] = y[8 * i + k]!
  return out
}

/**
 * ψ applied `times` times: a 16-bit LFSR over the sixteen little-endian words (each step drops
 * word 1 and appends η1 ⊕ η2 ⊕ η3 ⊕ η4 ⊕ η13 ⊕ η16), run in place on one word array.
 */
function psiTimes(y: Uint8Array, times: number): Uint8Array {
  const w = new Uint16Array(16)
  for (let i = 0; i < 16; i++) w[i] = y[2 * i]! | (y[2 * i + 1]! << 8)
  for (let n = 0; n < times; n++) {
    const top = w[0]! ^ w[1]! ^ w[2]! ^ w[3]! ^ w[12]! ^ w[15]!
    w.copyWithin(0, 1)
    w[15] = top
  }
  const out = new Uint8Array(32)
  for (let i = 0; i < 16; i++) {
    out[2 * i] = w[i]! & 0xff
    out[2 * i + 1] = w[i]! >>> 8
  }
  return out
}

/** The step function χ(M, H) of GOST R 34.11-94. */
function step(h: Uint8Array, m: Uint8Array): Uint8Array {
  let u = h
  let v = m
  const keys = [transformP(xor32(u, v))]
  for (let j = 1; j < 4; j++) {
    u = transformA(u)
    if (j === 2) u = xor32(u, C3)
    v = transformA(transformA(v))
    keys.push(transformP(xor32(u, v)))
  }
  const s = new Uint8Array(32)
  for (let i = 0; i < 4; i++) encryptBlock(keys[i]!, h, 8 * i, s, 8 * i)
  return psiTimes(xor32(h, psiTimes(xor32(m, psiTimes(s, 12)), 1)), 61)
}

function add256(a: Uint8Array, b: Uint8Array): void {
  let carry = 0
  for (let i = 0; i < 32; i++) {
    const sum = a[i]! + b[i]! + carry
    a[i] = sum & 0xff
    carry = sum >>> 8
  }
}

/** GOST R 34.11-94 (test S-box) of `message`: 32 bytes, little-endian. */
export function gostR341194(message: Uint8Array): Uint8Array {
  let h: Uint8Array = new Uint8Array(32)
  const sigma = new Uint8Array(32)
  let offset = 0
  for (; message.length - offset >= 32; offset += 32) {
    const block = message.subarray(offset, offset + 32)
    h = step(h, block)
    add256(sigma, block)
  }
  if (offset < message.length) {
    const block = new Uint8Array(32)
    block.set(message.subarray(offset))
    h = step(h, block)
    add256(sigma, block)
  }
  const length = new Uint8Array(32)
  let bits = message.length * 8
  for (let i = 0; i < 8 && bits > 0; i++) {
    length[i] = bits % 256
    bits = Math.floor(bits / 256)
  }
  h = step(h, length)
  return step(h, sigma)
}
