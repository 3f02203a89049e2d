/**
 * oidc-provider's storage adapter over Kysely: every model in `oidc_payloads` keyed by
 * (model, id), with the expiry, grant id, session uid and user code as columns so the provider's
 * secondary lookups (revokeByGrantId, findByUid, findByUserCode) and the sweep are index scans.
 * The same SQL runs on PGlite and PostgreSQL, so instances sharing a PostgreSQL share all state.
 * Clients are not stored here: the Client model reads `oidc_clients` (clients.ts).
 */
import type { Adapter, AdapterPayload } from 'oidc-provider'
import { sql } from 'kysely'
import { json } from '../db/json.ts'
import type { Db } from '../db/schema.ts'
import { findClientRow, providerMetadata } from './clients.ts'
import { oidcDb } from './schema.ts'

/** Models whose rows belong to a grant (revoked together, e.g. on code reuse). */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest'])

const live = sql<boolean>`(expires_at is null or expires_at > now())`

function withConsumed(row: { payload: Record<string, unknown>; consumed_at: Date | null } | undefined): AdapterPayload | undefined {
  if (!row) return undefined
  return { ...row.payload, ...(row.consumed_at ? { consumed: Math.floor(row.consumed_at.getTime() / 1000) } : {}) } as AdapterPayload
}

/** Stores one model's payloads. */
export class KyselyAdapter implements Adapter {
  constructor(
    private readonly db: Db,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const expiresAt = typeof expiresIn === 'number' ? new Date(Date.now() + expiresIn * 1000) : null
    const row = {
      model: this.model,
      id,
      payload: json(payload),
      grant_id: GRANTABLE.has(this.model) && typeof payload.grantId === 'string' ? payload.grantId : null,
      uid: typeof payload.uid === 'string' ? payload.uid : null,
      user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
      expires_at: expiresAt,
    }
    await oidcDb(this.db)
      .insertInto('oidc_payloads')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['model', 'id']).doUpdateSet({ payload: row.payload, grant_id: row.grant_id, uid: row.uid, user_code: row.user_code, expires_at: row.expires_at }),
      )
      .execute()
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await oidcDb(this.db)
      .selectFrom('oidc_payloads')
      .select(['payload', 'consumed_at'])
      .where('model', '=', this.model)
      .where('id', '=', id)
      .where(live)
      .executeTakeFirst()
    return withConsumed(row)
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const row = await oidcDb(this.db)
      .selectFrom('oidc_payloads')
      .select(['payload', 'consumed_at'])
      .where('model', '=', this.model)
      .where('uid', '=', uid)
      .where(live)
      .executeTakeFirst()
    return withConsumed(row)
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const row = await oidcDb(this.db)
      .selectFrom('oidc_payloads')
      .select(['payload', 'consumed_at'])
      .where('model', '=', this.model)
      .where('user_code', '=', userCode)
      .where(live)
      .executeTakeFirst()
    return withConsumed(row)
  }

  async consume(id: string): Promise<void> {
    await oidcDb(this.db).updateTable('oidc_payloads').set({ consumed_at: new Date() }).where('model', '=', this.model).where('id', '=', id).execute()
  }

  async destroy(id: string): Promise<void> {
    await oidcDb(this.db).deleteFrom('oidc_payloads').where('model', '=', this.model).where('id', '=', id).execute()
  }

  /** Every token of the grant, whatever its model (one statement: all models share the table). */
  async revokeByGrantId(grantId: string): Promise<void> {
    await oidcDb(this.db).deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute()
  }
}

/** The Client model: read-only, from `oidc_clients`; a disabled portal does not exist for the provider. */
export class ClientAdapter implements Adapter {
  constructor(
    private readonly db: Db,
    private readonly secretKey: Buffer,
  ) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await findClientRow(this.db, id)
    if (!row || row.disabled) return undefined
    return providerMetadata(row, this.secretKey) as AdapterPayload
  }

  // Portals are registered with `qoltanba client add`, never through the provider.
  async upsert(): Promise<void> {
    throw new Error('clients are managed by qoltanba client add')
  }
  async findByUid(): Promise<undefined> {
    return undefined
  }
  async findByUserCode(): Promise<undefined> {
    return undefined
  }
  async consume(): Promise<void> {}
  async destroy(): Promise<void> {}
  async revokeByGrantId(): Promise<void> {}
}

/** The adapter factory oidc-provider calls once per model name. */
export function kyselyAdapterFactory(db: Db, clientSecretKey: Buffer): (model: string) => Adapter {
  return (model) => (model === 'Client' ? new ClientAdapter(db, clientSecretKey) : new KyselyAdapter(db, model))
}

/** Deletes rows expired for longer than `graceSeconds` (they are invisible already). */
export async function sweepExpired(db: Db, graceSeconds = 300): Promise<number> {
  const res = await oidcDb(db)
    .deleteFrom('oidc_payloads')
    .where('expires_at', '<', new Date(Date.now() - graceSeconds * 1000))
    .executeTakeFirst()
  return Number(res.numDeletedRows)
}
