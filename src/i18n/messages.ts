/**
 * Loading of message chunks. Each language comes in two precompiled chunks (see
 * scripts/vite/locale-chunks.ts): `shell` (header, banners, home) before the first paint and
 * `rest` (every feature's area) right after. Both are precached, so offline works the same.
 */
import type { AppLocale } from './locales.ts'

/** A precompiled message chunk (vue-i18n AST objects). */
export type MessageChunk = { default: Record<string, unknown> }

type Part = 'shell' | 'rest'

// Literal import() calls so the bundler emits one chunk per language and part.
const LOADERS: Record<AppLocale, Record<Part, () => Promise<MessageChunk>>> = {
  kk: { shell: () => import('virtual:qoltanba-locale/kk-shell'), rest: () => import('virtual:qoltanba-locale/kk-rest') },
  ru: { shell: () => import('virtual:qoltanba-locale/ru-shell'), rest: () => import('virtual:qoltanba-locale/ru-rest') },
  en: { shell: () => import('virtual:qoltanba-locale/en-shell'), rest: () => import('virtual:qoltanba-locale/en-rest') },
}

const pending = new Map<string, Promise<void>>()

/**
 * Loads one part of a language once and hands it to `merge` (concurrent calls share the load;
 * a failed load is retried next time).
 */
export function loadMessages(locale: AppLocale, part: Part, merge: (messages: Record<string, unknown>) => void): Promise<void> {
  const key = `${locale}/${part}`
  let promise = pending.get(key)
  if (!promise) {
    promise = LOADERS[locale][part]().then((chunk) => merge(chunk.default))
    promise.catch(() => pending.delete(key))
    pending.set(key, promise)
  }
  return promise
}
