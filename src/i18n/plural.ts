/**
 * Plural rules from CLDR (Intl.PluralRules). vue-i18n 11's default rule is English-shaped and
 * picks the wrong Russian form (5 сертификата); v12 switches to exactly this CLDR order, so
 * messages written for it survive the upgrade unchanged.
 */

const CATEGORY_ORDER: readonly Intl.LDMLPluralRule[] = ['zero', 'one', 'two', 'few', 'many', 'other']

/** A vue-i18n plural rule: which of the `|`-separated forms to use for `choice`. */
export type PluralRule = (choice: number, choicesLength: number) => number

/**
 * Builds a plural rule for `locale` that maps CLDR categories, in CLDR order, to message forms.
 *
 * @example
 * // ru.json: "{n} сертификат | {n} сертификата | {n} сертификатов | {n} сертификата"
 * cldrPluralRule('ru')(5, 4) // 2 → "5 сертификатов"
 */
export function cldrPluralRule(locale: string): PluralRule {
  const rules = new Intl.PluralRules(locale)
  const categories = rules
    .resolvedOptions()
    .pluralCategories.slice()
    .sort((a, b) => CATEGORY_ORDER.indexOf(a) - CATEGORY_ORDER.indexOf(b))
  return (choice, choicesLength) => {
    if (choicesLength <= 1) return 0
    const index = categories.indexOf(rules.select(Math.abs(choice)))
    return Math.min(Math.max(index, 0), choicesLength - 1)
  }
}
