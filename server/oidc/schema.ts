/**
 * Table types of migration 010 (oidc). Kept here rather than in server/db/schema.ts so the oidc
 * module owns its tables (as server/auth does); `oidcDb()` widens the shared handle to see them.
 */
import type { ColumnType, Kysely, Selectable } from 'kysely'
import type { Database, Db, Tx } from '../db/schema.ts'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
type Json<T> = ColumnType<T, unknown, unknown>

export type ClientAuthMethod = 'client_secret_basic' | 'private_key_jwt' | 'none'

/** Every oidc-provider model, one row per (model, id). */
export interface OidcPayloadsTable {
  model: string
  id: string
  payload: Json<Record<string, unknown>>
  grant_id: string | null
  uid: string | null
  user_code: string | null
  expires_at: NullableTimestamp
  consumed_at: NullableTimestamp
}

/** A portal (relying party), managed by `qoltanba client …` and the operator console. */
export interface OidcClientsTable {
  client_id: string
  name_kk: string
  name_ru: string
  name_en: string
  logo_uri: string | null
  client_uri: string | null
  redirect_uris: Json<string[]>
  post_logout_redirect_uris: Json<string[]>
  /** Scopes the portal may request (openid is always among them). */
  scopes: Json<string[]>
  auth_method: ClientAuthMethod
  secret_enc: Uint8Array | null
  jwks: Json<{ keys: Record<string, unknown>[] } | null>
  jwks_uri: string | null
  backchannel_logout_uri: string | null
  require_hardware_key: ColumnType<boolean, boolean | undefined, boolean>
  disabled: ColumnType<boolean, boolean | undefined, boolean>
  disabled_reason: string | null
  created_at: CreatedAt
  created_by: string
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface OidcSigningKeysTable {
  kid: string
  alg: 'ES256' | 'RS256'
  public_jwk: Json<Record<string, unknown>>
  private_jwk_enc: Uint8Array
  created_at: CreatedAt
  retired_at: NullableTimestamp
}

/** A consent the person asked to remember for a portal. */
export interface OidcConsentsTable {
  iin: string
  client_id: string
  scopes: Json<string[]>
  claims: Json<string[]>
  granted_at: ColumnType<Date, Date | string | undefined, Date | string>
}

export interface OidcDatabase extends Database {
  oidc_payloads: OidcPayloadsTable
  oidc_clients: OidcClientsTable
  oidc_signing_keys: OidcSigningKeysTable
  oidc_consents: OidcConsentsTable
}

export type OidcClientRow = Selectable<OidcClientsTable>

/** The shared handle, typed to include the oidc tables (migration 010 creates them). */
export function oidcDb(db: Db | Tx): Kysely<OidcDatabase> {
  return db as unknown as Kysely<OidcDatabase>
}
