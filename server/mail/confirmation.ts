/**
 * Confirming the applicant's address with the code sent to it, and sending a new code. Five wrong codes lock the address
 * for good (a 6-digit code must not be guessable); the right one releases the messages held for
 * it (application received, and whatever happened since). Unknown numbers and applications
 * without an address answer alike, so the endpoint does not tell which numbers exist.
 */
import { timingSafeEqual } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/schema.ts'
import { ApiError, ApiErrorCode, badRequest, notFound } from '../errors.ts'
import { hashConfirmationCode, newConfirmationCode } from './outbox.ts'
import { mailDb } from './schema.ts'

export const MAX_CONFIRM_ATTEMPTS = 5

export interface ConfirmResult {
  readonly confirmed: true
  readonly confirmedAt: string
}

export async function confirmAddress(db: Db, pepper: Buffer, number: string, code: string, now = new Date()): Promise<ConfirmResult> {
  const outcome = await db.transaction().execute(async (trx) => {
    const m = mailDb(trx)
    const r = await m.selectFrom('mail_recipients').selectAll().where('application_number', '=', number).forUpdate().executeTakeFirst()
    if (!r) return { kind: 'none' as const }
    if (r.confirmed_at) return { kind: 'ok' as const, at: r.confirmed_at }
    if (r.attempts >= MAX_CONFIRM_ATTEMPTS) return { kind: 'locked' as const }
    const given = Buffer.from(hashConfirmationCode(pepper, number, code), 'hex')
    if (!timingSafeEqual(given, Buffer.from(r.code_hash, 'hex'))) {
      const attempts = r.attempts + 1
      await m.updateTable('mail_recipients').set({ attempts }).where('application_number', '=', number).execute()
      return attempts >= MAX_CONFIRM_ATTEMPTS ? { kind: 'locked' as const } : { kind: 'wrong' as const, left: MAX_CONFIRM_ATTEMPTS - attempts }
    }
    await m.updateTable('mail_recipients').set({ confirmed_at: now }).where('application_number', '=', number).execute()
    await m.updateTable('mail_outbox').set({ status: 'pending', next_attempt_at: now }).where('application_number', '=', number).where('status', '=', 'held').execute()
    return { kind: 'ok' as const, at: now }
  })
  // Thrown after the transaction, so a wrong code's counted attempt is kept.
  if (outcome.kind === 'none') throw notFound('no e-mail address waits for confirmation under this application number', ApiErrorCode.MailNotRequested)
  if (outcome.kind === 'locked') throw new ApiError(429, ApiErrorCode.MailCodeLocked, 'too many wrong codes: this address can no longer be confirmed')
  if (outcome.kind === 'wrong') throw badRequest(ApiErrorCode.MailCodeWrong, 'the confirmation code is wrong', { attemptsLeft: outcome.left })
  return { confirmed: true, confirmedAt: new Date(outcome.at).toISOString() }
}

/** Confirmation messages one address may get in all: the first and four more on request. */
export const MAX_CONFIRMATION_MESSAGES = 5

/**
 * "Send the code again" (the applicant holds the access code; the route checks it): a new code
 * replaces the old one, which stops working; an earlier confirmation not yet sent is dropped
 * (its code would be wrong). At most one message per `cooldownMs` and five in all, so the
 * endpoint cannot be used to flood an address; wrong codes stay counted, so resending does not
 * buy guesses.
 */
export async function resendConfirmation(db: Db, pepper: Buffer, number: string, cooldownMs: number): Promise<{ readonly sent: true }> {
  const outcome = await db.transaction().execute(async (trx) => {
    const m = mailDb(trx)
    const r = await m.selectFrom('mail_recipients').selectAll().where('application_number', '=', number).forUpdate().executeTakeFirst()
    if (!r || r.confirmed_at) return { kind: 'none' as const }
    if (r.attempts >= MAX_CONFIRM_ATTEMPTS) return { kind: 'locked' as const }
    const { rows } = await sql<{ count: number; wait_ms: number }>`
      select count(*)::int as count,
             coalesce(ceil(extract(epoch from (max(created_at) + ${cooldownMs} * interval '1 millisecond' - now())) * 1000), 0)::int as wait_ms
      from mail_outbox where application_number = ${number} and kind = 'confirm'`.execute(trx)
    const { count, wait_ms: waitMs } = rows[0]!
    if (count >= MAX_CONFIRMATION_MESSAGES) return { kind: 'limit' as const }
    if (waitMs > 0) return { kind: 'soon' as const, waitMs }
    const code = newConfirmationCode()
    await m.updateTable('mail_recipients').set({ code_hash: hashConfirmationCode(pepper, number, code) }).where('application_number', '=', number).execute()
    await m
      .updateTable('mail_outbox')
      .set({ status: 'failed', last_error: 'superseded by a new code', data: sql`data - 'code'` as never })
      .where('application_number', '=', number)
      .where('kind', '=', 'confirm')
      .where('status', '=', 'pending')
      .execute()
    await m.insertInto('mail_outbox').values({ application_number: number, kind: 'confirm', dedupe_key: null, data: JSON.stringify({ number, code }), status: 'pending' }).execute()
    return { kind: 'sent' as const }
  })
  if (outcome.kind === 'none') throw notFound('no e-mail address waits for confirmation under this application number', ApiErrorCode.MailNotRequested)
  if (outcome.kind === 'locked') throw new ApiError(429, ApiErrorCode.MailCodeLocked, 'too many wrong codes: this address can no longer be confirmed')
  if (outcome.kind === 'limit') throw new ApiError(429, ApiErrorCode.MailResendLimit, `the code was sent ${MAX_CONFIRMATION_MESSAGES} times: no more`)
  if (outcome.kind === 'soon') throw new ApiError(429, ApiErrorCode.MailResendTooSoon, 'the code was sent a moment ago', { retryAfterMs: outcome.waitMs })
  return { sent: true }
}
