/**
 * A comment that cites a document cites one in this repository: every `docs/…`, `…/README.md`
 * or `README.md` path named in src/, server/ or agent/ exists, every `#anchor` after a docs/ path
 * is a heading of that file, and no comment points at notes kept outside the repository (the
 * design map, reference notes, seeds, scratch files). A moved or renamed document fails here.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SCANNED = ['src', 'server', 'agent']
const SOURCE = /\.(ts|vue|css|mjs|js)$/

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return SOURCE.test(name) ? [path] : []
  })
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

function anchorsOf(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => headingSlug(m[1]!)))
}

/** A cited path: `docs/x.md#anchor`, `some/dir/README.md`, or a bare `README.md`. */
const CITATION = /(?<![\w/.-])((?:docs\/[\w./-]+\.md|(?:[\w.-]+\/)+README\.md|README\.md))(#[\w-]+)?/g
/** Notes that live outside the repository; citing them leaves the reader nowhere. */
const OUTSIDE = /(?<![\w/-])(reference\/|reference §|DESIGN\.md|seeds\/|\/tmp\/[\w.-]+\.md|pkijs-notes\.md|kazakhstan-data\.md|agents-ncalayer-webeid|pwa-vue-kiosk-notes|openssl-softhsm-interop|cross-device-and-portals)/

interface Citation {
  readonly file: string
  readonly line: number
  readonly path: string
  readonly anchor: string | undefined
}

function citations(): { cited: Citation[]; outside: string[] } {
  const cited: Citation[] = []
  const outside: string[] = []
  for (const file of SCANNED.flatMap((d) => sourceFiles(join(ROOT, d)))) {
    const rel = relative(ROOT, file)
    readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
      for (const m of text.matchAll(CITATION)) cited.push({ file: rel, line: i + 1, path: m[1]!, anchor: m[2]?.slice(1) })
      // docs/kazakhstan-data.md and docs/pkijs-notes.md are ours: only the bare names are outside.
      const bare = text.replace(/docs\/[\w./-]+\.md/g, '')
      if (OUTSIDE.test(bare)) outside.push(`${rel}:${i + 1}: ${text.trim()}`)
    })
  }
  return { cited, outside }
}

/** Where a cited path points: from the repository root, else (a bare README.md) the file's folder. */
function resolveCited(c: Citation): string | undefined {
  const candidates = [join(ROOT, c.path), join(ROOT, dirname(c.file), c.path)]
  return candidates.find((p) => existsSync(p))
}

describe('document references in src/, server/ and agent/', () => {
  const { cited, outside } = citations()

  it('finds citations to check (the scan itself works)', () => {
    expect(cited.some((c) => c.path.startsWith('docs/') && c.anchor)).toBe(true)
    expect(cited.some((c) => c.path.endsWith('README.md'))).toBe(true)
  })

  it('cites only documents that exist, and headings that exist in them', () => {
    const dangling: string[] = []
    for (const c of cited) {
      const target = resolveCited(c)
      if (!target) {
        dangling.push(`${c.file}:${c.line}: ${c.path} does not exist`)
        continue
      }
      if (c.anchor && !anchorsOf(readFileSync(target, 'utf8')).has(c.anchor)) {
        dangling.push(`${c.file}:${c.line}: ${c.path} has no heading #${c.anchor}`)
      }
    }
    expect(dangling).toEqual([])
  })

  it('cites no notes kept outside the repository', () => {
    expect(outside).toEqual([])
  })

  it('slugs headings as GitHub does', () => {
    expect(headingSlug('PKCS#11 and SoftHSM2')).toBe('pkcs11-and-softhsm2')
    expect(headingSlug('Names: one attribute per RDN')).toBe('names-one-attribute-per-rdn')
    expect(headingSlug('Certificate sign-in, the Web eID way')).toBe('certificate-sign-in-the-web-eid-way')
  })
})
