/**
 * CA tables (owner: CA): the hierarchy's certificates as recorded in the database, the CRL state
 * per issuing CA (monotonic CRL numbers survive restarts and are shared by every server process),
 * and revocation details on certificates.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ca_authorities')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('root', 'issuing', 'ocsp')`))
    .addColumn('subject_dn', 'text', (c) => c.notNull())
    .addColumn('certificate', 'bytea', (c) => c.notNull())
    .addColumn('key_store', 'text', (c) => c.notNull().check(sql`key_store in ('file', 'pkcs11')`))
    .addColumn('development', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('ca_crl_state')
    .addColumn('issuer', 'text', (c) => c.primaryKey())
    .addColumn('crl_number', 'bigint', (c) => c.notNull())
    .addColumn('this_update', 'timestamptz', (c) => c.notNull())
    .addColumn('next_update', 'timestamptz', (c) => c.notNull())
    .addColumn('entries', 'integer', (c) => c.notNull())
    .execute()

  await db.schema
    .alterTable('certificates')
    .addColumn('revoked_by', 'text')
    .addColumn('status_changed_at', 'timestamptz')
    .execute()
  // The CRL and OCSP read revoked/held certificates of one issuer: keep that set indexed small.
  await sql`create index certificates_not_good_idx on certificates (issuer) where status <> 'good'`.execute(db)
  // The CRL's incremental read: status changes since the last CRL.
  await sql`create index certificates_status_changed_idx on certificates (status_changed_at) where status_changed_at is not null`.execute(db)
  await sql`alter table certificates add constraint certificates_revocation_ck check (
    (status = 'good' and revoked_at is null and revocation_reason is null)
    or (status = 'revoked' and revoked_at is not null and revocation_reason is not null and revocation_reason <> 6)
    or (status = 'hold' and revoked_at is not null and revocation_reason = 6))`.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table certificates drop constraint certificates_revocation_ck`.execute(db)
  await sql`drop index certificates_status_changed_idx`.execute(db)
  await sql`drop index certificates_not_good_idx`.execute(db)
  await db.schema.alterTable('certificates').dropColumn('revoked_by').dropColumn('status_changed_at').execute()
  await db.schema.dropTable('ca_crl_state').execute()
  await db.schema.dropTable('ca_authorities').execute()
}
