/**
 * Table types of migrations 003, 008 and 014 (auth). Kept here rather than in server/db/schema.ts so the auth
 * module owns its tables; `authDb()` widens the shared handle to see them.
 */
import type { ColumnType, Kysely, Selectable } from 'kysely'
import type { Database, Db, Tx } from '../db/schema.ts'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Timestamp = ColumnType<Date, Date | string, Date | string>

/** What a signed-in person may do: any certificate holder, or an operator account's role. */
export type SessionRole = 'holder' | 'operator' | 'admin'

export interface AuthChallengesTable {
  /** SHA-256 (base64url) of the nonce. */
  nonce_hash: string
  /** SHA-256 (base64url) of the pre-login cookie value the challenge is bound to. */
  prelogin_hash: string
  /** The exact bytes the client must sign. */
  payload: Uint8Array
  created_at: CreatedAt
  expires_at: Timestamp
}

export interface AuthSessionsTable {
  /** SHA-256 (base64url) of the session cookie value. */
  id_hash: string
  iin: string
  bin: string | null
  role: SessionRole
  subject_dn: string
  /** Lowercase hex serial of the certificate used to sign in. */
  certificate_serial: string
  certificate_issuer: string
  created_at: CreatedAt
  last_seen_at: Timestamp
  expires_at: Timestamp
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  /** The browser's User-Agent at sign-in, cut to 512 characters (migration 008); null if none was sent. */
  user_agent: ColumnType<string | null, string | null | undefined, string | null>
  /** base64url SHA-256 of the signer certificate's DER (migration 014): the OIDC x5t#S256; null for older sessions. */
  certificate_sha256: ColumnType<string | null, string | null | undefined, string | null>
}

export interface AuthDatabase extends Database {
  auth_challenges: AuthChallengesTable
  auth_sessions: AuthSessionsTable
}

export type AuthSession = Selectable<AuthSessionsTable>

/** The shared handle, typed to include the auth tables (migration 003 creates them). */
export function authDb(db: Db | Tx): Kysely<AuthDatabase> {
  return db as unknown as Kysely<AuthDatabase>
}
