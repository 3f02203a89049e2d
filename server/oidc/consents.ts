/**
 * Consents a person asked to remember, one per portal (`oidc_consents`), and their withdrawal:
 * the remembered row goes, and so does every grant the person gave that portal, with all its
 * tokens (the adapter stores them under the grant id), so the portal's access ends at once.
 */
import { sql } from 'kysely'
import { recordAudit } from '../audit/audit.ts'
import { json } from '../db/json.ts'
import type { Db } from '../db/schema.ts'
import { oidcDb } from './schema.ts'

export interface RememberedConsent {
  readonly scopes: string[]
  readonly claims: string[]
  readonly grantedAt: Date
}

export async function rememberedConsent(db: Db, iin: string, clientId: string): Promise<RememberedConsent | undefined> {
  const row = await oidcDb(db)
    .selectFrom('oidc_consents')
    .select(['scopes', 'claims', 'granted_at'])
    .where('iin', '=', iin)
    .where('client_id', '=', clientId)
    .executeTakeFirst()
  return row ? { scopes: row.scopes, claims: row.claims, grantedAt: row.granted_at } : undefined
}

/** Remembers (or widens) the consent; audited. */
export async function rememberConsent(db: Db, iin: string, clientId: string, scopes: readonly string[], claims: readonly string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await rememberedConsent(trx, iin, clientId)
    const allScopes = [...new Set([...(before?.scopes ?? []), ...scopes])]
    const allClaims = [...new Set([...(before?.claims ?? []), ...claims])]
    await oidcDb(trx)
      .insertInto('oidc_consents')
      .values({ iin, client_id: clientId, scopes: json(allScopes), claims: json(allClaims), granted_at: new Date() })
      .onConflict((oc) => oc.columns(['iin', 'client_id']).doUpdateSet({ scopes: json(allScopes), claims: json(allClaims), granted_at: new Date() }))
      .execute()
    await recordAudit(trx, { actor: `holder:${iin}`, action: 'oidc-consent.remember', entityType: 'oidc-client', entityId: clientId, after: { scopes: allScopes } })
  })
}

export interface ConsentRow {
  readonly clientId: string
  readonly nameKk: string
  readonly nameRu: string
  readonly nameEn: string
  readonly logoUri: string | null
  readonly scopes: string[]
  readonly claims: string[]
  readonly grantedAt: Date
}

export async function listConsents(db: Db, iin: string): Promise<ConsentRow[]> {
  const rows = await oidcDb(db)
    .selectFrom('oidc_consents as c')
    .innerJoin('oidc_clients as k', 'k.client_id', 'c.client_id')
    .select(['c.client_id', 'k.name_kk', 'k.name_ru', 'k.name_en', 'k.logo_uri', 'c.scopes', 'c.claims', 'c.granted_at'])
    .where('c.iin', '=', iin)
    .orderBy('c.granted_at', 'desc')
    .execute()
  return rows.map((r) => ({
    clientId: r.client_id,
    nameKk: r.name_kk,
    nameRu: r.name_ru,
    nameEn: r.name_en,
    logoUri: r.logo_uri,
    scopes: r.scopes,
    claims: r.claims,
    grantedAt: r.granted_at,
  }))
}

/**
 * Withdraws the person's consent for a portal: the remembered row, the grants (accountIds
 * `<IIN>.*`) and every token issued under them. Returns false when there was nothing to withdraw.
 */
export async function withdrawConsent(db: Db, iin: string, clientId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const tdb = oidcDb(trx)
    const removed = await tdb.deleteFrom('oidc_consents').where('iin', '=', iin).where('client_id', '=', clientId).executeTakeFirst()
    const grants = await tdb
      .selectFrom('oidc_payloads')
      .select('id')
      .where('model', '=', 'Grant')
      .where(sql<string>`payload->>'clientId'`, '=', clientId)
      .where(sql<string>`payload->>'accountId'`, 'like', `${iin}.%`)
      .execute()
    const ids = grants.map((g) => g.id)
    if (ids.length) {
      await tdb.deleteFrom('oidc_payloads').where('grant_id', 'in', ids).execute()
      await tdb.deleteFrom('oidc_payloads').where('model', '=', 'Grant').where('id', 'in', ids).execute()
    }
    const any = Number(removed.numDeletedRows) > 0 || ids.length > 0
    if (any) await recordAudit(trx, { actor: `holder:${iin}`, action: 'oidc-consent.withdraw', entityType: 'oidc-client', entityId: clientId, after: { grants: ids.length } })
    return any
  })
}
