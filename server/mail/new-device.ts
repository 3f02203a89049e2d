/**
 * "A sign-in from a new device" (MAIL_NEW_DEVICE_SIGNIN=1, off by default), queued by the sign-in
 * transaction itself (server/auth/login.ts), so the message exists exactly when the session does.
 *
 * A device is what the cabinet's "where you are signed in" names: the browser and operating
 * system read from the User-Agent (src/core/user-agent.ts). It is new for a person when none of
 * their earlier sessions had the same pair, so a browser update (a new version in the
 * User-Agent) does not look like a stranger. The message goes to each of the person's confirmed
 * addresses (from their applications; an unconfirmed one gets nothing), in the language of that
 * address's latest application. It says when, which browser and system, and what to do if it was
 * not them; nothing from the certificate, the session or the request.
 */
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { parseUserAgent } from '../../src/core/user-agent.ts'
import type { Tx } from '../db/schema.ts'
import { mailEnabled, type MailConfig } from './config.ts'
import { mailDb } from './schema.ts'

/** One committed sign-in as the mail sees it. */
export interface SignInForMail {
  readonly iin: string
  readonly userAgent: string | null
  readonly at: Date
}

/** True when this configuration sends the new-device message (mail on and the setting on). */
export const newDeviceMailOn = (config: MailConfig | undefined): boolean => mailEnabled(config) && config.newDeviceSignIn

const deviceOf = (userAgent: string | null) => {
  const { browser, os } = parseUserAgent(userAgent)
  return { browser, os, key: `${browser ?? ''}\u0000${os ?? ''}` }
}

/**
 * Queues the message for each sign-in from a device its person has not used before. Call it in
 * the transaction that creates the sessions, before they are inserted (they are not "before").
 * The dedupe key (person, device, address) keeps two instances that sign the same person in from
 * the same new device at the same moment from sending it twice. Returns the messages queued.
 */
export async function enqueueNewDeviceSignIns(trx: Tx, signIns: readonly SignInForMail[]): Promise<number> {
  if (signIns.length === 0) return 0
  const m = mailDb(trx)
  const recipients = await m
    .selectFrom('mail_recipients as r')
    .innerJoin('applications as a', 'a.number', 'r.application_number')
    .distinctOn(['a.iin', 'r.address'])
    .select(['a.iin', 'r.address', 'r.application_number'])
    .where('a.iin', 'in', [...new Set(signIns.map((s) => s.iin))])
    .where('r.confirmed_at', 'is not', null)
    .orderBy('a.iin')
    .orderBy('r.address')
    .orderBy('r.created_at', 'desc')
    .execute()
  if (recipients.length === 0) return 0

  const iins = [...new Set(recipients.map((r) => r.iin))]
  const { rows: earlier } = await sql<{ iin: string; user_agent: string | null }>`
    select distinct iin, user_agent from auth_sessions where iin in (${sql.join(iins)})`.execute(trx)
  const seen = new Set(earlier.map((e) => `${e.iin}\u0000${deviceOf(e.user_agent).key}`))

  const rows = []
  for (const s of signIns) {
    const device = deviceOf(s.userAgent)
    const person = `${s.iin}\u0000${device.key}`
    if (seen.has(person)) continue
    seen.add(person)
    for (const r of recipients.filter((x) => x.iin === s.iin)) {
      rows.push({
        application_number: r.application_number,
        kind: 'new_device' as const,
        dedupe_key: `new-device:${createHash('sha256').update(`${person}\u0000${r.address}`).digest('base64url')}`,
        data: JSON.stringify({ number: r.application_number, at: s.at.toISOString(), browser: device.browser, os: device.os }),
        status: 'pending' as const,
      })
    }
  }
  if (rows.length === 0) return 0
  const inserted = await m.insertInto('mail_outbox').values(rows).onConflict((oc) => oc.column('dedupe_key').doNothing()).returning('id').execute()
  return inserted.length
}
