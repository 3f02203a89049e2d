/**
 * One-time sign-in challenges (Web eID rules, docs/protocols.md#challenges): 32-byte
 * nonce, 5-minute lifetime, bound to the browser's pre-login cookie, deleted by the lookup that
 * uses it, whatever the outcome (single use: a replayed CMS finds nothing).
 */
import { buildLoginPayload, LOGIN_CHALLENGE_TTL_MS, type LoginPayload } from '../../src/verifier/index.ts'
import { LoginErrorCode } from '../../src/verifier/errors.ts'
import { sql } from 'kysely'
import type { Db } from '../db/schema.ts'
import { groupBatch } from '../db/group-batch.ts'
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

/** Hands out the signed-for bytes of a challenge, once; see {@link consumeChallenge}. */
export type ChallengeConsumer = (preloginId: string | undefined, nonce: string | undefined, now: Date) => Promise<Uint8Array>

interface TakenChallenge {
  readonly payload: Uint8Array
  readonly expires_at: Date
}

/**
 * Deletes the challenges named by (nonce hash, pre-login hash) pairs with ONE statement and
 * returns what it deleted, keyed by {@link pairKey}. A pair whose pre-login differs deletes nothing.
 */
async function takeChallenges(db: Db, keys: ReadonlyArray<{ readonly nonceHash: string; readonly preloginHash: string }>): Promise<Map<string, TakenChallenge>> {
  const { rows } = await sql<TakenChallenge & { nonce_hash: string; prelogin_hash: string }>`delete from auth_challenges c
    using unnest(${keys.map((k) => k.nonceHash)}::text[], ${keys.map((k) => k.preloginHash)}::text[]) as k(nonce_hash, prelogin_hash)
    where c.nonce_hash = k.nonce_hash and c.prelogin_hash = k.prelogin_hash
    returning c.nonce_hash, c.prelogin_hash, c.payload, c.expires_at`.execute(db)
  return new Map(rows.map((r) => [pairKey(r.nonce_hash, r.prelogin_hash), { payload: new Uint8Array(r.payload), expires_at: new Date(r.expires_at) }]))
}

function pairKey(nonceHash: string, preloginHash: string): string {
  return `${nonceHash} ${preloginHash}`
}

function unknownNonce(): ApiError {
  return new ApiError(400, LoginErrorCode.NonceUnknown, 'the sign-in challenge is unknown, used or issued to another browser')
}

function checkTaken(taken: TakenChallenge | undefined, now: Date): Uint8Array {
  if (!taken) throw unknownNonce()
  if (taken.expires_at.getTime() < now.getTime()) throw new ApiError(400, LoginErrorCode.NonceExpired, 'the sign-in challenge expired; ask for a new one')
  return taken.payload
}

/** This browser's latest challenge (a detached CMS without content names no nonce). */
async function latestNonceHash(db: Db, preloginHash: string): Promise<string | undefined> {
  const row = await authDb(db)
    .selectFrom('auth_challenges')
    .select('nonce_hash')
    .where('prelogin_hash', '=', preloginHash)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.nonce_hash
}

/**
 * Takes the challenge for `nonce` issued to `preloginId` out of the store and returns the bytes
 * that were to be signed. A nonce of another browser is as unknown as a used one.
 * `nonce` undefined (a detached CMS without content) takes this browser's latest challenge.
 * @throws ApiError ERR_NONCE_UNKNOWN (400), ERR_NONCE_EXPIRED (400)
 */
export async function consumeChallenge(db: Db, preloginId: string | undefined, nonce: string | undefined, now: Date): Promise<Uint8Array> {
  if (!preloginId) throw unknownNonce()
  const preloginHash = tokenHash(preloginId)
  const nonceHash = nonce !== undefined ? tokenHash(nonce) : await latestNonceHash(db, preloginHash)
  if (!nonceHash) throw unknownNonce()
  return checkTaken((await takeChallenges(db, [{ nonceHash, preloginHash }])).get(pairKey(nonceHash, preloginHash)), now)
}

/**
 * {@link consumeChallenge} with group commit (server/db/group-batch.ts): concurrent sign-ins
 * share one DELETE. Same answers, same single use: a nonce is handed out by exactly one delete.
 */
export function challengeConsumer(db: Db): ChallengeConsumer {
  const take = groupBatch(async (keys: ReadonlyArray<{ nonceHash: string; preloginHash: string }>) => {
    const found = await takeChallenges(db, keys)
    // The same nonce twice in one batch (a replay racing the original): one delete, one winner.
    return keys.map((k) => {
      const key = pairKey(k.nonceHash, k.preloginHash)
      const taken = found.get(key)
      found.delete(key)
      return taken
    })
  })
  return async (preloginId, nonce, now) => {
    if (preloginId === undefined || nonce === undefined) return consumeChallenge(db, preloginId, nonce, now)
    const nonceHash = tokenHash(nonce)
    return checkTaken(await take({ nonceHash, preloginHash: tokenHash(preloginId) }), now)
  }
}
