/**
 * A person's name as people write it, from the subject DN the session keeps ("CN=ТЕСТОВ ТЕСТ,
 * SURNAME=ТЕСТОВ, …, G=ТЕСТОВИЧ" → "Тестов Тест Тестович"). NCA RK profiles put "SURNAME NAME"
 * in CN, the surname in SURNAME and the patronymic in GIVENNAME (docs/kazakhstan-data.md §2); the
 * cabinet and the header greet the person by this name, never by the DN.
 */

/** The parts of a person's name; any part may be missing in a foreign certificate. */
export interface PersonName {
  readonly surname: string | null
  readonly name: string | null
  readonly patronymic: string | null
  /** "Surname Name Patronymic", or null when the DN names no person. */
  readonly full: string | null
}

/** Attribute values by short name, from describeNameBrief's "TYPE=value, TYPE=value" line. */
function attributes(dn: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of dn.split(/,\s*(?=[A-Za-z0-9.]+=)/)) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const type = part.slice(0, eq).trim().toUpperCase()
    const value = part.slice(eq + 1).trim()
    if (value && !out.has(type)) out.set(type, value)
  }
  return out
}

/** "ТЕСТОВ" → "Тестов", "ӘЛИ-АСҚАР" → "Әли-Асқар"; a word already in mixed case is kept. */
function humanize(words: string): string {
  return words
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => (word === word.toUpperCase() ? word.toLowerCase().replace(/(^|[-'’])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase()) : word))
    .join(' ')
}

/** Reads the person's name from a subject DN line (see the file comment). */
export function personNameFromDn(dn: string): PersonName {
  const attrs = attributes(dn)
  const cn = attrs.get('CN') ?? ''
  const surname = attrs.get('SURNAME') ?? attrs.get('SN') ?? null
  const patronymic = attrs.get('G') ?? attrs.get('GIVENNAME') ?? null
  // CN is "SURNAME NAME" (some CAs add the patronymic): the name is what CN has besides the others.
  const others = [surname, patronymic].filter((p): p is string => p !== null).map((p) => p.toUpperCase())
  const rest = cn
    .split(/\s+/)
    .filter((word) => {
      const at = others.indexOf(word.toUpperCase())
      if (at >= 0) others.splice(at, 1)
      return word !== '' && at < 0
    })
    .join(' ')
  const parts = {
    surname: surname ? humanize(surname) : null,
    name: rest ? humanize(rest) : null,
    patronymic: patronymic ? humanize(patronymic) : null,
  }
  const full = [parts.surname, parts.name, parts.patronymic].filter(Boolean).join(' ')
  return { ...parts, full: full || null }
}
