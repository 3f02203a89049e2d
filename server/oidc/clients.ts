/**
 * The portals (OpenID Connect clients): their rows in `oidc_clients` and what oidc-provider sees
 * of them. Written by `qoltanba client …` and the operator console, every change with its audit
 * row in the same transaction; read by the adapter's Client model (a disabled portal is unknown to
 * the provider, so its requests get invalid_client and its tokens stop working).
 */
import { randomBytes } from 'node:crypto'
import { recordAudit } from '../audit/audit.ts'
import { json } from '../db/json.ts'
import type { Db } from '../db/schema.ts'
import { ApiError, ApiErrorCode } from '../errors.ts'
import { isOidcScope } from './claims.ts'
import { oidcDb, type ClientAuthMethod, type OidcClientRow } from './schema.ts'
import { seal, unseal } from './sealed.ts'

export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'private_key_jwt', 'none']

export interface LocalizedName {
  readonly kk: string
  readonly ru: string
  readonly en: string
}

export interface NewClientInput {
  readonly clientId?: string
  readonly name: LocalizedName
  readonly redirectUris: readonly string[]
  readonly postLogoutRedirectUris?: readonly string[]
  readonly scopes: readonly string[]
  readonly authMethod: ClientAuthMethod
  readonly jwks?: { keys: Record<string, unknown>[] }
  readonly jwksUri?: string
  readonly backchannelLogoutUri?: string
  readonly logoUri?: string
  readonly clientUri?: string
  readonly requireHardwareKey?: boolean
  readonly actor: string
}

/** What the console and the CLI show of a portal (never the secret). */
export interface ClientView {
  readonly clientId: string
  readonly name: LocalizedName
  readonly logoUri?: string
  readonly uri?: string
  readonly redirectUris: string[]
  readonly postLogoutRedirectUris: string[]
  readonly scopes: string[]
  readonly authMethod: ClientAuthMethod
  readonly backchannelLogoutUri?: string
  readonly requireHardwareKey: boolean
  readonly disabled: boolean
  readonly disabledReason?: string
  readonly createdAt: string
}

const invalid = (field: string, rule: string) => new ApiError(400, ApiErrorCode.Validation, `${field}: ${rule}`, { field, rule })

/** An absolute https URL (http only on a loopback host, for development), without a fragment. */
function checkUrl(field: string, value: string, allowLoopbackHttp = true): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw invalid(field, 'must be an absolute URL')
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback && allowLoopbackHttp)) throw invalid(field, 'must be https (http only on localhost)')
  if (url.hash) throw invalid(field, 'must not have a fragment')
  return value
}

function checkInput(input: NewClientInput): void {
  if (input.clientId !== undefined && !/^[A-Za-z0-9._-]{3,64}$/.test(input.clientId)) throw invalid('clientId', '3–64 letters, digits, dot, dash or underscore')
  for (const lang of ['kk', 'ru', 'en'] as const) {
    const n = input.name[lang]?.trim()
    if (!n || n.length > 200) throw invalid(`name.${lang}`, 'required, at most 200 characters')
  }
  if (!input.redirectUris.length) throw invalid('redirectUris', 'at least one')
  input.redirectUris.forEach((u) => checkUrl('redirectUris', u))
  // The pairwise `sub` is derived from the redirect host (the sector): one host per portal.
  if (new Set(input.redirectUris.map((u) => new URL(u).host)).size > 1) throw invalid('redirectUris', 'all on one host (the pairwise sector)')
  ;(input.postLogoutRedirectUris ?? []).forEach((u) => checkUrl('postLogoutRedirectUris', u))
  if (input.backchannelLogoutUri) checkUrl('backchannelLogoutUri', input.backchannelLogoutUri)
  if (input.logoUri) checkUrl('logoUri', input.logoUri)
  if (input.clientUri) checkUrl('clientUri', input.clientUri)
  for (const s of input.scopes) if (!isOidcScope(s)) throw invalid('scopes', `unknown scope ${s}`)
  if (!CLIENT_AUTH_METHODS.includes(input.authMethod)) throw invalid('authMethod', CLIENT_AUTH_METHODS.join(' | '))
  if (input.authMethod === 'private_key_jwt' && !input.jwks && !input.jwksUri) throw invalid('jwks', 'private_key_jwt needs the portal\'s public keys (jwks or jwksUri)')
  if (input.jwksUri) checkUrl('jwksUri', input.jwksUri)
}

export function clientView(row: OidcClientRow): ClientView {
  return {
    clientId: row.client_id,
    name: { kk: row.name_kk, ru: row.name_ru, en: row.name_en },
    ...(row.logo_uri ? { logoUri: row.logo_uri } : {}),
    ...(row.client_uri ? { uri: row.client_uri } : {}),
    redirectUris: row.redirect_uris,
    postLogoutRedirectUris: row.post_logout_redirect_uris,
    scopes: row.scopes,
    authMethod: row.auth_method,
    ...(row.backchannel_logout_uri ? { backchannelLogoutUri: row.backchannel_logout_uri } : {}),
    requireHardwareKey: row.require_hardware_key,
    disabled: row.disabled,
    ...(row.disabled_reason ? { disabledReason: row.disabled_reason } : {}),
    createdAt: row.created_at.toISOString(),
  }
}

/** The audit view: everything but secrets. */
const auditView = (row: OidcClientRow) => clientView(row)

const newSecret = () => randomBytes(32).toString('base64url')

