import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { cldrPluralRule } from '@/i18n/plural.ts'
import kk from '@/i18n/locales/kk.json'
import ru from '@/i18n/locales/ru.json'
import en from '@/i18n/locales/en.json'

// The real message files with the app's plural rules (Node's vue-i18n build compiles at runtime).
const i18n = createI18n({
  legacy: false,
  locale: 'ru',
  messages: { kk, ru, en },
  pluralRules: { kk: cldrPluralRule('kk'), ru: cldrPluralRule('ru'), en: cldrPluralRule('en') },
})
const count = (locale: 'kk' | 'ru' | 'en', n: number) => i18n.global.t('my_certificates.count', n, { locale })

describe('Russian plural forms', () => {
  it.each([
    [0, '0 сертификатов'],
    [1, '1 сертификат'],
    [2, '2 сертификата'],
    [4, '4 сертификата'],
    [5, '5 сертификатов'],
    [11, '11 сертификатов'],
    [12, '12 сертификатов'],
    [21, '21 сертификат'],
    [22, '22 сертификата'],
    [25, '25 сертификатов'],
    [101, '101 сертификат'],
    [111, '111 сертификатов'],
    [112, '112 сертификатов'],
  ])('%i → %s', (n, expected) => {
    expect(count('ru', n)).toBe(expected)
  })
})

describe('file sizes in bytes (units.bytes)', () => {
  const bytes = (locale: 'kk' | 'ru' | 'en', n: number) => i18n.global.t('units.bytes', { n: n.toLocaleString('ru-RU') }, { plural: n, locale }).replace(/\s/g, ' ')
  it.each([
    ['ru', 1, '1 байт'],
    ['ru', 2, '2 байта'],
    ['ru', 5, '5 байт'],
    ['ru', 1234, '1 234 байта'],
    ['kk', 2, '2 байт'],
    ['en', 1, '1 byte'],
    ['en', 2, '2 bytes'],
  ] as const)('%s %i → %s', (locale, n, expected) => {
    expect(bytes(locale, n)).toBe(expected)
  })
})

describe('Kazakh and English plural forms', () => {
  it.each([
    [1, '1 сертификат'],
    [5, '5 сертификат'],
    [21, '21 сертификат'],
  ])('kk %i → %s (Kazakh nouns do not inflect after numerals)', (n, expected) => {
    expect(count('kk', n)).toBe(expected)
  })
  it.each([
    [1, '1 certificate'],
    [2, '2 certificates'],
    [0, '0 certificates'],
  ])('en %i → %s', (n, expected) => {
    expect(count('en', n)).toBe(expected)
  })
})

describe('cldrPluralRule', () => {
  it('maps CLDR categories in CLDR order and clamps to the forms given', () => {
    const ru = cldrPluralRule('ru')
    expect([1, 2, 5, 1.5].map((n) => ru(n, 4))).toEqual([0, 1, 2, 3])
    expect(ru(5, 2)).toBe(1)
    expect(ru(5, 1)).toBe(0)
    expect(cldrPluralRule('kk')(5, 2)).toBe(1)
    expect(cldrPluralRule('kk')(1, 2)).toBe(0)
  })
})
