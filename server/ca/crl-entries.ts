/**
 * The revokedCertificates list of a CRL between regenerations: a base (every entry as of the
 * last full database read, concatenated DER exactly as the database returned it) plus the
 * status changes read since, keyed by serial.
 *
 * Why not a Map of every entry: building one from a million entries costs over a second (a hex
 * string and a Buffer per entry), which made the first CRL after a start slow. Here the base
 * stays one Buffer; applying changes walks it once, skipping replaced or dropped entries by a
 * 32-bit prefilter on the serial's last bytes (no allocation per entry), and folds the result
 * back into a new base.
 */

/** A serial as the canonical key: lowercase hex of the magnitude, no leading zero bytes. */
export function serialKey(serialHex: string): string {
  const hex = serialHex.toLowerCase()
  return (hex.length % 2 ? `0${hex}` : hex).replace(/^(?:00)+/, '')
}

/** Up to the last 4 bytes of a magnitude as a number (-1 for zero). */
function tail(buf: Uint8Array, start: number, end: number): number {
  const n = Math.min(4, end - start)
  let v = 0
  for (let i = end - n; i < end; i++) v = v * 256 + (buf[i] as number)
  return n ? v : -1
}

/** Reads a DER length at `p`: [length, offset of the contents]. */
function lengthAt(buf: Buffer, p: number): [number, number] {
  const first = buf[p] as number
  if (first < 0x80) return [first, p + 1]
  let len = 0
  for (let i = 1; i <= (first & 0x7f); i++) len = len * 256 + (buf[p + i] as number)
  return [len, p + 1 + (first & 0x7f)]
}

export class CrlEntries {
  private base: Buffer = Buffer.alloc(0)
  private baseCount = 0
  /** serialKey → entry DER (revoked or held), or null (no longer listed). */
  private readonly changes = new Map<string, Buffer | null>()

  /** Replaces everything with a full read: `der` is `count` concatenated entries. */
  reset(der: Buffer, count: number): void {
    this.base = der
    this.baseCount = count
    this.changes.clear()
  }

  /** Records a status change: the certificate's entry, or null when it is good again. */
  set(serialHex: string, entry: Uint8Array | null): void {
    this.changes.set(serialKey(serialHex), entry ? Buffer.from(entry) : null)
  }

  /** The current list as one Buffer of concatenated entries, and how many there are. */
  list(): { der: Buffer; count: number } {
    if (this.changes.size) this.fold()
    return { der: this.base, count: this.baseCount }
  }

  /** Rebuilds the base without the changed serials' old entries, plus their new ones. */
  private fold(): void {
    const tails = new Set<number>()
    for (const key of this.changes.keys()) {
      const b = Buffer.from(key, 'hex')
      tails.add(tail(b, 0, b.length))
    }
    const base = this.base
    const parts: Buffer[] = []
    let count = 0
    let keepFrom = 0
    for (let o = 0; o < base.length; ) {
      // SEQUENCE { INTEGER serial, … }
      const [len, body] = lengthAt(base, o + 1)
      const end = body + len
      const [serialLen, serialStart] = lengthAt(base, body + 1)
      let s = serialStart
      const se = serialStart + serialLen
      while (s < se && base[s] === 0) s++
      if (tails.has(tail(base, s, se)) && this.changes.has(base.toString('hex', s, se))) {
        if (o > keepFrom) parts.push(base.subarray(keepFrom, o))
        keepFrom = end
      } else count++
      o = end
    }
    if (keepFrom < base.length) parts.push(base.subarray(keepFrom))
    for (const entry of this.changes.values()) {
      if (!entry) continue
      parts.push(entry)
      count++
    }
    this.base = Buffer.concat(parts)
    this.baseCount = count
    this.changes.clear()
  }
}
