/**
 * Sessions after certificate sign-in. The cookie holds 32 random bytes; the database holds
 * their SHA-256. A session ends at logout, after `idleMs` without requests, or at `absoluteMs`.
 */
import { sql } from 'kysely'
import type { Db } from '../db/schema.ts'
import { authDb, type AuthSession, type SessionRole } from './schema.ts'
import { isTokenShaped, randomToken, tokenHash } from './tokens.ts'

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
    }
    return { id, session }
  })
  const col = <K extends keyof AuthSession>(k: K) => created.map((c) => c.session[k])
  const time = <K extends 'created_at' | 'expires_at'>(k: K) => created.map((c) => c.session[k].toISOString())
  await sql`insert into auth_sessions (id_hash, iin, bin, role, subject_dn, certificate_serial, certificate_issuer, created_at, last_seen_at, expires_at)
    select id_hash, iin, bin, role, subject_dn, certificate_serial, certificate_issuer, created_at, created_at, expires_at
    from unnest(${col('id_hash')}::text[], ${col('iin')}::text[], ${col('bin')}::text[], ${col('role')}::text[], ${col('subject_dn')}::text[],
      ${col('certificate_serial')}::text[], ${col('certificate_issuer')}::text[], ${time('created_at')}::timestamptz[], ${time('expires_at')}::timestamptz[])
      as s(id_hash, iin, bin, role, subject_dn, certificate_serial, certificate_issuer, created_at, expires_at)`.execute(db)
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
  if (!s || s.ended_at) return undefined
  const t = now.getTime()
  if (s.expires_at.getTime() <= t || s.last_seen_at.getTime() + policy.idleMs <= t) return undefined
  if (t - s.last_seen_at.getTime() > 60_000) {
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
