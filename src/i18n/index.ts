/**
 * vue-i18n setup. Messages are precompiled at build time by @intlify/unplugin-vue-i18n (no
 * runtime compiler, so a CSP without 'unsafe-eval' works) and each language is a lazy chunk:
 * only the chosen one is fetched before the first paint, and all are precached for offline use.
 */
import { createI18n } from 'vue-i18n'
import { cldrPluralRule } from './plural.ts'
import { DATE_OPTIONS, NUMBER_OPTIONS } from './intl-format.ts'
import { LOCALE_STORAGE_KEY, resolveStartLocale, type AppLocale } from './locales.ts'
import type { MessageSchema } from './schema.ts'

export { APP_LOCALES, type AppLocale, isAppLocale } from './locales.ts'
export { formatDate, formatNumber, type DateStyle, type NumberStyle } from './intl-format.ts'

const loaders = import.meta.glob<{ default: MessageSchema }>('./locales/*.json')

/** The app's single i18n instance (Composition API mode). */
export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: 'kk',
  fallbackLocale: false,
  missingWarn: !import.meta.env.PROD,
  fallbackWarn: false,
  messages: {} as Record<AppLocale, MessageSchema>,
  pluralRules: { kk: cldrPluralRule('kk'), ru: cldrPluralRule('ru'), en: cldrPluralRule('en') },
  // Prefer useFormat() (intl-format.ts): vue-i18n's d()/n() format kk with the engine's data,
  // which desktop Chromium lacks. These named formats keep d(x, 'date') working meanwhile.
  datetimeFormats: { kk: DATE_OPTIONS, ru: DATE_OPTIONS, en: DATE_OPTIONS },
  numberFormats: { kk: NUMBER_OPTIONS, ru: NUMBER_OPTIONS, en: NUMBER_OPTIONS },
})

async function ensureMessages(locale: AppLocale): Promise<void> {
  if (i18n.global.availableLocales.includes(locale)) return
  const load = loaders[`./locales/${locale}.json`]
  if (!load) throw new Error(`No messages for locale ${locale}`)
  i18n.global.setLocaleMessage(locale, (await load()).default)
}

/**
 * Switches the interface language: loads its messages, updates `<html lang>` and remembers the
 * choice on this device.
 */
export async function setLocale(locale: AppLocale, options: { remember?: boolean } = {}): Promise<void> {
  await ensureMessages(locale)
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  if (options.remember !== false) {
    try {
      localStorage.setItem(LOCALE_STORAGE_KEY, locale)
    } catch {
      // Storage can be blocked (private mode, kiosk policy); the switch still works for this visit.
    }
  }
}

/** The language to start with: the remembered one, else kk/ru from the browser, else kk. */
export function startLocale(): AppLocale {
  let stored: string | null = null
  try {
    stored = localStorage.getItem(LOCALE_STORAGE_KEY)
  } catch {
    stored = null
  }
  return resolveStartLocale(stored, navigator.languages ?? [navigator.language])
}

/** Loads the start language before the first render, so no message keys ever flash. */
export async function installI18n(app: import('vue').App): Promise<void> {
  app.use(i18n)
  await setLocale(startLocale(), { remember: false })
}
