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
    .select(['number', 'status', 'profile', 'storage', 'bin', 'organization', 'region', 'created_at', 'expires_at', 'status_changed_at'])
    .where('iin', '=', iin)
    .orderBy('created_at', 'desc')
    .limit(CABINET_LIMIT)
    .execute()
}
