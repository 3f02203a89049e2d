/**
 * The certificate behind a session, by thumbprint (owner: auth/oidc, issue 15): base64url of the
 * SHA-256 of the signer certificate's DER, recorded at sign-in, so the OIDC `x5t#S256` claim names
 * the certificate actually used — a foreign (NCA) certificate's as well as our CA's, whose DER we
 * keep. Null for sessions opened before this migration.
 */
import type { Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('auth_sessions').addColumn('certificate_sha256', 'text').execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('auth_sessions').dropColumn('certificate_sha256').execute()
}
