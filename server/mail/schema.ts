/** The mail tables (migration 011) as Kysely types, beside the shared schema like oidc's. */
import type { ColumnType, Generated, GeneratedAlways, Kysely } from 'kysely'
import type { Database, Db, Tx } from '../db/schema.ts'

export type MailLanguage = 'kk' | 'ru' | 'en'
export type OutboxStatus = 'held' | 'pending' | 'sent' | 'failed'
/** What a message tells; templates/<lang>.ts has one text per kind. */
export type MailKind = 'confirm' | 'received' | 'issued' | 'rejected' | 'revoked' | 'held' | 'released' | 'expiring' | 'new_device'

type Stamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

export interface MailRecipientsTable {
  application_number: string
  address: string
  language: MailLanguage
  code_hash: string
  attempts: Generated<number>
  confirmed_at: Stamp
  created_at: Generated<Date>
}

export interface MailOutboxTable {
  id: GeneratedAlways<number>
  application_number: string
  kind: MailKind
  dedupe_key: string | null
  data: ColumnType<Record<string, unknown>, string, string>
  status: OutboxStatus
  attempts: Generated<number>
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>
  locked_until: Stamp
  sent_at: Stamp
  last_error: string | null
  created_at: Generated<Date>
}

export interface MailDatabase extends Database {
  mail_recipients: MailRecipientsTable
  mail_outbox: MailOutboxTable
}

/** The shared handle seen with the mail tables. */
export function mailDb(db: Db | Tx): Kysely<MailDatabase> {
  return db as unknown as Kysely<MailDatabase>
}
