/**
 * One-time sign-in challenges (Web eID rules, reference/agents-ncalayer-webeid.md §2.5): 32-byte
 * nonce, 5-minute lifetime, bound to the browser's pre-login cookie, deleted by the lookup that
 * uses it, whatever the outcome (single use: a replayed CMS finds nothing).
 */
import { buildLoginPayload, LOGIN_CHALLENGE_TTL_MS, type LoginPayload } from '../../src/verifier/index.ts'
import { LoginErrorCode } from '../../src/verifier/errors.ts'
import type { Db } from '../db/schema.ts'
import { ApiError } from '../errors.ts'
import { authDb } from './schema.ts'
import { randomToken, tokenHash } from './tokens.ts'

/** An issued challenge. */
export interface IssuedChallenge {
  readonly nonce: string
  readonly payload: LoginPayload
  readonly bytes: Uint8Array
}

/** Creates and stores a challenge for `preloginId`; also drops long-expired ones. */
export async function createChallenge(db: Db, preloginId: string, origin: string, now: Date, ttlMs = LOGIN_CHALLENGE_TTL_MS): Promise<IssuedChallenge> {
  const nonce = randomToken()
  const { payload, bytes } = buildLoginPayload({ origin, nonce, issuedAt: now, ttlMs })
  const adb = authDb(db)
  await adb.deleteFrom('auth_challenges').where('expires_at', '<', new Date(now.getTime() - 3600_000)).execute()
  await adb
    .insertInto('auth_challenges')
    .values({ nonce_hash: tokenHash(nonce), prelogin_hash: tokenHash(preloginId), payload: bytes, expires_at: payload.expiresAt })
    .execute()
  return { nonce, payload, bytes }
}

/**
 * Takes the challenge for `nonce` issued to `preloginId` out of the store and returns the bytes
 * that were to be signed. A nonce of another browser is as unknown as a used one.
 * `nonce` undefined (a detached CMS without content) takes this browser's latest challenge.
 * @throws ApiError ERR_NONCE_UNKNOWN (400), ERR_NONCE_EXPIRED (400)
 */
export async function consumeChallenge(db: Db, preloginId: string | undefined, nonce: string | undefined, now: Date): Promise<Uint8Array> {
  if (!preloginId) throw new ApiError(400, LoginErrorCode.NonceUnknown, 'no sign-in challenge was issued to this browser')
  const adb = authDb(db)
  const prelogin = tokenHash(preloginId)
  const nonceHash =
    nonce !== undefined
      ? tokenHash(nonce)
      : (
          await adb
            .selectFrom('auth_challenges')
            .select('nonce_hash')
            .where('prelogin_hash', '=', prelogin)
            .orderBy('created_at', 'desc')
            .limit(1)
            .executeTakeFirst()
        )?.nonce_hash
  const row = nonceHash
    ? await adb.deleteFrom('auth_challenges').where('nonce_hash', '=', nonceHash).where('prelogin_hash', '=', prelogin).returningAll().executeTakeFirst()
    : undefined
  if (!row) throw new ApiError(400, LoginErrorCode.NonceUnknown, 'the sign-in challenge is unknown, used or issued to another browser')
  if (row.expires_at.getTime() < now.getTime()) throw new ApiError(400, LoginErrorCode.NonceExpired, 'the sign-in challenge expired; ask for a new one')
  return new Uint8Array(row.payload)
}
