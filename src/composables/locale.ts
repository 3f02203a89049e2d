/** The current interface language and the switch between languages. */
import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { APP_LOCALES, setLocale, type AppLocale } from '@/i18n/index.ts'
import { isAppLocale, LOCALE_STORAGE_KEY } from '@/i18n/locales.ts'

/** Current locale (read-only) plus `switchLocale()` that loads, applies and remembers one. */
export function useLocale() {
  const { locale } = useI18n({ useScope: 'global' })
  const current = computed(() => locale.value as AppLocale)
  return { locale: current, locales: APP_LOCALES, switchLocale: (next: AppLocale) => setLocale(next) }
}

/** True when the person chose a language in this browser (the switch remembers it). */
function chosenInThisBrowser(): boolean {
  try {
    return isAppLocale(localStorage.getItem(LOCALE_STORAGE_KEY))
  } catch {
    return false
  }
}

/**
 * A portal's `ui_locales` (those we have, its order): the first one is used for this visit unless
 * the person has chosen a language in this browser; it is not remembered as their choice.
 */
export async function followPortalLocale(uiLocales: readonly string[] | undefined, current: AppLocale): Promise<void> {
  const first = uiLocales?.find(isAppLocale)
  if (!first || first === current || chosenInThisBrowser()) return
  await setLocale(first, { remember: false })
}
