/**
 * Mutators over real seed files, as fast-check arbitraries (so a failure shrinks to a small
 * mutation list and replays from the printed seed). Byte-level: bit flips, byte sets, inserts,
 * deletes, truncation. DER-aware (over der-tree.ts): length-field tweaks (±1, zero, indefinite,
 * huge, non-minimal), tag swaps, dropping, duplicating or swapping a child, and deep nesting.
 * Plus plain random bytes, which every parser must also survive.
 */
import fc from 'fast-check'
import { allNodes, cloneTree, concat, contentsOf, lengthOctets, readDer, writeDer, type DerNode } from './der-tree.ts'

/** A mutated input and the seed it came from (targets check acceptance against that seed). */
export interface Mutant {
  readonly seed: number
  readonly bytes: Uint8Array
}

/** One mutation step; positions are raw numbers taken modulo the current size when applied. */
type Step =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'length'; node: number; how: number }
  | { kind: 'tag'; node: number; tag: number }
  | { kind: 'child'; node: number; op: 'drop' | 'duplicate' | 'swap' | 'empty'; a: number; b: number }
  | { kind: 'nest'; node: number; depth: number }

/** Tags the parsers meet in real files: what a swap most often turns one element into. */
const TAGS = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e, 0x30, 0x31, 0x80, 0x81, 0x82, 0x86, 0xa0, 0xa1, 0xa2, 0xa3, 0x24, 0x1f, 0xff]
/** Interesting single-byte values: boundaries of lengths, tags and integers. */
const BYTES = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff, 0x30, 0x31, 0x02, 0x05]

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...BYTES), fc.integer({ min: 0, max: 255 })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('length' as const), node: fc.nat(), how: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tag' as const), node: fc.nat(), tag: fc.constantFrom(...TAGS) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('child' as const),
      node: fc.nat(),
      op: fc.constantFrom('drop' as const, 'duplicate' as const, 'swap' as const, 'empty' as const),
      a: fc.nat(),
      b: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest' as const), node: fc.nat(), depth: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constant(3000)) }) },
)

