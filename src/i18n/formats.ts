/**
 * Named date and number formats per locale, used as `d(date, 'long')` and `n(x, 'decimal')`.
 * Dates are shown in Kazakhstan's single time zone (UTC+5 since 2024): certificates and
 * applications are stored in UTC, and a device with stale tzdata would otherwise show +6.
 */
import type { AppLocale } from './locales.ts'

const TIME_ZONE = 'Asia/Almaty'

const datetime = {
  /** dd.mm.yyyy in every locale (kk's own short style has a 2-digit year). */
  date: { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: TIME_ZONE },
  long: { day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE },
  date_time: { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: TIME_ZONE },
} satisfies Record<string, Intl.DateTimeFormatOptions>

const number = {
  integer: { maximumFractionDigits: 0 },
  decimal: { maximumFractionDigits: 1 },
  currency: { style: 'currency', currency: 'KZT', currencyDisplay: 'narrowSymbol' },
} satisfies Record<string, Intl.NumberFormatOptions>

/** Date formats by locale (the same shapes; Intl supplies the language). */
export const datetimeFormats: Record<AppLocale, typeof datetime> = { kk: datetime, ru: datetime, en: datetime }

/** Number formats by locale. */
export const numberFormats: Record<AppLocale, typeof number> = { kk: number, ru: number, en: number }
