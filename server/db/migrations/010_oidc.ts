/**
 * The OpenID Connect provider's state (owner: oidc, server/oidc): everything oidc-provider keeps
 * (sessions, grants, codes, tokens, interactions, PAR, replay detection) in one table keyed by
 * (model, id), so several instances share it; the portals (clients) registered with
 * `qoltanba client add`; the provider's signing keys, encrypted at rest; and the consents a person
 * chose to remember per portal (the cabinet lists and withdraws them).
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    // Secondary lookups oidc-provider asks for: revokeByGrantId, findByUid, findByUserCode.
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('consumed_at', 'timestamptz')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute()
  await db.schema.createIndex('oidc_payloads_grant_idx').on('oidc_payloads').column('grant_id').where('grant_id', 'is not', null).execute()
  await db.schema.createIndex('oidc_payloads_uid_idx').on('oidc_payloads').columns(['model', 'uid']).where('uid', 'is not', null).execute()
  await db.schema.createIndex('oidc_payloads_user_code_idx').on('oidc_payloads').columns(['model', 'user_code']).where('user_code', 'is not', null).execute()
  await db.schema.createIndex('oidc_payloads_expires_idx').on('oidc_payloads').column('expires_at').execute()

  await db.schema
    .createTable('oidc_clients')
    .addColumn('client_id', 'text', (c) => c.primaryKey().check(sql`client_id ~ '^[A-Za-z0-9._-]{3,64}$'`))
    .addColumn('name_kk', 'text', (c) => c.notNull())
    .addColumn('name_ru', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('logo_uri', 'text')
    .addColumn('client_uri', 'text')
    .addColumn('redirect_uris', 'jsonb', (c) => c.notNull())
    .addColumn('post_logout_redirect_uris', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('scopes', 'jsonb', (c) => c.notNull())
    .addColumn('auth_method', 'text', (c) => c.notNull().check(sql`auth_method in ('client_secret_basic', 'private_key_jwt', 'none')`))
    // AES-256-GCM under a key derived from the server secret: oidc-provider compares the secret itself.
    .addColumn('secret_enc', 'bytea')
    .addColumn('jwks', 'jsonb')
    .addColumn('jwks_uri', 'text')
    .addColumn('backchannel_logout_uri', 'text')
    .addColumn('require_hardware_key', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('oidc_signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull().check(sql`alg in ('ES256', 'RS256')`))
    .addColumn('public_jwk', 'jsonb', (c) => c.notNull())
    .addColumn('private_jwk_enc', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Set by `qoltanba oidc rotate-keys`: the key no longer signs but stays in the JWKS a while.
    .addColumn('retired_at', 'timestamptz')
    .execute()

  await db.schema
    .createTable('oidc_consents')
    .addColumn('iin', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().references('oidc_clients.client_id'))
    .addColumn('scopes', 'jsonb', (c) => c.notNull())
    .addColumn('claims', 'jsonb', (c) => c.notNull())
    .addColumn('granted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('oidc_consents_pk', ['iin', 'client_id'])
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_consents').execute()
  await db.schema.dropTable('oidc_signing_keys').execute()
  await db.schema.dropTable('oidc_clients').execute()
  await db.schema.dropTable('oidc_payloads').execute()
}
