/**
 * Online renewal (owner: renewal, server/renewals): one row per renewal application, naming the
 * application whose certificates it replaces. UNIQUE on the previous application: a certificate
 * pair is renewed once. `supersede_now` is the holder's choice to revoke the old pair as soon as
 * the new one is installed; otherwise the job waits the grace period after installation.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('renewals')
    .addColumn('application_number', 'text', (c) => c.primaryKey().references('applications.number').onDelete('cascade'))
    .addColumn('previous_application_number', 'text', (c) => c.notNull().unique().references('applications.number'))
    // The signing certificate whose key signed the renewal request (its CMS is kept for audit).
    .addColumn('signer_serial', 'text', (c) => c.notNull())
    .addColumn('signed_request', 'bytea', (c) => c.notNull())
    .addColumn('supersede_now', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('superseded_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index renewals_open_idx on renewals (application_number) where superseded_at is null`.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('renewals').execute()
}
