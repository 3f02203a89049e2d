/**
 * Confirming the applicant's address with the code sent to it. Five wrong codes lock the address
 * for good (a 6-digit code must not be guessable); the right one releases the messages held for
 * it (application received, and whatever happened since). Unknown numbers and applications
 * without an address answer alike, so the endpoint does not tell which numbers exist.
 */
import { timingSafeEqual } from 'node:crypto'
import type { Db } from '../db/schema.ts'
import { ApiError, ApiErrorCode, badRequest, notFound } from '../errors.ts'
import { hashConfirmationCode } from './outbox.ts'
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
