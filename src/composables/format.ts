/** Dates and numbers in the current interface language (see src/i18n/intl-format.ts). */
import { useI18n } from 'vue-i18n'
import { formatDate, formatNumber, type AppLocale, type DateStyle, type NumberStyle } from '@/i18n/index.ts'

/**
 * Formatters bound to the current language; reactive when used in templates or computed.
 *
 * @example
 * const { formatDate } = useFormat()
 * formatDate(certificate.notAfter, 'long') // "5 марта 2026 г." / "2026 ж. 5 наурыз"
 */
export function useFormat() {
  const { locale } = useI18n({ useScope: 'global' })
  return {
    formatDate: (value: Date | number, style: DateStyle = 'date') => formatDate(locale.value as AppLocale, value, style),
    formatNumber: (value: number, style: NumberStyle = 'decimal') => formatNumber(locale.value as AppLocale, value, style),
  }
}
