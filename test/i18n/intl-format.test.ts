import { describe, expect, it } from 'vitest'
import { formatDate, formatNumber } from '@/i18n/intl-format.ts'

// 2026-03-05 09:07 UTC = 14:07 in Almaty (UTC+5).
const instant = Date.UTC(2026, 2, 5, 9, 7)
const late = Date.UTC(2026, 2, 5, 20, 30) // already 6 March in Kazakhstan
const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')

describe('formatDate', () => {
  it.each([
    ['ru', 'date', '05.03.2026'],
    ['ru', 'long', '5 марта 2026 г.'],
    ['ru', 'date_time', '05.03.2026, 14:07'],
    ['kk', 'date', '05.03.2026'],
    ['kk', 'long', '2026 ж. 5 наурыз'],
    ['en', 'date', '05/03/2026'],
  ] as const)('%s %s → %s', (locale, style, expected) => {
    expect(nbsp(formatDate(locale, instant, style))).toBe(expected)
  })

  it('formats Kazakh the same way when the engine has no Kazakh data (desktop Chromium)', () => {
    expect(formatDate('kk', instant, 'long', false)).toBe('2026 ж. 5 наурыз')
    expect(formatDate('kk', instant, 'date', false)).toBe('05.03.2026')
    expect(formatDate('kk', late, 'long', false)).toBe('2026 ж. 6 наурыз')
  })

  it("uses Kazakhstan's time zone, not the device's", () => {
    expect(formatDate('ru', late, 'date')).toBe('06.03.2026')
  })
})

describe('formatNumber', () => {
  it.each([
    ['ru', 1234567.891, 'decimal', '1 234 567,9'],
    ['kk', 1234567.891, 'decimal', '1 234 567,9'],
    ['en', 1234567.891, 'decimal', '1,234,567.9'],
    ['ru', 1500, 'currency', '1 500,00 ₸'],
  ] as const)('%s %d %s → %s', (locale, value, style, expected) => {
    expect(nbsp(formatNumber(locale, value, style))).toBe(expected)
    if (locale === 'kk') expect(nbsp(formatNumber(locale, value, style, false))).toBe(expected)
  })
})
