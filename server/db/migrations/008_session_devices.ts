/**
 * The device behind a session (owner: auth): the browser's User-Agent at sign-in, so the
 * personal cabinet can list "where you are signed in" in words a person recognises and offer to
 * end the sessions they do not. Null for sessions opened before this migration or by clients
 * that send no User-Agent.
 */
import type { Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('auth_sessions').addColumn('user_agent', 'text').execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('auth_sessions').dropColumn('user_agent').execute()
}
