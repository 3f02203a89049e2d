/**
 * The CA hierarchy in the database (owner: ca, issue 20): with DATABASE_URL set, what a
 * single-server DATA_DIR/ca holds — manifest.json, the certificates (<role>.pem and the former
 * <role>-<serial>.pem of renewals), the encrypted PKCS#8 keys (<role>.key; none with PKCS#11) and
 * root.crl — is one row per file here, so instances share no files (server/ca/ca-store-db.ts).
 * Never a passphrase: the keys open with CA_KEY_PASSPHRASE(_FILE) of each instance.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ca_files')
    .addColumn('name', 'text', (c) => c.primaryKey().check(sql`name ~ '^[a-z0-9][a-z0-9.-]*$'`))
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ca_files').execute()
}
