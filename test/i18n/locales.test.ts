import { describe, expect, it } from 'vitest'
import { baseCompile } from '@intlify/message-compiler'
import kk from '@/i18n/locales/kk.json'
import ru from '@/i18n/locales/ru.json'
import en from '@/i18n/locales/en.json'
import { pickInitialLocale, resolveStartLocale } from '@/i18n/locales.ts'
import { ErrorCode } from '@/core/error-codes.ts'

type Tree = { [key: string]: string | Tree }

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out.set(path, value)
    else for (const [k, v] of flatten(value, path)) out.set(k, v)
  }
  return out
}

const files = { kk: flatten(kk as Tree), ru: flatten(ru as Tree), en: flatten(en as Tree) }
const placeholders = (message: string) => [...new Set([...message.matchAll(/\{\s*([\w.]+)\s*\}/g)].map((m) => m[1]))].sort()

describe('message files', () => {
  it('have the same keys in kk, ru and en', () => {
    const keys = [...files.kk.keys()].sort()
    expect([...files.ru.keys()].sort()).toEqual(keys)
    expect([...files.en.keys()].sort()).toEqual(keys)
  })

  it('use nested snake_case keys', () => {
    for (const key of files.kk.keys()) expect(key).toMatch(/^[a-z][a-z0-9_]*(\.[a-zA-Z0-9_]+)+$/)
  })

  it('have no empty messages', () => {
    for (const [locale, messages] of Object.entries(files)) {
      for (const [key, message] of messages) expect(message.trim(), `${locale} ${key}`).not.toBe('')
    }
  })

  it('use the same placeholders in every language', () => {
    for (const [key, message] of files.kk) {
      expect(placeholders(files.ru.get(key) ?? ''), `ru ${key}`).toEqual(placeholders(message))
      expect(placeholders(files.en.get(key) ?? ''), `en ${key}`).toEqual(placeholders(message))
    }
  })

  it('compile (the build precompiles them; a syntax error would break it)', () => {
    for (const [locale, messages] of Object.entries(files)) {
      for (const [key, message] of messages) {
        const errors: string[] = []
        baseCompile(message, { onError: (e) => errors.push(e.message) })
        expect(errors, `${locale} ${key}`).toEqual([])
      }
    }
  })

  // The one code table (src/core/error-codes.ts) and the translations move together: a code
  // without a message would show its raw ERR_ text, a message without a code is dead.
  it('translate every error code of the table, and only those', () => {
    const codes = Object.values(ErrorCode).sort()
    for (const [locale, messages] of Object.entries(files)) {
      const translated = [...messages.keys()].filter((k) => k.startsWith('errors.')).map((k) => k.slice('errors.'.length)).sort()
      expect(translated, locale).toEqual(codes)
    }
  })
})

describe('first-visit language', () => {
  it.each([
    [['ru-RU', 'en'], 'ru'],
    [['ru'], 'ru'],
    [['kk-KZ', 'ru-RU'], 'kk'],
    [['en-US', 'ru-RU'], 'ru'],
    [['en-US', 'de'], 'kk'],
    [['kk_KZ'], 'kk'],
    [[], 'kk'],
  ])('%j → %s', (languages, expected) => {
    expect(pickInitialLocale(languages)).toBe(expected)
  })

  it('prefers the remembered choice, including English', () => {
    expect(resolveStartLocale('en', ['ru-RU'])).toBe('en')
    expect(resolveStartLocale('ru', ['kk'])).toBe('ru')
    expect(resolveStartLocale('xx', ['ru'])).toBe('ru')
    expect(resolveStartLocale(null, ['en'])).toBe('kk')
  })
})
