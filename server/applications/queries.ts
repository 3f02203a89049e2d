/**
 * Reads of applications and their certificates for the routes (applicant, operator console,
 * personal cabinet): the one place their SQL lives, so route files hold none. Writes stay in
 * service.ts and review.ts, where each sits in a transaction with its audit row.
 */
import type { Db } from '../db/schema.ts'

/** Most rows a personal cabinet list returns (a person rarely has more than a handful). */
export const CABINET_LIMIT = 500

/** The certificates a person holds (by IIN), newest first. */
export function certificatesOfPerson(db: Db, iin: string) {
  return db.selectFrom('certificates').selectAll().where('iin', '=', iin).orderBy('created_at', 'desc').limit(CABINET_LIMIT).execute()
}

/** A person's applications (by IIN), newest first, without secrets or request details. */
export function applicationsOfPerson(db: Db, iin: string) {
  return db
    .selectFrom('applications')
    .select(['number', 'status', 'profile', 'storage', 'iin', 'bin', 'organization', 'surname', 'name', 'patronymic', 'email', 'region', 'city', 'created_at', 'expires_at', 'status_changed_at'])
    .where('iin', '=', iin)
    .orderBy('created_at', 'desc')
    .limit(CABINET_LIMIT)
    .execute()
}

/** An application by number (no expiry check: callers run expireIfDue first where it matters). */
export function applicationByNumber(db: Db, number: string) {
  return db.selectFrom('applications').selectAll().where('number', '=', number).executeTakeFirst()
}

/** Whether an application with this number exists. */
export async function applicationExists(db: Db, number: string): Promise<boolean> {
  return (await db.selectFrom('applications').select('number').where('number', '=', number).executeTakeFirst()) !== undefined
}

/** An application's PKCS#10 requests, auth before sign. */
export function requestsOfApplication(db: Db, number: string) {
  return db.selectFrom('application_requests').selectAll().where('application_number', '=', number).orderBy('purpose').execute()
}

/** The certificates issued for an application, auth before sign. */
export function certificatesOfApplication(db: Db, number: string) {
  return db.selectFrom('certificates').selectAll().where('application_number', '=', number).orderBy('purpose').execute()
}

/** An application's audit rows, oldest first (the operator's history view). */
export function historyOfApplication(db: Db, number: string) {
  return db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'application').where('entity_id', '=', number).orderBy('id').execute()
}

/**
 * The operator console's certificate lookup by IIN and/or serial (hex, colons and case ignored),
 * newest first, at most `limit`.
 */
export function findCertificates(db: Db, by: { readonly iin?: string | undefined; readonly serial?: string | undefined }, limit: number) {
  let q = db.selectFrom('certificates').selectAll()
  if (by.iin) q = q.where('iin', '=', by.iin)
  if (by.serial) q = q.where('serial', '=', by.serial.replace(/:/g, '').toLowerCase())
  return q.orderBy('created_at', 'desc').orderBy('serial').limit(limit).execute()
}
