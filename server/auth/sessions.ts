/**
 * Sessions after certificate sign-in. The cookie holds 32 random bytes; the database holds
 * their SHA-256. A session ends at logout, after `idleMs` without requests, or at `absoluteMs`,
 * or when its person ends it from another session (the cabinet's "sign out of that device").
 */
import { sql } from 'kysely'
import type { Db, Tx } from '../db/schema.ts'
import { authDb, type AuthSession, type SessionRole } from './schema.ts'
import { isTokenShaped, randomToken, tokenHash } from './tokens.ts'

/** Longest User-Agent kept: enough to name any real browser, too short to store junk. */
const USER_AGENT_MAX = 512

/** Lifetimes of a session. */
export interface SessionPolicy {
  /** Hard limit from sign-in (default 8 hours). */
  readonly absoluteMs: number
  /** Ends after this long without a request (default 30 minutes). */
  readonly idleMs: number
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { absoluteMs: 8 * 3600_000, idleMs: 30 * 60_000 }

/** What a new session records about the sign-in. */
export interface NewSessionInput {
  readonly iin: string
  readonly bin: string | null
  readonly role: SessionRole
  readonly subjectDn: string
  readonly certificateSerial: string
  readonly certificateIssuer: string
  /** base64url SHA-256 of the signer certificate's DER (the OIDC x5t#S256); sign-in always gives it. */
  readonly certificateSha256?: string | null
  /** The browser's User-Agent header, if it sent one. */
  readonly userAgent?: string | null
}

/** Creates a session and returns the cookie value (shown once, never stored). */
export async function createSession(db: Db, input: NewSessionInput, now: Date, policy: SessionPolicy): Promise<{ id: string; session: AuthSession }> {
  return (await createSessions(db, [{ input, now }], policy))[0] as { id: string; session: AuthSession }
}

/**
 * Creates several sessions with one statement (sign-in's group commit): the columns travel as
 * arrays expanded by unnest, so binding costs one parameter per column, not per value.
 * Returns the cookie values and rows in input order.
 */
export async function createSessions(
  db: Db,
  inputs: ReadonlyArray<{ readonly input: NewSessionInput; readonly now: Date }>,
  policy: SessionPolicy,
): Promise<Array<{ id: string; session: AuthSession }>> {
  if (inputs.length === 0) return []
  const created = inputs.map(({ input, now }) => {
    const id = randomToken()
    const session: AuthSession = {
      id_hash: tokenHash(id),
      iin: input.iin,
      bin: input.bin,
      role: input.role,
      subject_dn: input.subjectDn,
      certificate_serial: input.certificateSerial,
      certificate_issuer: input.certificateIssuer,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + policy.absoluteMs),
      ended_at: null,
      user_agent: input.userAgent ? input.userAgent.slice(0, USER_AGENT_MAX) : null,
      certificate_sha256: input.certificateSha256 ?? null,
    }
    return { id, session }
  })
  const col = <K extends keyof AuthSession>(k: K) => created.map((c) => c.session[k])
  const time = <K extends 'created_at' | 'expires_at'>(k: K) => created.map((c) => c.session[k].toISOString())
  await sql`insert into auth_sessions (id_hash, iin, bin, role, subject_dn, certificate_serial, certificate_issuer, created_at, last_seen_at, expires_at, user_agent, certificate_sha256)
    select id_hash, iin, bin, role, subject_dn, certificate_serial, certificate_issuer, created_at, created_at, expires_at, user_agent, certificate_sha256
    from unnest(${col('id_hash')}::text[], ${col('iin')}::text[], ${col('bin')}::text[], ${col('role')}::text[], ${col('subject_dn')}::text[],
      ${col('certificate_serial')}::text[], ${col('certificate_issuer')}::text[], ${time('created_at')}::timestamptz[], ${time('expires_at')}::timestamptz[],
      ${col('user_agent')}::text[], ${col('certificate_sha256')}::text[])
      as s(id_hash, iin, bin, role, subject_dn, certificate_serial, certificate_issuer, created_at, expires_at, user_agent, certificate_sha256)`.execute(db)
  return created
}

/**
 * The live session for a cookie value, or undefined. Touches last_seen_at at most once a
 * minute, so a busy console does not write on every request.
 */
export async function findSession(db: Db, id: string | undefined, now: Date, policy: SessionPolicy): Promise<AuthSession | undefined> {
  if (!isTokenShaped(id)) return undefined
  const adb = authDb(db)
  const s = await adb.selectFrom('auth_sessions').selectAll().where('id_hash', '=', tokenHash(id)).executeTakeFirst()
  if (!s || !isLive(s, now, policy)) return undefined
  if (now.getTime() - s.last_seen_at.getTime() > 60_000) {
    await adb.updateTable('auth_sessions').set({ last_seen_at: now }).where('id_hash', '=', s.id_hash).execute()
  }
  return s
}

/** Ends the session for a cookie value; true when one was live. */
export async function endSession(db: Db, id: string | undefined, now: Date): Promise<AuthSession | undefined> {
  if (!isTokenShaped(id)) return undefined
  return authDb(db)
    .updateTable('auth_sessions')
    .set({ ended_at: now })
    .where('id_hash', '=', tokenHash(id))
    .where('ended_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

/**
 * The public name of a session: derived from the stored hash (which never leaves the server), so
 * the cabinet can point at "that session" without being able to reconstruct any cookie.
 */
export function sessionRef(s: Pick<AuthSession, 'id_hash'>): string {
  return tokenHash(`session-ref:${s.id_hash}`).slice(0, 22)
}

/** True while a session may still be used at `now` (not ended, not expired, not idle). */
function isLive(s: AuthSession, now: Date, policy: SessionPolicy): boolean {
  const t = now.getTime()
  return !s.ended_at && s.expires_at.getTime() > t && s.last_seen_at.getTime() + policy.idleMs > t
}

/** A person's live sessions (by IIN), most recently used first. */
export async function liveSessionsOf(db: Db | Tx, iin: string, now: Date, policy: SessionPolicy): Promise<AuthSession[]> {
  const rows = await authDb(db)
    .selectFrom('auth_sessions')
    .selectAll()
    .where('iin', '=', iin)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute()
  return rows.filter((s) => isLive(s, now, policy))
}

/**
 * Ends live sessions of one person chosen by `pick` (a person can end only their own: the IIN
 * bounds the search). Returns the sessions it ended.
 */
export async function endSessionsOf(
  db: Db | Tx,
  iin: string,
  pick: (s: AuthSession) => boolean,
  now: Date,
  policy: SessionPolicy,
): Promise<AuthSession[]> {
  const chosen = (await liveSessionsOf(db, iin, now, policy)).filter(pick)
  if (chosen.length === 0) return []
  return authDb(db)
    .updateTable('auth_sessions')
    .set({ ended_at: now })
    .where('id_hash', 'in', chosen.map((s) => s.id_hash))
    .where('ended_at', 'is', null)
    .returningAll()
    .execute()
}
