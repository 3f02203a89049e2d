/**
 * The superseded-revocation job: once a renewal's new certificates are installed, the old pair is
 * revoked with reason superseded (4) — at once when the holder asked, else after the grace period.
 * The state lives in the database (installed_at, supersede_now, superseded_at), so a browser
 * closed midway or a restarted server loses nothing; the job runs as a singleton
 * (server/ops/singleton-job.ts) and each renewal is handled in one transaction under a row lock,
 * so two runs never revoke twice.
 */
import { sql } from 'kysely'
import { recordAudit } from '../audit/audit.ts'
import type { CertificateAuthority } from '../ca/authority.ts'
import { revokeCertificate } from '../ca/revocation.ts'
import type { Db } from '../db/schema.ts'
import type { RenewalPolicy } from './policy.ts'
import { renewalDb } from './schema.ts'

const DAY = 86_400_000
/** RFC 5280 CRLReason superseded. */
export const SUPERSEDED = 4

/** Revokes the old pairs of every renewal that is due at `now`; returns the serials revoked. */
export async function supersedeDueRenewals(db: Db, ca: Pick<CertificateAuthority, 'statusChanged'>, policy: RenewalPolicy, now = new Date()): Promise<string[]> {
  const graceEnd = new Date(now.getTime() - policy.graceDays * DAY)
  const due = await renewalDb(db)
    .selectFrom('renewals as r')
    .innerJoin('applications as a', 'a.number', 'r.application_number')
    .select('r.application_number')
    .where('r.superseded_at', 'is', null)
    .where('a.status', '=', 'installed')
    .where((eb) => eb.or([eb('r.supersede_now', '=', true), eb('a.installed_at', '<=', graceEnd)]))
    .limit(500)
    .execute()
  const revoked: string[] = []
  for (const { application_number } of due) revoked.push(...(await supersedeOne(db, application_number, now)))
  for (const serial of revoked) ca.statusChanged(serial)
  return revoked
}

async function supersedeOne(db: Db, number: string, now: Date): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const r = await renewalDb(trx).selectFrom('renewals').selectAll().where('application_number', '=', number).where('superseded_at', 'is', null).forUpdate().executeTakeFirst()
    if (!r) return [] // another run finished it
    const old = await trx
      .selectFrom('certificates')
      .select(['serial', 'status'])
      .where('application_number', '=', r.previous_application_number)
      // Revoked already (by the holder or an operator) or expired: nothing left to supersede.
      .where('status', '!=', 'revoked')
      .where('not_after', '>', sql<Date>`now()`)
      .orderBy('serial')
      .execute()
    const actor = `system:renewal:${number}`
    for (const c of old) await revokeCertificate(trx, c.serial, SUPERSEDED, actor, `superseded by application ${number}`)
    await renewalDb(trx).updateTable('renewals').set({ superseded_at: now }).where('application_number', '=', number).execute()
    await recordAudit(trx, {
      actor,
      action: 'renewal.supersede',
      entityType: 'application',
      entityId: number,
      before: { renews: r.previous_application_number },
      after: { superseded: old.map((c) => c.serial) },
    })
    return old.map((c) => c.serial)
  })
}

/** The holder asks to revoke the old pair at once (before or after installation; idempotent). */
export async function askSupersedeNow(db: Db, number: string): Promise<boolean> {
  const r = await renewalDb(db).updateTable('renewals').set({ supersede_now: true }).where('application_number', '=', number).returning('application_number').executeTakeFirst()
  return r !== undefined
}
