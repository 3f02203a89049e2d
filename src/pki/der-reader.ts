/**
 * The one minimal DER reader, for hot paths that must not build asn1js trees: the verifier's
 * sign-in fast path (CMS, certificates) and the CA's OCSP request parser. Tag, length and value
 * offsets over the input bytes, no copies, no object model. Single-byte tags and definite
 * lengths up to 4 bytes only; anything else (BER indefinite lengths, as NCALayer writes) is a
 * {@link DerError}, on which the verifier falls back to pkijs and the OCSP responder answers
 * malformedRequest. Untrusted input that needs a full model goes through `parseAsn1` (asn1.ts).
 */

/** One TLV inside a buffer. */
export interface Tlv {
  readonly tag: number
  /** Offset of the tag byte (the whole encoding is `start … end`). */
  readonly start: number
  /** Offset of the first value byte. */
  readonly valueStart: number
  /** Offset just past the value. */
  readonly end: number
}

/** The input is not plain DER of the supported shape. */
export class DerError extends Error {}

/** Reads the TLV at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated')
  const tag = buf[offset] as number
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag number')
  let len = buf[offset + 1] as number
  let p = offset + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4) throw new DerError('indefinite or huge length')
    if (p + n > limit) throw new DerError('truncated length')
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + (buf[p + i] as number)
    p += n
  }
  const end = p + len
  if (end > limit) throw new DerError('value past the end')
  return { tag, start: offset, valueStart: p, end }
}

/**
 * The TLVs directly inside a constructed TLV.
 * @param maxChildren refuse more elements than this (a bound for parsers of hostile requests)
 */
export function childrenOf(buf: Uint8Array, parent: Tlv, maxChildren = Infinity): Tlv[] {
  const out: Tlv[] = []
  let p = parent.valueStart
  while (p < parent.end) {
    const t = readTlv(buf, p, parent.end)
    out.push(t)
    p = t.end
    if (out.length > maxChildren) throw new DerError('too many elements')
  }
  return out
}

/** Expects `t` to carry `tag`; `what` names the field in the error. */
export function expectTag(t: Tlv | undefined, tag: number, what = `tag 0x${tag.toString(16)}`): Tlv {
  if (!t || t.tag !== tag) throw new DerError(`expected ${what}`)
  return t
}

/** The value bytes of a TLV (a view, not a copy). */
export function valueOf(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.valueStart, t.end)
}

/** The whole encoding of a TLV (a view). */
export function encodingOf(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.start, t.end)
}

/** Above this an arc continues in bigint, so arcs of any size print exactly. */
const SAFE_ARC = 2 ** 45

/** Dotted form of an OBJECT IDENTIFIER value (empty text for an empty value). */
export function oidOf(value: Uint8Array): string {
  const parts: (number | bigint)[] = []
  let acc: number | bigint = 0
  for (const b of value) {
    acc = typeof acc === 'number' && acc < SAFE_ARC ? acc * 128 + (b & 0x7f) : (BigInt(acc) << 7n) | BigInt(b & 0x7f)
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        // The first subidentifier packs two arcs: 40 × first + second, first ≤ 2.
        const first = acc < 80 ? Math.floor(Number(acc) / 40) : 2
        parts.push(first, typeof acc === 'number' ? acc - first * 40 : acc - BigInt(first * 40))
      } else parts.push(acc)
      acc = 0
    }
  }
  return parts.join('.')
}
