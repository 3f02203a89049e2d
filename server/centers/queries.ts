/**
 * Reads of the registration-center directory (routes, CLI, submissions). Writes live in
 * service.ts, each in a transaction with its audit row.
 */
import type { Db, Tx } from '../db/schema.ts'

/** Every center (or only the active ones), by region then id: the directory's stable order. */
export function listCenters(db: Db, opts: { activeOnly?: boolean } = {}) {
  let q = db.selectFrom('registration_centers').selectAll()
  if (opts.activeOnly) q = q.where('active', '=', true)
  return q.orderBy('region').orderBy('id').execute()
}

/** One center by id, active or not. */
export function findCenter(db: Db | Tx, id: string) {
  return db.selectFrom('registration_centers').selectAll().where('id', '=', id).executeTakeFirst()
}
