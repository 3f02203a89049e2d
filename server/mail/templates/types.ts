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
}

export interface MailText {
  readonly subject: string
  readonly paragraphs: readonly string[]
  readonly link?: { readonly label: string; readonly path: string }
}

export type MailTemplates = Readonly<Record<MailKind, (d: MailData) => MailText>>
