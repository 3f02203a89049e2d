import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
import { compileMessages, localeChunks } from '../../scripts/vite/locale-chunks.ts'
import kk from '@/i18n/locales/kk.json'

const dir = fileURLToPath(new URL('../../src/i18n/locales', import.meta.url))
const SHELL = ['app', 'nav', 'home']

/** Calls the plugin's load hook the way Vite does and returns the module's default export. */
function loadChunk(plugin: Plugin, id: string): Record<string, unknown> {
  const errors: string[] = []
  const context = { addWatchFile: () => undefined, error: (message: string) => { errors.push(message); throw new Error(message) } }
  const load = plugin.load as unknown as (this: typeof context, id: string) => string
  const code = load.call(context, `\0${id}`)
  return JSON.parse(code.replace(/^export default /, '')) as Record<string, unknown>
}

describe('locale chunks', () => {
  const plugin = localeChunks({ dir, shellAreas: SHELL })

  it('splits a language into shell areas and the rest, together all areas exactly once', () => {
    const shell = loadChunk(plugin, 'virtual:qoltanba-locale/kk-shell')
    const rest = loadChunk(plugin, 'virtual:qoltanba-locale/kk-rest')
    expect(Object.keys(shell).sort()).toEqual([...SHELL].sort())
    expect(Object.keys(rest).some((area) => SHELL.includes(area))).toBe(false)
    expect([...Object.keys(shell), ...Object.keys(rest)].sort()).toEqual(Object.keys(kk).sort())
  })

  it('emits precompiled messages (AST), not strings', () => {
    const shell = loadChunk(plugin, 'virtual:qoltanba-locale/ru-shell') as { app: { title: unknown } }
    expect(typeof shell.app.title).toBe('object')
    expect(JSON.stringify(shell.app.title)).toContain('Колтанба')
  })

  it('rejects unknown chunk ids', () => {
    expect(() => loadChunk(plugin, 'virtual:qoltanba-locale/kk-everything')).toThrow(/unknown locale chunk/)
  })

  it('reports message syntax errors and HTML with their key path', () => {
    const problems: string[] = []
    compileMessages({ a: { ok: 'Сәлем, {name}', bad: 'write to name@example.kz', html: 'Press <b>OK</b>' } }, (path) => problems.push(path))
    expect([...new Set(problems)]).toEqual(['a.bad', 'a.html'])
  })
})
