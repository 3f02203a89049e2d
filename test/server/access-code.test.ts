import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { accessCodeMatches, deriveAccessCode, hashAccessCode, normalizeAccessCode } from '../../server/applications/access-code.ts'
import { formatApplicationNumber, luhnDigit, normalizeApplicationNumber } from '../../server/applications/number.ts'

describe('application numbers', () => {
  it('are 12 digits with a Luhn check digit that catches typos', () => {
    expect(luhnDigit('7992739871')).toBe(3) // the textbook Luhn example
    const n = formatApplicationNumber(2026, 123)
    expect(n).toMatch(/^26000000123\d$/)
    expect(normalizeApplicationNumber(n)).toBe(n)
    expect(normalizeApplicationNumber(`${n.slice(0, 4)}-${n.slice(4, 8)} ${n.slice(8)}`)).toBe(n)
    // Every single-digit change and every adjacent swap of different digits is caught.
    for (let i = 0; i < 12; i++) {
      const d = Number(n[i])
      const typo = `${n.slice(0, i)}${(d + 1) % 10}${n.slice(i + 1)}`
      expect(normalizeApplicationNumber(typo)).toBeUndefined()
    }
    expect(normalizeApplicationNumber('2600000001')).toBeUndefined()
    expect(normalizeApplicationNumber('abc')).toBeUndefined()
  })
})

describe('access codes', () => {
  const key = randomBytes(32)
  const pepper = randomBytes(32)

  it('are 60-bit Crockford base32, deterministic per number and idempotency key', () => {
    const a = deriveAccessCode(key, '260000001235', 'idem-key-0000000001')
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
    expect(deriveAccessCode(key, '260000001235', 'idem-key-0000000001')).toBe(a)
    expect(deriveAccessCode(key, '260000001235', 'idem-key-0000000002')).not.toBe(a)
    expect(deriveAccessCode(randomBytes(32), '260000001235', 'idem-key-0000000001')).not.toBe(a)
  })

  it('are stored as a keyed hash and matched forgivingly (case, dashes, look-alikes)', () => {
    const code = '0A1B-ILOZ-9XYZ'
    const stored = hashAccessCode(pepper, code)
    expect(stored).toMatch(/^[0-9a-f]{64}$/)
    expect(stored).not.toContain(normalizeAccessCode(code))
    expect(accessCodeMatches(pepper, code, stored)).toBe(true)
    expect(accessCodeMatches(pepper, '0a1b ilo z9xyz', stored)).toBe(true)
    expect(accessCodeMatches(pepper, 'OA1B-1L0Z-9XYZ', stored)).toBe(true)
    expect(accessCodeMatches(pepper, '0A1B-ILOZ-9XYY', stored)).toBe(false)
    expect(accessCodeMatches(randomBytes(32), code, stored)).toBe(false)
    expect(accessCodeMatches(pepper, code, 'zz')).toBe(false)
  })
})
