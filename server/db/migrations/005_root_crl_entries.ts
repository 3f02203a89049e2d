/**
 * What the root CA's CRL lists (owner: CA): one row per CA certificate the root has revoked
 * (`qoltanba ca revoke-issuing`), kept here so that every re-signing of the root CRL (at start,
 * at the periodic check, when the file is lost) lists it again. Before this table the root CRL
 * was re-signed empty, and an issuing CA put on it by hand quietly became valid again.
 *
 * A row is never deleted or changed: revoking a CA certificate is final (RFC 5280 §5.3.1 has no
 * release except from certificateHold, which the root does not use). Reasons 1–5 from the CLI;
 * 0 (unspecified) only for a revocation taken over from a hand-signed root CRL without a reason.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ca_root_crl_entries')
    // Lowercase hex of the serial's magnitude (no leading zero bytes), as the CRL entry encodes it.
    .addColumn('serial', 'text', (c) => c.primaryKey().check(sql`serial ~ '^[0-9a-f]+$'`))
    .addColumn('subject_dn', 'text', (c) => c.notNull())
    .addColumn('certificate', 'bytea', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz', (c) => c.notNull())
    // RFC 5280 CRLReason: unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation.
    .addColumn('reason', 'integer', (c) => c.notNull().check(sql`reason between 0 and 5`))
    .addColumn('revoked_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ca_root_crl_entries').execute()
}
