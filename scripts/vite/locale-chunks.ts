/**
 * Vite plugin: serves each message file (src/i18n/locales/<locale>.json) as two precompiled
 * chunks — `virtual:qoltanba-locale/<locale>-shell` (the areas the app shell and home page
 * need for the first paint) and `…-rest` (every other area, loaded right after). Message files
 * grow with every feature; splitting keeps the first paint small while the files stay one per
 * language. Messages are compiled to vue-i18n's AST here, so the runtime needs no compiler.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Plugin } from 'vite'
import { baseCompile, detectHtmlTag } from '@intlify/message-compiler'

const PREFIX = 'virtual:qoltanba-locale/'

type Messages = { [key: string]: string | Messages }

/** Compiles every message of a tree; reports errors with the message's key path. */
export function compileMessages(tree: Messages, onError: (path: string, message: string) => void, path: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(tree)) {
    const here = [...path, key]
    if (typeof value !== 'string') {
      out[key] = compileMessages(value, onError, here)
      continue
    }
    if (detectHtmlTag(value)) onError(here.join('.'), 'HTML in a message (render markup in the component instead)')
    const { ast } = baseCompile(value, {
      jit: true,
      minify: true,
      location: false,
      onError: (error) => onError(here.join('.'), error.message),
    })
    out[key] = ast
  }
  return out
}

/** The plugin; `shellAreas` are the top-level keys needed before the first paint. */
export function localeChunks(options: { dir: string; shellAreas: readonly string[] }): Plugin {
  return {
    name: 'qoltanba-locale-chunks',
    enforce: 'pre',
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : undefined
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return undefined
      // Ids look like virtual:qoltanba-locale/kk-shell (the last segment names the chunk file).
      const match = /^([a-z]{2}(?:_[A-Za-z]+)?)-(shell|rest)$/.exec(id.slice(PREFIX.length + 1))
      const locale = match?.[1]
      const part = match?.[2]
      if (!locale || !part) this.error(`unknown locale chunk ${id.slice(1)}`)
      const file = join(options.dir, `${locale}.json`)
      this.addWatchFile(file)
      const all = JSON.parse(readFileSync(file, 'utf8')) as Messages
      const picked: Messages = {}
      for (const [area, value] of Object.entries(all)) {
        if (options.shellAreas.includes(area) === (part === 'shell')) picked[area] = value
      }
      const problems: string[] = []
      const compiled = compileMessages(picked, (path, message) => problems.push(`${locale}.json ${path}: ${message}`))
      if (problems.length) this.error(problems.join('\n'))
      return `export default ${JSON.stringify(compiled)}`
    },
  }
}
