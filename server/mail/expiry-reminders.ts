/**
 * Queues "your certificates end in N days" at 60, 30 and 7 days before the end of an
 * application's certificates that are still good. Run daily by a singleton job; the dedupe key
 * expiring:<number>:<threshold> makes a second run (or a second instance) a no-op, and a
 * certificate first seen at 20 days left gets the 30-day message only.
 */
import { sql } from 'kysely'
import type { Db } from '../db/schema.ts'

export const REMINDER_DAYS = [60, 30, 7] as const
const DAY = 86_400_000

/** Returns how many messages were queued. */
export async function queueExpiryReminders(db: Db, now = new Date()): Promise<number> {
  const horizon = new Date(now.getTime() + REMINDER_DAYS[0] * DAY)
  const due = await db
    .selectFrom('certificates')
    .select(['application_number', sql<Date>`min(not_after)`.as('ends'), sql<string>`min(serial)`.as('serial')])
    .where('status', '=', 'good')
    .where('application_number', 'is not', null)
    .where('not_after', '>', now)
    .where('not_after', '<=', horizon)
    .groupBy('application_number')
    .execute()
  let queued = 0
  for (const c of due) {
    const days = Math.ceil((new Date(c.ends).getTime() - now.getTime()) / DAY)
    // The smallest threshold not yet passed: 25 days left → the 30-day message.
    const threshold = [...REMINDER_DAYS].reverse().find((t) => days <= t)
    if (!threshold || !c.application_number) continue
    const r = await sql`
      insert into mail_outbox (application_number, kind, dedupe_key, data, status)
      select r.application_number, 'expiring', ${`expiring:${c.application_number}:${threshold}`},
             ${JSON.stringify({ number: c.application_number, serial: c.serial, days })}::jsonb, 'pending'
      from mail_recipients r where r.application_number = ${c.application_number} and r.confirmed_at is not null
      on conflict (dedupe_key) do nothing`.execute(db)
    queued += Number(r.numAffectedRows ?? 0)
  }
  return queued
}
