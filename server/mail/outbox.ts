/**
 * Writing to the outbox, always inside the caller's transaction: the message exists exactly when
 * the state change it tells of committed. Events for an application without a recipient (no
 * address, or mail off when it was submitted) write nothing; events for an address not yet
 * confirmed are `held` until it is (only the confirmation itself goes out before).
 */
import { createHmac, randomInt } from 'node:crypto'
import { sql } from 'kysely'
import type { Tx } from '../db/schema.ts'
import { mailDb, type MailKind, type MailLanguage } from './schema.ts'

/** HMAC of a confirmation code under the server's pepper, hex. */
export function hashConfirmationCode(pepper: Buffer, number: string, code: string): string {
  return createHmac('sha256', pepper).update(`mail-confirm:${number}:${code}`).digest('hex')
}

/** A fresh 6-digit confirmation code (uniform, leading zeros kept). */
export const newConfirmationCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0')

/**
 * Records the applicant's address and queues its confirmation (a 6-digit code) and the
 * "application received" message, held until the code comes back.
 */
export async function addRecipient(trx: Tx, pepper: Buffer, number: string, address: string, language: MailLanguage): Promise<void> {
  const code = newConfirmationCode()
  const m = mailDb(trx)
  await m.insertInto('mail_recipients').values({ application_number: number, address, language, code_hash: hashConfirmationCode(pepper, number, code) }).execute()
  await m
    .insertInto('mail_outbox')
    .values([
      { application_number: number, kind: 'confirm', dedupe_key: null, data: JSON.stringify({ number, code }), status: 'pending' },
      { application_number: number, kind: 'received', dedupe_key: null, data: JSON.stringify({ number }), status: 'held' },
    ])
    .execute()
}

/** Queues `kind` for the application's recipient, if it has one. */
export async function enqueueForApplication(trx: Tx, number: string, kind: MailKind, data: Record<string, unknown>, dedupeKey: string | null = null): Promise<void> {
  await sql`
    insert into mail_outbox (application_number, kind, dedupe_key, data, status)
    select r.application_number, ${kind}, ${dedupeKey}, ${JSON.stringify({ number, ...data })}::jsonb,
           case when r.confirmed_at is null then 'held' else 'pending' end
    from mail_recipients r where r.application_number = ${number}
    on conflict (dedupe_key) do nothing`.execute(trx)
}

/** Queues `kind` for the recipient of the application that `serial` was issued under. */
export async function enqueueForCertificate(trx: Tx, serial: string, kind: MailKind, data: Record<string, unknown> = {}): Promise<void> {
  const c = await trx.selectFrom('certificates').select(['application_number', 'purpose']).where('serial', '=', serial).executeTakeFirst()
  if (c?.application_number) await enqueueForApplication(trx, c.application_number, kind, { serial, purpose: c.purpose, ...data })
}
