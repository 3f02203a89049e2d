/**
 * The provider's signing keys: one ES256 (P-256) and one RS256 (RSA-2048) key at a time, as
 * private JWKs encrypted at rest (sealed.ts) in `oidc_signing_keys`. Rotation (`qoltanba oidc
 * rotate-keys`) retires the current pair and makes a new one: the new keys sign from then on, the
 * retired ones stay in the JWKS for RETIRED_KEY_PUBLISHED_SECONDS so that tokens they signed still
 * verify until they expire (ID tokens live 10 minutes; a day leaves room for clocks and caches).
 */
import { createHash, generateKeyPair, type JsonWebKey } from 'node:crypto'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import { recordAudit } from '../audit/audit.ts'
import { json } from '../db/json.ts'
import type { Db } from '../db/schema.ts'
import { oidcDb } from './schema.ts'
import { seal, unseal } from './sealed.ts'

export const RETIRED_KEY_PUBLISHED_SECONDS = 24 * 60 * 60

type Alg = 'ES256' | 'RS256'

/** RFC 7638 thumbprint (base64url SHA-256 of the required members, sorted): a stable kid. */
function thumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n }
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url')
}

const generateAsync = promisify(generateKeyPair)

/** Off the event loop: an RSA key takes long enough to stall every request in flight. */
async function generate(alg: Alg): Promise<{ kid: string; publicJwk: JsonWebKey; privateJwk: JsonWebKey }> {
  const { privateKey, publicKey } =
    alg === 'ES256' ? await generateAsync('ec', { namedCurve: 'P-256' }) : await generateAsync('rsa', { modulusLength: 2048 })
  const publicJwk = publicKey.export({ format: 'jwk' })
  const kid = thumbprint(publicJwk)
  return { kid, publicJwk: { ...publicJwk, kid, alg, use: 'sig' }, privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } }
}

async function insertKeys(db: Db, keyKey: Buffer, actor: string): Promise<string[]> {
  const kids: string[] = []
  for (const alg of ['ES256', 'RS256'] as const) {
    const k = await generate(alg)
    await oidcDb(db)
      .insertInto('oidc_signing_keys')
      .values({ kid: k.kid, alg, public_jwk: json(k.publicJwk), private_jwk_enc: seal(keyKey, Buffer.from(JSON.stringify(k.privateJwk)), k.kid) })
      .execute()
    await recordAudit(db, { actor, action: 'oidc-key.create', entityType: 'oidc-signing-key', entityId: k.kid, after: { alg } })
    kids.push(k.kid)
  }
  return kids
}

/**
 * The keys to publish, signing keys first (oidc-provider signs with the first key of an alg).
 * Creates the first pair when there is none; two instances starting together serialise on an
 * advisory lock so only one pair is made.
 */
export async function loadSigningKeys(db: Db, keyKey: Buffer): Promise<JsonWebKey[]> {
  const rows = await db.transaction().execute(async (trx) => {
    const tdb = oidcDb(trx)
    let active = await tdb.selectFrom('oidc_signing_keys').select('kid').where('retired_at', 'is', null).execute()
    if (active.length === 0) {
      await sql`select pg_advisory_xact_lock(hashtext('qoltanba.oidc-keys'))`.execute(trx)
      active = await tdb.selectFrom('oidc_signing_keys').select('kid').where('retired_at', 'is', null).execute()
      if (active.length === 0) await insertKeys(trx, keyKey, 'system')
    }
    return tdb
      .selectFrom('oidc_signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', new Date(Date.now() - RETIRED_KEY_PUBLISHED_SECONDS * 1000))]))
      .orderBy(sql`retired_at is not null`)
      .orderBy('created_at', 'desc')
      .execute()
  })
  return rows.map((r) => JSON.parse(unseal(keyKey, r.private_jwk_enc, r.kid).toString('utf8')) as JsonWebKey)
}

/** A fingerprint of the published key set: the provider is rebuilt when it changes. */
export async function signingKeysVersion(db: Db): Promise<string> {
  const rows = await oidcDb(db).selectFrom('oidc_signing_keys').select(['kid', 'retired_at']).orderBy('kid').execute()
  return rows.map((r) => `${r.kid}:${r.retired_at?.getTime() ?? ''}`).join(',')
}

/** Retires the signing keys and makes new ones; returns the new kids. */
export async function rotateSigningKeys(db: Db, keyKey: Buffer, actor: string): Promise<{ retired: string[]; created: string[] }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('qoltanba.oidc-keys'))`.execute(trx)
    const retired = await oidcDb(trx).updateTable('oidc_signing_keys').set({ retired_at: new Date() }).where('retired_at', 'is', null).returning('kid').execute()
    for (const r of retired) await recordAudit(trx, { actor, action: 'oidc-key.retire', entityType: 'oidc-signing-key', entityId: r.kid })
    const created = await insertKeys(trx, keyKey, actor)
    return { retired: retired.map((r) => r.kid), created }
  })
}
