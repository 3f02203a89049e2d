/**
 * Certificate sign-in (owner: auth): one-time challenges bound to a pre-login cookie, and
 * sessions. Only SHA-256 hashes of nonces, pre-login ids and session ids are stored, so a
 * database leak does not hand out live sessions.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('auth_challenges')
    .addColumn('nonce_hash', 'text', (c) => c.primaryKey())
    .addColumn('prelogin_hash', 'text', (c) => c.notNull())
    .addColumn('payload', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('auth_challenges_prelogin_idx').on('auth_challenges').column('prelogin_hash').execute()
  await db.schema.createIndex('auth_challenges_expires_idx').on('auth_challenges').column('expires_at').execute()

  await db.schema
    .createTable('auth_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('iin', 'text', (c) => c.notNull())
    .addColumn('bin', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('holder', 'operator', 'admin')`))
    .addColumn('subject_dn', 'text', (c) => c.notNull())
    .addColumn('certificate_serial', 'text', (c) => c.notNull())
    .addColumn('certificate_issuer', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('auth_sessions_iin_idx').on('auth_sessions').column('iin').execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('auth_sessions').execute()
  await db.schema.dropTable('auth_challenges').execute()
}
