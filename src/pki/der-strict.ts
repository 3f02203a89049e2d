/**
 * The DER rules (X.690 §10–11) that the lenient reader in der-reader.ts lets through, checked
 * over a whole encoding. RFC 5280 requires certificates to be DER; a BER-ish variant of a
 * certificate (a long-form length of a short value, a BOOLEAN of 0x01, a BIT STRING declaring
 * unused bits) has the same signed meaning but other bytes, so its fingerprint differs from the
 * one the CA issued while it still verifies. Refusing it keeps "one certificate, one encoding".
 *
 * Universal types are checked where DER pins their encoding; implicitly tagged primitives
 * ([n] without the constructed bit) carry no type here and are left to the caller's schema.
 */
import { childrenOf, DerError, readTlv, type Tlv } from './der-reader.ts'

/** Deeper than any certificate nests; a bound, since the walk recurses. */
const MAX_DEPTH = 64

/** Bytes a definite length needs in long form (0 for the short form). */
function lengthOctets(len: number): number {
  if (len < 0x80) return 0
  let n = 0
  for (let v = len; v > 0; v = Math.floor(v / 256)) n++
  return n
}

function primitiveProblem(buf: Uint8Array, t: Tlv): string | undefined {
  const len = t.end - t.valueStart
  const first = buf[t.valueStart] ?? 0
  const second = buf[t.valueStart + 1] ?? 0
  switch (t.tag) {
    case 0x00:
      return 'end-of-contents outside an indefinite length'
    case 0x01:
      if (len !== 1) return 'a BOOLEAN is not one byte'
      return first === 0x00 || first === 0xff ? undefined : `a BOOLEAN is 0x${first.toString(16)}, not 0x00 or 0xff`
    case 0x02:
    case 0x0a:
      if (len === 0) return 'an empty INTEGER'
      if (len > 1 && ((first === 0x00 && second < 0x80) || (first === 0xff && second >= 0x80))) return 'an INTEGER is not minimally encoded'
      return undefined
    case 0x03: {
      if (len === 0) return 'an empty BIT STRING'
      if (first > 7 || (len === 1 && first !== 0)) return `a BIT STRING declares ${first} unused bits`
      const last = buf[t.end - 1] as number
      return len > 1 && (last & ((1 << first) - 1)) !== 0 ? 'a BIT STRING has non-zero padding bits' : undefined
    }
    case 0x05:
      return len === 0 ? undefined : 'a NULL has contents'
    case 0x06:
      if (len === 0) return 'an empty OBJECT IDENTIFIER'
      if ((buf[t.end - 1] as number) & 0x80) return 'an OBJECT IDENTIFIER ends inside a subidentifier'
      for (let p = t.valueStart; p < t.end; p++) {
        const startsSubidentifier = p === t.valueStart || !((buf[p - 1] as number) & 0x80)
        if (startsSubidentifier && buf[p] === 0x80) return 'an OBJECT IDENTIFIER subidentifier is not minimally encoded'
      }
      return undefined
  }
  return undefined
}

function walk(buf: Uint8Array, t: Tlv, depth: number): void {
  const len = t.end - t.valueStart
  if (t.valueStart - t.start !== 2 + lengthOctets(len)) throw new DerError(`non-minimal length at offset ${t.start}`)
  if (t.tag & 0x20) {
    // Constructed strings and other constructed universal types are BER only (X.690 §10.2).
    if ((t.tag & 0xc0) === 0 && t.tag !== 0x30 && t.tag !== 0x31) throw new DerError(`constructed universal tag 0x${t.tag.toString(16)} at offset ${t.start}`)
    if (depth >= MAX_DEPTH) throw new DerError('nested too deeply')
    for (const child of childrenOf(buf, t)) walk(buf, child, depth + 1)
    return
  }
  const problem = (t.tag & 0xc0) === 0 ? primitiveProblem(buf, t) : undefined
  if (problem) throw new DerError(`${problem} at offset ${t.start}`)
}

/**
 * Throws {@link DerError} unless `buf` is exactly one TLV in DER: definite lengths in their
 * shortest form at every level, no bytes after it, no constructed strings, BOOLEAN 0x00/0xff,
 * minimal INTEGER/ENUMERATED and OBJECT IDENTIFIER encodings, BIT STRING unused bits 0–7 with
 * zero padding, empty NULL. Not checked: SET OF order and DEFAULT values written out (they need
 * the schema).
 * @example assertStrictDer(certificateDer) // before trusting a fingerprint of these bytes
 */
export function assertStrictDer(buf: Uint8Array): void {
  const top = readTlv(buf, 0)
  if (top.end !== buf.length) throw new DerError(`${buf.length - top.end} bytes after the encoding`)
  walk(buf, top, 0)
}
