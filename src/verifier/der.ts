/**
 * A minimal DER reader for the sign-in fast path: tag, length and value offsets over the input
 * bytes, no copies, no object model. Definite lengths only; anything else (BER indefinite
 * lengths, as NCALayer writes) makes the caller fall back to the full pkijs parser.
 */

/** One TLV inside a buffer. */
export interface Tlv {
  readonly tag: number
  readonly start: number
  readonly valueStart: number
  readonly end: number
}

/** Thrown when the input is not plain DER; callers fall back to the full parser. */
export class NotDer extends Error {}

/** Reads the TLV at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new NotDer('truncated')
  const tag = buf[offset] as number
  if ((tag & 0x1f) === 0x1f) throw new NotDer('high tag number')
  let len = buf[offset + 1] as number
  let p = offset + 2
  if (len & 0x80) {
    const n = len & 0x7f
    if (n === 0 || n > 4) throw new NotDer('indefinite or huge length')
    len = 0
    for (let i = 0; i < n; i++) {
      if (p >= limit) throw new NotDer('truncated length')
      len = len * 256 + (buf[p++] as number)
    }
  }
  const end = p + len
  if (end > limit) throw new NotDer('value past the end')
  return { tag, start: offset, valueStart: p, end }
}

/** The TLVs directly inside a constructed TLV. */
export function childrenOf(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = []
  let p = parent.valueStart
  while (p < parent.end) {
    const t = readTlv(buf, p, parent.end)
    out.push(t)
    p = t.end
  }
  return out
}

/** Expects `t` to carry `tag`. */
export function expectTag(t: Tlv | undefined, tag: number): Tlv {
  if (!t || t.tag !== tag) throw new NotDer(`expected tag 0x${tag.toString(16)}`)
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

/** Dotted form of an OBJECT IDENTIFIER value. */
export function oidOf(value: Uint8Array): string {
  const parts: number[] = []
  let acc = 0
  for (const b of value) {
    acc = acc * 128 + (b & 0x7f)
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = acc < 80 ? Math.floor(acc / 40) : 2
        parts.push(first, acc - first * 40)
      } else parts.push(acc)
      acc = 0
    }
  }
  return parts.join('.')
}