/** Rewrites the length octets of a re-encoded node: the tree writer alone always gets them right. */
function lengthVariant(node: DerNode, how: number): Uint8Array {
  const body = contentsOf(node)
  const n = body.length
  const len = [
    Uint8Array.of(Math.max(0, n - 1) & 0x7f),
    Uint8Array.of(0x81, (n + 1) & 0xff),
    Uint8Array.of(0x00),
    Uint8Array.of(0x80), // indefinite: BER only, and without end-of-contents here
    Uint8Array.of(0x84, 0xff, 0xff, 0xff, 0xff),
    Uint8Array.of(0x84, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff), // non-minimal
    Uint8Array.of(0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    Uint8Array.of(0x82, 0x7f, 0xff),
  ][how % 8] as Uint8Array
  return concat([node.tag, len, body])
}

/** Parsed trees of the inputs seen, most often a seed: parsing it once saves most of the cost. */
const trees = new WeakMap<Uint8Array, DerNode | null>()

function treeOf(bytes: Uint8Array): DerNode | undefined {
  let tree = trees.get(bytes)
  if (tree === undefined) trees.set(bytes, (tree = readDer(bytes) ?? null))
  return tree ?? undefined
}

function applyTreeStep(bytes: Uint8Array, s: Step): Uint8Array {
  const parsed = treeOf(bytes)
  if (!parsed) return applyByteStep(bytes, { kind: 'flip', at: (s as { node: number }).node, bit: 0 })
  const root = cloneTree(parsed)
  const nodes = allNodes(root)
  const target = nodes[(s as { node: number }).node % nodes.length] as DerNode
  switch (s.kind) {
    case 'length':
      replaceNode(target, lengthVariant(target, s.how))
      break
    case 'tag':
      target.tag = Uint8Array.of(s.tag)
      break
    case 'child': {
      const parents = nodes.filter((n) => n.children && n.children.length > 0)
      const parent = parents[(s.node % Math.max(1, parents.length))]
      if (!parent?.children) break
      const kids = parent.children
      const a = s.a % kids.length
      const b = s.b % kids.length
      if (s.op === 'drop') kids.splice(a, 1)
      else if (s.op === 'duplicate') kids.splice(a, 0, cloneTree(kids[a] as DerNode))
      else if (s.op === 'swap') [kids[a], kids[b]] = [kids[b] as DerNode, kids[a] as DerNode]
      else parent.children = []
      break
    }
    case 'nest': {
      // Wraps the element in `depth` SEQUENCEs: recursion limits must hold without a stack overflow.
      // Headers only, inside out: re-encoding the whole element per level would cost depth × size.
      const inner = writeDer(target)
      const headers: Uint8Array[] = []
      let length = inner.length
      for (let i = 0; i < s.depth; i++) {
        const h = concat([Uint8Array.of(0x30), lengthOctets(length)])
        headers.push(h)
        length += h.length
      }
      replaceNode(target, concat([...headers.reverse(), inner]))
      break
    }
  }
  return writeDer(root)
}

/** Makes `node` write exactly `bytes` (its header included). */
function replaceNode(node: DerNode, bytes: Uint8Array): void {
  node.raw = bytes
}

function applyByteStep(bytes: Uint8Array, s: Step): Uint8Array {
  const n = bytes.length
  switch (s.kind) {
    case 'flip': {
      if (n === 0) return bytes
      const out = Uint8Array.from(bytes)
      out[s.at % n] = (out[s.at % n] as number) ^ (1 << s.bit)
      return out
    }
    case 'set': {
      if (n === 0) return bytes
      const out = Uint8Array.from(bytes)
      out[s.at % n] = s.value
      return out
    }
    case 'insert': {
      const at = s.at % (n + 1)
      return concat([bytes.subarray(0, at), s.bytes, bytes.subarray(at)])
    }
    case 'delete': {
      const at = s.at % Math.max(1, n)
      return concat([bytes.subarray(0, at), bytes.subarray(at + s.count)])
    }
    case 'truncate':
      return bytes.subarray(0, s.at % Math.max(1, n))
    default:
      return applyTreeStep(bytes, s)
  }
}

/** Applies the steps in order. */
export function applySteps(seed: Uint8Array, steps: readonly Step[]): Uint8Array {
  return steps.reduce<Uint8Array>((b, s) => applyByteStep(b, s), seed)
}

/** `n` pseudo-random bytes from `seed` (xorshift32): fast-check draws byte by byte, which costs more than the parsers. */
function randomBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n)
  let x = seed | 1
  for (let i = 0; i < n; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/**
 * Mutants of the given seeds: mostly 1–3 mutation steps on one seed, sometimes random bytes
 * (reported as seed -1), and now and then the seed itself, so the accepting path runs too.
 */
export function mutants(seeds: readonly Uint8Array[]): fc.Arbitrary<Mutant> {
  const seedIndex = fc.integer({ min: 0, max: seeds.length - 1 })
  return fc.oneof(
    { weight: 16, arbitrary: fc.tuple(seedIndex, fc.array(step, { minLength: 1, maxLength: 3 })).map(([i, st]) => ({ seed: i, bytes: applySteps(seeds[i] as Uint8Array, st) })) },
    { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 0, max: 600 })).map(([s, n]) => ({ seed: -1, bytes: randomBytes(s, n) })) },
    { weight: 1, arbitrary: seedIndex.map((i) => ({ seed: i, bytes: seeds[i] as Uint8Array })) },
  )
}

/**
 * Text forms of mutants for inputs that also take base64 or PEM (the login CMS): plain base64,
 * base64 cut to a length of 1 mod 4, PEM with and without a body, URL-safe alphabet, stray
 * characters.
 */
export function textMutants(seeds: readonly Uint8Array[]): fc.Arbitrary<{ seed: number; text: string }> {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64')
  return fc.tuple(mutants(seeds), fc.integer({ min: 0, max: 6 }), fc.string({ maxLength: 6 })).map(([m, how, junk]) => {
    const t = b64(m.bytes)
    const text = [
      t,
      t.slice(0, Math.max(1, t.length - ((t.length % 4) + 3))), // length 1 mod 4 after padding is dropped
      `-----BEGIN CMS-----\n${t.replace(/(.{64})/g, '$1\n')}\n-----END CMS-----\n`,
      '-----BEGIN CMS-----\n-----END CMS-----',
      t.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
      `${junk}${t}`,
      `${t.slice(0, t.length >> 1)}${junk}${t.slice(t.length >> 1)}`,
    ][how] as string
    return { seed: m.seed, text }
  })
}
