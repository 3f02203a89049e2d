/** The one set of registration-center field rules (server and console both call centerProblems). */
import { describe, expect, it } from 'vitest'
import { centerProblems, centerText } from '../../src/core/centers-wire.ts'

const REGIONS = ['KZ-71', 'KZ-75']
const text = (s: string) => ({ kk: s, ru: s, en: s })
const valid = { id: 'astana-9', region: 'KZ-71', name: text('N'), address: text('A'), hours: text('H'), phone: '+7 (7172) 55-01-01', mapUrl: 'https://maps.example.kz/x' }

describe('centerProblems', () => {
  it('accepts a complete center', () => {
    expect(centerProblems(valid, REGIONS)).toEqual([])
  })

  it.each([
    ['id', { id: 'Astana 9' }, 'pattern'],
    ['id', { id: '-astana' }, 'pattern'],
    ['id', { id: '' }, 'required'],
    ['region', { region: 'KZ-99' }, 'unknown_region'],
    ['region', { region: '' }, 'required'],
    ['name.ru', { name: { kk: 'N', ru: ' ', en: 'N' } }, 'required'],
    ['address.en', { address: { kk: 'A', ru: 'A', en: 'x'.repeat(301) } }, 'too_long'],
    ['phone', { phone: 'call us' }, 'pattern'],
    ['mapUrl', { mapUrl: 'http://maps.example.kz' }, 'https'],
    ['mapUrl', { mapUrl: 'javascript:alert(1)' }, 'https'],
    ['mapUrl', { mapUrl: 'https://user:pw@maps.example.kz' }, 'https'],
  ])('refuses %s (%j) with rule %s', (field, over, rule) => {
    expect(centerProblems({ ...valid, ...over }, REGIONS)).toEqual([{ field, rule }])
  })

  it('checks only the fields an update gives, and every field of a creation', () => {
    expect(centerProblems({ hours: text('09–18') }, REGIONS, true)).toEqual([])
    expect(centerProblems({ phone: 'x' }, REGIONS, true)).toEqual([{ field: 'phone', rule: 'pattern' }])
    expect(centerProblems({}, REGIONS).map((p) => p.field)).toEqual([
      'id', 'region', 'name.kk', 'name.ru', 'name.en', 'address.kk', 'address.ru', 'address.en', 'hours.kk', 'hours.ru', 'hours.en', 'phone', 'mapUrl',
    ])
  })
})

describe('centerText', () => {
  it('gives the language asked for, else Kazakh', () => {
    expect(centerText({ kk: 'Қ', ru: 'Р', en: 'E' }, 'ru')).toBe('Р')
    expect(centerText({ kk: 'Қ', ru: 'Р', en: '' }, 'en')).toBe('Қ')
  })
})
