/** Dates, numbers and file sizes in the current interface language (see src/i18n/intl-format.ts). */
import { useI18n } from 'vue-i18n'
import { formatDate, formatNumber, type AppLocale, type DateStyle, type NumberStyle } from '@/i18n/index.ts'

/**
 * Formatters bound to the current language; reactive when used in templates or computed.
 *
 * @example
 * const { formatDate, formatFileSize } = useFormat()
 * formatDate(certificate.notAfter, 'long') // "5 марта 2026 г." / "2026 ж. 5 наурыз"
 * formatFileSize(2_345) // "2,3 КБ"; formatFileSize(2) // "2 байта"; formatFileSize(10_742_500_000) // "10,7 ГБ"
 */
export function useFormat() {
  const { locale, t } = useI18n({ useScope: 'global' })
  const number = (value: number, style: NumberStyle = 'decimal') => formatNumber(locale.value as AppLocale, value, style)
  return {
    formatDate: (value: Date | number, style: DateStyle = 'date') => formatDate(locale.value as AppLocale, value, style),
    formatNumber: number,
    /** A size as a person reads it: exact bytes below 1 KB (with the right plural), else KB, MB or GB (decimal units, one decimal). */
    formatFileSize: (bytes: number): string => {
      if (bytes < 1_000) return t('units.bytes', { n: number(bytes, 'integer') }, bytes)
      if (bytes < 1_000_000) return t('units.kilobytes', { value: number(bytes / 1_000) })
      if (bytes < 1_000_000_000) return t('units.megabytes', { value: number(bytes / 1_000_000) })
      return t('units.gigabytes', { value: number(bytes / 1_000_000_000) })
    },
  }
}
