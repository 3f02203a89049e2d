/**
 * One term per concept: docs/glossary.md lists the variants we decided not to use (e.g. kk
 * «тіркеу куәлігі» for «сертификат»); none may appear in the Kazakh or Russian interface text.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

type Messages = { [key: string]: string | Messages }

/** Rows of the "Variants not used" table: language, variant, use instead. */
function forbiddenVariants(): { language: string; variant: string; instead: string }[] {
  const doc = readFileSync('docs/glossary.md', 'utf8')
  const section = doc.split(/^## Variants not used$/m)[1]
  if (!section) throw new Error('docs/glossary.md has no "## Variants not used" section')
  return section
    .split('\n')
    .filter((line) => /^\|\s*(kk|ru|en)\s*\|/.test(line))
    .map((line) => {
      const [language = '', variant = '', instead = ''] = line.split('|').slice(1, 4).map((cell) => cell.trim())
      return { language, variant, instead }
    })
}

/** Every message of a locale file with its key path. */
function* messages(tree: Messages, path = ''): Generator<[string, string]> {
  for (const [key, value] of Object.entries(tree)) {
    const at = path ? `${path}.${key}` : key
    if (typeof value === 'string') yield [at, value]
    else yield* messages(value, at)
  }
}

describe('glossary', () => {
  const variants = forbiddenVariants()

  it('lists variants for both languages', () => {
    expect(variants.filter((v) => v.language === 'kk').length).toBeGreaterThan(0)
    expect(variants.filter((v) => v.language === 'ru').length).toBeGreaterThan(0)
  })

  it.each(['kk', 'ru'])('%s uses only the glossary terms', (language) => {
    const tree = JSON.parse(readFileSync(`src/i18n/locales/${language}.json`, 'utf8')) as Messages
    const found: string[] = []
    for (const [path, text] of messages(tree)) {
      for (const { variant, instead } of variants.filter((v) => v.language === language)) {
        if (text.toLocaleLowerCase(language).includes(variant.toLocaleLowerCase(language))) found.push(`${path}: «${variant}» → «${instead}»`)
      }
    }
    expect(found).toEqual([])
  })

  // docs/glossary.md: the application is «заявка», the printed paper the applicant signs is
  // «заявление». A word of printing next to «заявк…» names the paper with the wrong term.
  it('ru calls the printed application form «заявление»', () => {
    const tree = JSON.parse(readFileSync('src/i18n/locales/ru.json', 'utf8')) as Messages
    const printedAsApplication = /печата\S*\s+(\S+\s+){0,2}заявк|заявк\S*,?\s+(\S+\s+){0,2}(рас)?печата/iu
    const found = [...messages(tree)].filter(([, text]) => printedAsApplication.test(text)).map(([path, text]) => `${path}: ${text}`)
    expect(found).toEqual([])
    // The printed form's own title is the paper, not the application.
    expect((tree.request as Messages & { print: Messages }).print.title).toMatch(/^Заявление /u)
  })
})
