/**
 * Platform tables: applications and their certificate requests, issued certificates (the CA's
 * migration 002 adds revocation/CRL state around them), operators and the audit log.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create sequence application_number_seq start 1`.execute(db)

  await db.schema
    .createTable('applications')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('iin', 'text', (c) => c.notNull())
    .addColumn('bin', 'text')
    .addColumn('organization', 'text')
    .addColumn('email', 'text')
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('city', 'text')
    .addColumn('storage', 'text', (c) => c.notNull().check(sql`storage in ('browser', 'file', 'token')`))
    .addColumn('surname', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('patronymic', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('submitted', 'issued', 'installed', 'rejected', 'expired')`),
    )
    .addColumn('access_code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status_changed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status_changed_by', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz')
    .addColumn('issued_by', 'text')
    .addColumn('installed_at', 'timestamptz')
    .addColumn('installed_by', 'text')
    .addColumn('rejected_at', 'timestamptz')
    .addColumn('rejected_by', 'text')
    .addColumn('rejection_reason', 'text')
    .addColumn('expired_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('applications_iin_idx').on('applications').column('iin').execute()
  await db.schema.createIndex('applications_status_idx').on('applications').columns(['status', 'created_at']).execute()

  await db.schema
    .createTable('application_requests')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('application_number', 'text', (c) => c.notNull().references('applications.number').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('auth', 'sign')`))
    .addColumn('csr', 'bytea', (c) => c.notNull())
    .addColumn('spki', 'bytea', (c) => c.notNull())
    .addColumn('spki_sha256', 'text', (c) => c.notNull())
    .addColumn('key_algorithm', 'text', (c) => c.notNull())
    .addColumn('key_bits', 'integer')
    .addColumn('key_curve', 'text')
    .addColumn('pending', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('certificate_serial', 'text')
    .addUniqueConstraint('application_requests_purpose_uq', ['application_number', 'purpose'])
    .execute()
  // A key may wait in one pending application only (and twice in none): enforced by the
  // database so concurrent submissions cannot both pass a check-then-insert.
  await sql`create unique index application_requests_pending_spki_uq on application_requests (spki_sha256) where pending`.execute(db)

  await db.schema
    .createTable('certificates')
    .addColumn('serial', 'text', (c) => c.primaryKey())
    .addColumn('application_number', 'text', (c) => c.references('applications.number'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('auth', 'sign')`))
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject_dn', 'text', (c) => c.notNull())
    .addColumn('iin', 'text')
    .addColumn('bin', 'text')
    .addColumn('not_before', 'timestamptz', (c) => c.notNull())
    .addColumn('not_after', 'timestamptz', (c) => c.notNull())
    .addColumn('der', 'bytea', (c) => c.notNull())
    .addColumn('spki_sha256', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('good').check(sql`status in ('good', 'revoked', 'hold')`))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revocation_reason', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('certificates_iin_idx').on('certificates').column('iin').execute()
  await db.schema.createIndex('certificates_application_idx').on('certificates').column('application_number').execute()

  await db.schema
    .createTable('operators')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('iin', 'text', (c) => c.notNull().unique())
    .addColumn('surname', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('patronymic', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('operator', 'admin')`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .execute()
  await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['entity_type', 'entity_id']).execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['audit_log', 'operators', 'certificates', 'application_requests', 'applications']) {
    await db.schema.dropTable(t).execute()
  }
  await sql`drop sequence application_number_seq`.execute(db)
}
