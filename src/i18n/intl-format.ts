/**
 * Dates and numbers for kk, ru and en. Desktop Chromium ships ICU without Kazakh data (it
 * formats `kk` like English: "1,234.5", "2026 M03 5"), so for kk we use the Russian number
 * style (identical in Kazakh: "1 234,5") and build Kazakh long dates from our own month names
 * when the engine has no Kazakh data. Dates are shown in Kazakhstan's time (UTC+5 since 2024):
 * store UTC, format with Asia/Almaty, so a device with stale tzdata still shows the right day.
 */
import type { AppLocale } from './locales.ts'

/** Kazakhstan's single time zone. */
export const TIME_ZONE = 'Asia/Almaty'

/** Named date styles: `date` dd.mm.yyyy, `long` "5 марта 2026 г." / "2026 ж. 5 наурыз", `date_time` with hh:mm. */
export type DateStyle = 'date' | 'long' | 'date_time'
/** Named number styles. */
export type NumberStyle = 'integer' | 'decimal' | 'currency'

const KK_MONTHS = ['қаңтар', 'ақпан', 'наурыз', 'сәуір', 'мамыр', 'маусым', 'шілде', 'тамыз', 'қыркүйек', 'қазан', 'қараша', 'желтоқсан']

export const DATE_OPTIONS: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  date: { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: TIME_ZONE },
  long: { day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE },
  date_time: { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: TIME_ZONE },
}

export const NUMBER_OPTIONS: Record<NumberStyle, Intl.NumberFormatOptions> = {
  integer: { maximumFractionDigits: 0 },
  decimal: { maximumFractionDigits: 1 },
  currency: { style: 'currency', currency: 'KZT', currencyDisplay: 'narrowSymbol' },
}

let kazakhData: boolean | undefined

/** True when this JS engine has real Kazakh locale data (Node and Safari do; desktop Chromium does not). */
export function engineHasKazakhData(): boolean {
  kazakhData ??= new Intl.DateTimeFormat('kk-KZ', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, 2, 15)) === 'наурыз'
  return kazakhData
}

/** Formats a number in the locale's style. */
export function formatNumber(locale: AppLocale, value: number, style: NumberStyle = 'decimal', kazakh = engineHasKazakhData()): string {
  const tag = locale === 'kk' ? (kazakh ? 'kk-KZ' : 'ru-RU') : locale === 'ru' ? 'ru-RU' : 'en'
  return new Intl.NumberFormat(tag, NUMBER_OPTIONS[style]).format(value)
}

/** Formats a date (a Date or epoch ms) in the locale's style, in Kazakhstan's time zone. */
export function formatDate(locale: AppLocale, value: Date | number, style: DateStyle = 'date', kazakh = engineHasKazakhData()): string {
  if (locale === 'kk' && !kazakh) {
    if (style !== 'long') return new Intl.DateTimeFormat('ru-RU', DATE_OPTIONS[style]).format(value)
    const parts = new Intl.DateTimeFormat('en-US', { day: 'numeric', month: 'numeric', year: 'numeric', timeZone: TIME_ZONE }).formatToParts(value)
    const part = (type: string) => Number(parts.find((p) => p.type === type)?.value)
    return `${part('year')} ж. ${part('day')} ${KK_MONTHS[part('month') - 1]}`
  }
  const tag = locale === 'kk' ? 'kk-KZ' : locale === 'ru' ? 'ru-RU' : 'en-GB'
  return new Intl.DateTimeFormat(tag, DATE_OPTIONS[style]).format(value)
}
