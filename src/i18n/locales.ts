/**
 * The interface languages and how the first one is chosen. Kazakh is the default; Russian is
 * chosen on a first visit only when the browser prefers it. English is offered in the switch
 * but never picked automatically (the service is for Kazakhstan).
 */

/** Message locales, in the order the language switch shows them. */
export const APP_LOCALES = ['kk', 'ru', 'en'] as const

/** One of the interface languages. */
export type AppLocale = (typeof APP_LOCALES)[number]

/** The language of a first visit when the browser says nothing useful. */
export const DEFAULT_LOCALE: AppLocale = 'kk'

/** localStorage key that remembers the user's choice on this device. */
export const LOCALE_STORAGE_KEY = 'qoltanba.locale'

/** True when `value` names one of the interface languages. */
export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (APP_LOCALES as readonly string[]).includes(value)
}

/**
 * The language for a first visit: the first of the browser's preferred languages that is
 * Kazakh or Russian (any region), else Kazakh.
 *
 * @example pickInitialLocale(['en-US', 'ru-RU']) // 'ru'
 */
export function pickInitialLocale(preferred: readonly string[]): AppLocale {
  for (const tag of preferred) {
    const language = tag.toLowerCase().split(/[-_]/)[0]
    if (language === 'kk' || language === 'ru') return language
  }
  return DEFAULT_LOCALE
}

/** The remembered choice if valid, else the first-visit choice from the browser. */
export function resolveStartLocale(stored: string | null, preferred: readonly string[]): AppLocale {
  return isAppLocale(stored) ? stored : pickInitialLocale(preferred)
}
