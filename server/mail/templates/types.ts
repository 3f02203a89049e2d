/** The shape of one language's messages: a subject, paragraphs and at most one link per kind. */
import type { MailKind } from '../schema.ts'

/** What a message may say: never the access code or a key, only the confirmation code to its own address. */
export interface MailData {
  readonly number: string
  readonly code?: string
  readonly reason?: string
  readonly serial?: string
  readonly purpose?: 'auth' | 'sign'
  readonly days?: number
  /** new_device: when (ISO 8601), and the browser and system as the cabinet names them (null: unknown). */
  readonly at?: string
  readonly browser?: string | null
  readonly os?: string | null
}

/** A sign-in time for a message: Astana time (the whole country is UTC+5), in the message's language. */
export function astanaTime(iso: string | undefined, locale: 'kk' | 'ru' | 'en'): string {
  return new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Almaty', dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso ?? 0))
}

export interface MailText {
  readonly subject: string
  readonly paragraphs: readonly string[]
  readonly link?: { readonly label: string; readonly path: string }
}

export type MailTemplates = Readonly<Record<MailKind, (d: MailData) => MailText>>
