/**
 * vue-i18n setup. Messages are precompiled at build time (no runtime compiler, so a CSP without
 * 'unsafe-eval' works) and each language is lazy: only the chosen language's shell messages are
 * fetched before the first paint, the rest right after; all are precached for offline use.
 */
import { createI18n } from 'vue-i18n'
import { cldrPluralRule } from './plural.ts'
import { LOCALE_STORAGE_KEY, resolveStartLocale, type AppLocale } from './locales.ts'
import type { MessageSchema } from './schema.ts'
import { loadMessages } from './messages.ts'

export { APP_LOCALES, type AppLocale, isAppLocale } from './locales.ts'
export { formatDate, formatNumber, type DateStyle, type NumberStyle } from './intl-format.ts'

/** The app's single i18n instance (Composition API mode). */
export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: 'kk',
  fallbackLocale: false,
  missingWarn: !import.meta.env.PROD,
  fallbackWarn: false,
  messages: {} as Record<AppLocale, MessageSchema>,
  pluralRules: { kk: cldrPluralRule('kk'), ru: cldrPluralRule('ru'), en: cldrPluralRule('en') },
  // No datetimeFormats/numberFormats on purpose: vue-i18n's d()/n() would format kk with the
  // engine's data, which desktop Chromium lacks. Use useFormat() (src/composables/format.ts).
})

const merge = (locale: AppLocale) => (messages: Record<string, unknown>) =>
  i18n.global.mergeLocaleMessage(locale, messages as unknown as MessageSchema)

/** Loads every message area of the current language (a no-op once loaded). */
export function ensureAllMessages(): Promise<void> {
  const locale = i18n.global.locale.value
  return loadMessages(locale, 'rest', merge(locale))
}

/**
 * Switches the interface language: loads its messages, updates `<html lang>` and remembers the
 * choice on this device.
 */
export async function setLocale(locale: AppLocale, options: { remember?: boolean } = {}): Promise<void> {
  await Promise.all([loadMessages(locale, 'shell', merge(locale)), loadMessages(locale, 'rest', merge(locale))])
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

/**
 * Installs i18n with the start language's shell messages loaded, so no key ever flashes. Routes
 * other than those marked `meta.shellMessages` wait for the rest of the messages (see router).
 */
export async function installI18n(app: import('vue').App): Promise<void> {
  app.use(i18n)
  const locale = startLocale()
  await loadMessages(locale, 'shell', merge(locale))
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
}
