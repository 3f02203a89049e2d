/** The current interface language and the switch between languages. */
import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { APP_LOCALES, setLocale, type AppLocale } from '@/i18n/index.ts'

/** Current locale (read-only) plus `switchLocale()` that loads, applies and remembers one. */
export function useLocale() {
  const { locale } = useI18n({ useScope: 'global' })
  const current = computed(() => locale.value as AppLocale)
  return { locale: current, locales: APP_LOCALES, switchLocale: (next: AppLocale) => setLocale(next) }
}
