/**
 * The message schema, taken from the Kazakh file (the default language). A unit test keeps the
 * three files' key sets identical, so this type is the schema of every language.
 */
import type kk from './locales/kk.json'

/** Shape of one language's messages. */
export type MessageSchema = typeof kk

declare module 'vue-i18n' {
  // Gives `t('…')` key completion everywhere.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  export interface DefineLocaleMessage extends MessageSchema {}
}
