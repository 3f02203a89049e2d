/**
 * A minimal DER writer for the CA's hot paths (certificates, CRLs, OCSP): the one piece of PKI
 * encoding outside src/pki, because it builds Node Buffers (src/pki runs in browsers too) and a
 * Uint8Array version would copy on every concatenation. Reading DER is src/pki/der-reader.ts's.
 *
 * Why by hand and not pkijs/asn1js: the CA signs thousands of OCSP responses and CRLs with up to
 * a million entries. pkijs needs ~14 s to build a 100k-entry CRL and its parser gives up past
 * ~1,250 entries (docs/pkijs-notes.md#building-crls-and-ocsp-responses), and every OCSP response would allocate a tree of
 * asn1js objects. Here a DER value is just a Buffer: encoders concatenate Buffers once, so a CRL
 * is one `Buffer.concat` of precomputed entries plus one signature.
 */

/** Encodes a DER length. */
export function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** A TLV with the given tag byte around the concatenated contents. */
export function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = contents.length === 1 ? (contents[0] as Buffer) : Buffer.concat(contents)
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body])
}

export const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c)
export const octetString = (b: Uint8Array): Buffer => tlv(0x04, Buffer.from(b))
export const ia5 = (s: string): Buffer => tlv(0x16, Buffer.from(s, 'latin1'))
export const NULL = Buffer.from([0x05, 0x00])
export const bool = (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00])
/** [n] EXPLICIT (constructed context tag). */
export const explicit = (n: number, ...c: Buffer[]): Buffer => tlv(0xa0 | n, ...c)
/** [n] IMPLICIT primitive. */
export const implicitPrim = (n: number, content: Uint8Array): Buffer => tlv(0x80 | n, Buffer.from(content))

/** BIT STRING with no unused bits. */
export function bitString(b: Uint8Array): Buffer {
  return tlv(0x03, Buffer.from([0]), Buffer.from(b))
}

/** A non-negative INTEGER from big-endian magnitude bytes (adds the sign byte when needed). */
export function uintBytes(magnitude: Uint8Array): Buffer {
  let i = 0
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++
  let m = Buffer.from(magnitude.subarray(i))
  if (m.length === 0) m = Buffer.from([0])
  if ((m[0] as number) & 0x80) m = Buffer.concat([Buffer.from([0]), m])
  return tlv(0x02, m)
}

/** INTEGER from a small non-negative number or bigint. */
export function int(n: number | bigint): Buffer {
  let v = BigInt(n)
  if (v < 0n) throw new RangeError('negative INTEGER not supported')
  const bytes: number[] = []
  do {
    bytes.unshift(Number(v & 0xffn))
    v >>= 8n
  } while (v > 0n)
  return uintBytes(Uint8Array.from(bytes))
}

/** ENUMERATED from a small number. */
export const enumerated = (n: number): Buffer => Buffer.from([0x0a, 0x01, n])

/** OBJECT IDENTIFIER from dotted notation. Results are memoized: OIDs repeat a lot. */
const oidCache = new Map<string, Buffer>()
export function oid(dotted: string): Buffer {
  const hit = oidCache.get(dotted)
  if (hit) return hit
  const parts = dotted.split('.').map((p) => BigInt(p))
  const [a, b, ...rest] = parts
  if (a === undefined || b === undefined) throw new RangeError(`bad OID ${dotted}`)
  const out: number[] = []
  for (const arc of [a * 40n + b, ...rest]) {
    const chunk: number[] = []
    let v = arc
    do {
      chunk.unshift(Number(v & 0x7fn))
      v >>= 7n
    } while (v > 0n)
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] = (chunk[i] as number) | 0x80
    out.push(...chunk)
  }
  const der = tlv(0x06, Buffer.from(out))
  oidCache.set(dotted, der)
  return der
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** UTCTime (years 1950–2049) or GeneralizedTime, as RFC 5280 §4.1.2.5 requires; whole seconds. */
export function x509Time(d: Date): Buffer {
  const y = d.getUTCFullYear()
  const rest = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(`${pad(y % 100)}${rest}`, 'latin1'))
  return generalizedTime(d)
}

/** GeneralizedTime with whole seconds (OCSP uses it everywhere). */
export function generalizedTime(d: Date): Buffer {
  const s = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  return tlv(0x18, Buffer.from(s, 'latin1'))
}
