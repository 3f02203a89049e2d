/**
 * E-mail (owner: mail, server/mail): the applicant's address with its confirmation, and the
 * outbox — one row per message, written in the same transaction as the state change it tells of,
 * so a message is neither lost (the change committed) nor invented (the change rolled back).
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_recipients')
    .addColumn('application_number', 'text', (c) => c.primaryKey().references('applications.number').onDelete('cascade'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull().check(sql`language in ('kk', 'ru', 'en')`))
    // HMAC-SHA256(pepper, code), hex; the code itself lives only in the confirmation message.
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('application_number', 'text', (c) => c.notNull().references('applications.number').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    // Set for events a job may find twice (expiring:<number>:<days>): a second insert is a no-op.
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // held: waits for the address to be confirmed; pending: to send; sent; failed: given up.
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('held', 'pending', 'sent', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // A sender's lease: another instance leaves the row alone until then.
    .addColumn('locked_until', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index mail_outbox_due_idx on mail_outbox (next_attempt_at, id) where status = 'pending'`.execute(db)
  await db.schema.createIndex('mail_outbox_application_idx').on('mail_outbox').column('application_number').execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_outbox').execute()
  await db.schema.dropTable('mail_recipients').execute()
}
