/**
 * A small, lenient DER reader and writer for the fuzzers: it splits seed files into TLV trees so
 * the mutators can swap, duplicate or drop whole elements and still write lengths that add up
 * (otherwise nearly every mutation dies at the first length check and the parsers' deeper paths
 * are never reached). OCTET STRING and BIT STRING contents that are themselves DER (PKCS#12 bags,
 * CMS content, OCSP basic responses, extension values) are opened too.
 *
 * It is independent of asn1js on purpose: the invariants use it to read the signed part of an
 * accepted input without trusting the parser under test.
 */

/** One element: its identifier octets and either raw contents or child elements. */
export interface DerNode {
  tag: Uint8Array
  /** Contents of a primitive element (when `children` is undefined). */
  content: Uint8Array
  children?: DerNode[]
  /** Bytes kept before the children (the unused-bits octet of an opened BIT STRING). */
  prefix?: Uint8Array
  /** Written as is instead of tag + length + contents: a mutator's deliberately broken element. */
  raw?: Uint8Array
}

interface Read {
  node: DerNode
  end: number
}

const MAX_DEPTH = 40

function readHeader(b: Uint8Array, at: number, limit: number): { tag: Uint8Array; start: number; end: number } | undefined {
  if (at >= limit) return undefined
  let p = at
  const first = b[p++] as number
  if ((first & 0x1f) === 0x1f) {
    while (p < limit && ((b[p] as number) & 0x80) !== 0) p++
    p++
  }
  if (p >= limit) return undefined
  const tag = b.subarray(at, p)
  const lenByte = b[p++] as number
  let len = lenByte
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f
    if (n === 0 || n > 4 || p + n > limit) return undefined
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + (b[p++] as number)
  }
  if (p + len > limit) return undefined
  return { tag, start: p, end: p + len }
}

function readOne(b: Uint8Array, at: number, limit: number, depth: number): Read | undefined {
  if (depth > MAX_DEPTH) return undefined
  const h = readHeader(b, at, limit)
  if (!h) return undefined
  const { tag } = h
  const first = tag[0] as number
  const p = h.start
  const len = h.end - h.start
  const content = b.subarray(p, p + len)
  const node: DerNode = { tag, content }
  if (first & 0x20) {
    const kids = readAll(b, p, p + len, depth + 1)
    if (!kids) return undefined
    node.children = kids
  } else if (first === 0x04 && len > 1) {
    node.children = readAll(b, p, p + len, depth + 1)
  } else if (first === 0x03 && len > 2 && b[p] === 0) {
    const kids = readAll(b, p + 1, p + len, depth + 1)
    if (kids) {
      node.children = kids
      node.prefix = b.subarray(p, p + 1)
    }
  }
  return { node, end: p + len }
}

function readAll(b: Uint8Array, from: number, to: number, depth: number): DerNode[] | undefined {
  const out: DerNode[] = []
  let p = from
  while (p < to) {
    const r = readOne(b, p, to, depth)
    if (!r) return undefined
    out.push(r.node)
    p = r.end
  }
  return out
}

/** Parses `bytes` as one DER element; undefined when it is not one. */
export function readDer(bytes: Uint8Array): DerNode | undefined {
  const r = readOne(bytes, 0, bytes.length, 0)
  return r && r.end === bytes.length ? r.node : undefined
}

/** DER length octets for `n`. */
export function lengthOctets(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n)
  const out: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256)
  return Uint8Array.of(0x80 | out.length, ...out)
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** The contents octets of `node` as they would be written. */
export function contentsOf(node: DerNode): Uint8Array {
  if (!node.children) return node.content
  return concat([node.prefix ?? new Uint8Array(0), ...node.children.map(writeDer)])
}

/** Writes `node` with lengths recomputed from its (possibly changed) children. */
export function writeDer(node: DerNode): Uint8Array {
  if (node.raw) return node.raw
  const body = contentsOf(node)
  return concat([node.tag, lengthOctets(body.length), body])
}

/** Every node of the tree, depth first (the root first); the mutators pick from this list. */
export function allNodes(root: DerNode): DerNode[] {
  const out: DerNode[] = []
  const walk = (n: DerNode) => {
    out.push(n)
    n.children?.forEach(walk)
  }
  walk(root)
  return out
}

/** Where one element's contents start and end, or undefined when its header does not fit. */
function header(b: Uint8Array, at: number, limit: number): { at: number; start: number; end: number } | undefined {
  const h = readHeader(b, at, limit)
  return h && { at, start: h.start, end: h.end }
}

/**
 * The raw encoding of the element at `path` (child indexes from the root; an OCTET STRING's
 * contents count as its children), or undefined. Only the headers on the way are read, so damage
 * elsewhere (a later sibling, a wrong parent length, bytes after the end) does not hide the
 * element: the invariants ask whether the SIGNED part changed, wherever else the mutation landed.
 */
export function elementAt(bytes: Uint8Array, path: readonly number[]): Uint8Array | undefined {
  let cur = header(bytes, 0, bytes.length)
  for (const i of path) {
    if (!cur) return undefined
    // Children are read up to the end of the input, not of the parent: BER readers such as
    // asn1js tolerate a parent length that is too short, and so must the oracle.
    let p = cur.start + (bytes[cur.at] === 0x03 ? 1 : 0)
    let child = header(bytes, p, bytes.length)
    for (let k = 0; k < i && child; k++) {
      p = child.end
      child = header(bytes, p, bytes.length)
    }
    cur = child
  }
  return cur && bytes.subarray(cur.at, cur.end)
}

/** The contents octets of an element returned by {@link elementAt} (its header skipped). */
function contentsAt(bytes: Uint8Array, path: readonly number[]): Uint8Array | undefined {
  const el = elementAt(bytes, path)
  const h = el && readHeader(el, 0, el.length)
  return h && el.subarray(h.start, h.end)
}

/**
 * The same certificate by what its issuer signed: the tbsCertificate bytes and the signature
 * octets. The outer SEQUENCE header, the signature BIT STRING header and its unused-bits octet
 * are outside the signature, so re-encoding them (a non-minimal length, unused bits 1 — which
 * OpenSSL refuses and src/verifier tolerates, see the fuzz README) is an unsigned change.
 */
export function sameCertificate(a: Uint8Array, b: Uint8Array): boolean {
  return sameBytes(elementAt(a, [0]), elementAt(b, [0])) && sameBytes(contentsAt(a, [2])?.subarray(1), contentsAt(b, [2])?.subarray(1))
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i])
}

/** Deep copy, so a mutation never changes the seed's tree. */
export function cloneTree(n: DerNode): DerNode {
  return { ...n, ...(n.children ? { children: n.children.map(cloneTree) } : {}) }
}
