/** Region names in the current language (request.regions.KZ_71 …) and the list in reading order. */
import { computed, type ComputedRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { REGION_CODES } from './profiles.ts'
import { sortByLabel } from './collate.ts'

/** The three cities of republican significance: listed first, as on egov.kz and the NCA form. */
const CITY_CODES: readonly string[] = ['KZ-71', 'KZ-75', 'KZ-79']

/**
 * The generic word of a region's name ("область Абай", "Абай облысы", "город Алматы"): left out of
 * the sort key so that «область Абай» sits under А in Russian, next to «Акмолинская область».
 */
const GENERIC_WORDS = /^(город|область|қаласы|облысы|region|\(city\))\s+|\s+(город|область|қаласы|облысы|region|\(city\))$/giu

/** The name a region is alphabetized by: its name without "region"/"city" in any language. */
export function regionSortKey(name: string): string {
  return name.replace(GENERIC_WORDS, '').trim()
}

/** Returns a function giving the translated name of an ISO 3166-2 region code. */
export function useRegionName(): (code: string) => string {
  const { t, te } = useI18n()
  return (code) => {
    const key = `request.regions.${code.replace('-', '_')}`
    return te(key) ? t(key) : code
  }
}

/** Region codes in the reader's order: the three cities, then the regions, each alphabetical in `locale`. */
export function regionCodesInOrder(regionName: (code: string) => string, locale: string): string[] {
  const sorted = (codes: readonly string[]): string[] =>
    sortByLabel(codes, (code) => regionSortKey(regionName(code)), locale)
  return [
    ...sorted(REGION_CODES.filter((code) => CITY_CODES.includes(code))),
    ...sorted(REGION_CODES.filter((code) => !CITY_CODES.includes(code))),
  ]
}

/** {@link regionCodesInOrder} in the current language; re-sorts when the language changes. */
export function useSortedRegionCodes(): ComputedRef<string[]> {
  const { locale } = useI18n({ useScope: 'global' })
  const regionName = useRegionName()
  return computed(() => regionCodesInOrder(regionName, locale.value))
}
