import { describe, expect, it } from 'vitest'
import { checkBin, checkDigit, checkIin, decodeIin } from '../../src/pki/iin.ts'

describe('IIN/BIN check digit (docs/kazakhstan-data.md#test-vectors)', () => {
  it.each(['900101300017', '900101300811', '900101400013', '000515500012', '871008401427', '760212350620', '061211600012', '800416300257', '680503450037'])(
    'IIN %s is valid',
    (iin) => expect(checkIin(iin)).toEqual({ valid: true }),
  )
  it.each(['220340000015', '220360000074', '940140000385', '990140004654', '950341000052', '070941024691'])(
    'BIN %s is valid',
    (bin) => expect(checkBin(bin)).toEqual({ valid: true }),
  )
  it.each(['900101300018', '90010130001', '9001013000170', '90010130001a', '', '123456789011'])('IIN %j is invalid', (s) =>
    expect(checkIin(s)).toEqual({ valid: false, code: 'ERR_INVALID_IIN' }),
  )
  it('a BIN with a wrong digit is ERR_INVALID_BIN', () =>
    expect(checkBin('940140000386')).toEqual({ valid: false, code: 'ERR_INVALID_BIN' }))
  it('the second pass is used when the first gives 10', () => expect(checkDigit('90010130081')).toBe(1))
  it('a prefix giving 10 twice is never issued', () => {
    expect(checkDigit('90010130080')).toBeUndefined()
    for (let d = 0; d <= 9; d++) expect(checkIin(`90010130080${d}`).valid).toBe(false)
  })
})

describe('decodeIin (advisory hint)', () => {
  it.each([
    ['900101300017', { birthDate: '1990-01-01', sex: 'male' }],
    ['900101400013', { birthDate: '1990-01-01', sex: 'female' }],
    ['000515500012', { birthDate: '2000-05-15', sex: 'male' }],
    ['871008401427', { birthDate: '1987-10-08', sex: 'female' }],
    ['991332300017', { sex: 'male' }],
    ['900101000017', {}],
    ['abc', {}],
  ])('%s → %j', (iin, hint) => expect(decodeIin(iin)).toEqual(hint))
})