export async function findClientRow(db: Db, clientId: string): Promise<OidcClientRow | undefined> {
  return oidcDb(db).selectFrom('oidc_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst()
}

export async function listClientRows(db: Db): Promise<OidcClientRow[]> {
  return oidcDb(db).selectFrom('oidc_clients').selectAll().orderBy('created_at').orderBy('client_id').execute()
}

/** Registers a portal; returns it and, for client_secret_basic, its secret (shown once). */
export async function addClient(db: Db, secretKey: Buffer, input: NewClientInput): Promise<{ client: ClientView; secret?: string }> {
  checkInput(input)
  const clientId = input.clientId ?? `portal-${randomBytes(9).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x')}`
  const secret = input.authMethod === 'client_secret_basic' ? newSecret() : undefined
  const scopes = [...new Set(['openid', ...input.scopes])]
  const row = await db.transaction().execute(async (trx) => {
    const exists = await findClientRow(trx, clientId)
    if (exists) throw new ApiError(409, ApiErrorCode.InvalidState, `client ${clientId} already exists`, { field: 'clientId', rule: 'unique' })
    const inserted = await oidcDb(trx)
      .insertInto('oidc_clients')
      .values({
        client_id: clientId,
        name_kk: input.name.kk.trim(),
        name_ru: input.name.ru.trim(),
        name_en: input.name.en.trim(),
        logo_uri: input.logoUri ?? null,
        client_uri: input.clientUri ?? null,
        redirect_uris: json(input.redirectUris),
        post_logout_redirect_uris: json(input.postLogoutRedirectUris ?? []),
        scopes: json(scopes),
        auth_method: input.authMethod,
        secret_enc: secret ? seal(secretKey, Buffer.from(secret, 'utf8'), clientId) : null,
        jwks: input.jwks ? json(input.jwks) : null,
        jwks_uri: input.jwksUri ?? null,
        backchannel_logout_uri: input.backchannelLogoutUri ?? null,
        require_hardware_key: input.requireHardwareKey ?? false,
        created_by: input.actor,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, { actor: input.actor, action: 'oidc-client.add', entityType: 'oidc-client', entityId: clientId, after: auditView(inserted) })
    return inserted
  })
  return { client: clientView(row), ...(secret ? { secret } : {}) }
}

/** Disables or enables a portal (with the reason), audited; 404 for an unknown one. */
export async function setClientDisabled(db: Db, clientId: string, disabled: boolean, reason: string | null, actor: string): Promise<ClientView> {
  const row = await db.transaction().execute(async (trx) => {
    const before = await findClientRow(trx, clientId)
    if (!before) throw new ApiError(404, ApiErrorCode.NotFound, `no client ${clientId}`)
    const after = await oidcDb(trx)
      .updateTable('oidc_clients')
      .set({ disabled, disabled_reason: disabled ? reason : null, updated_at: new Date() })
      .where('client_id', '=', clientId)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      actor,
      action: disabled ? 'oidc-client.disable' : 'oidc-client.enable',
      entityType: 'oidc-client',
      entityId: clientId,
      before: auditView(before),
      after: { ...auditView(after), ...(reason ? { reason } : {}) },
    })
    return after
  })
  return clientView(row)
}

/** A new secret for a client_secret_basic portal (the old one stops working at once). */
export async function rotateClientSecret(db: Db, secretKey: Buffer, clientId: string, actor: string): Promise<string> {
  const secret = newSecret()
  await db.transaction().execute(async (trx) => {
    const before = await findClientRow(trx, clientId)
    if (!before) throw new ApiError(404, ApiErrorCode.NotFound, `no client ${clientId}`)
    if (before.auth_method !== 'client_secret_basic') throw new ApiError(409, ApiErrorCode.InvalidState, `client ${clientId} uses ${before.auth_method}, not a secret`)
    await oidcDb(trx)
      .updateTable('oidc_clients')
      .set({ secret_enc: seal(secretKey, Buffer.from(secret, 'utf8'), clientId), updated_at: new Date() })
      .where('client_id', '=', clientId)
      .execute()
    await recordAudit(trx, { actor, action: 'oidc-client.rotate-secret', entityType: 'oidc-client', entityId: clientId })
  })
  return secret
}

/** The client metadata oidc-provider validates and uses (RFC 7591 names). */
export function providerMetadata(row: OidcClientRow, secretKey: Buffer): Record<string, unknown> {
  return {
    client_id: row.client_id,
    client_name: row.name_en,
    ...(row.logo_uri ? { logo_uri: row.logo_uri } : {}),
    ...(row.client_uri ? { client_uri: row.client_uri } : {}),
    redirect_uris: row.redirect_uris,
    post_logout_redirect_uris: row.post_logout_redirect_uris,
    response_types: ['code'],
    grant_types: row.scopes.includes('offline_access') ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
    scope: row.scopes.join(' '),
    token_endpoint_auth_method: row.auth_method,
    ...(row.secret_enc ? { client_secret: unseal(secretKey, row.secret_enc, row.client_id).toString('utf8') } : {}),
    ...(row.jwks ? { jwks: row.jwks } : {}),
    ...(row.jwks_uri ? { jwks_uri: row.jwks_uri } : {}),
    ...(row.backchannel_logout_uri ? { backchannel_logout_uri: row.backchannel_logout_uri, backchannel_logout_session_required: true } : {}),
    subject_type: 'pairwise',
    id_token_signed_response_alg: 'ES256',
    require_hardware_key: row.require_hardware_key,
  }
}
