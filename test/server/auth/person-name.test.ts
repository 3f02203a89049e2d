/** Names read from subject DNs as the session keeps them: NCA order, Kazakh letters, foreign certificates. */
import { describe, expect, it } from 'vitest'
import { personNameFromDn } from '../../../server/auth/person-name.ts'

const CASES: ReadonlyArray<[string, string, string | null]> = [
  ['NCA individual', 'CN=ТЕСТОВ ТЕСТ, SURNAME=ТЕСТОВ, SERIALNUMBER=IIN123456789011, C=KZ, G=ТЕСТОВИЧ', 'Тестов Тест Тестович'],
  ['Kazakh letters, a hyphenated name', 'CN=ӘЛИЕВ АСҚАР-БЕК, SURNAME=ӘЛИЕВ, SERIALNUMBER=IIN123456789011, C=KZ', 'Әлиев Асқар-Бек'],
  ['legal entity (O with a comma-free name, OU=BIN)', 'CN=ҚАСЫМОВА ӨМІР, SURNAME=ҚАСЫМОВА, SERIALNUMBER=IIN123456789011, C=KZ, O=ТОО Ромашка, OU=BIN123456789021, G=НҰРЛАНҚЫЗЫ', 'Қасымова Өмір Нұрланқызы'],
  ['CN that already holds the patronymic', 'CN=ИВАНОВ ИВАН ИВАНОВИЧ, SURNAME=ИВАНОВ, G=ИВАНОВИЧ, C=KZ', 'Иванов Иван Иванович'],
  ['mixed case is kept', 'CN=Ivanov Ivan, SURNAME=Ivanov, C=KZ', 'Ivanov Ivan'],
  ['no SURNAME: CN as it is', 'CN=ТЕСТОВ ТЕСТ, C=KZ', 'Тестов Тест'],
  ['no person at all', 'C=KZ, O=Qoltanba Test', null],
]

describe('personNameFromDn', () => {
  it.each(CASES)('%s', (_, dn, full) => {
    expect(personNameFromDn(dn).full).toBe(full)
  })

  it('gives the parts apart', () => {
    expect(personNameFromDn(CASES[0]![1])).toEqual({ surname: 'Тестов', name: 'Тест', patronymic: 'Тестович', full: 'Тестов Тест Тестович' })
  })
})
