/**
 * The operator account behind a session's IIN, as sign-in sees it: read on every operator request
 * (so a deactivation takes effect at once) and by GET /api/v1/me. Accounts are written by
 * server/operators/accounts.ts; auth only reads them, so it does not depend on that feature.
 */
import type { Db, Operator } from '../db/schema.ts'

export function operatorAccountOf(db: Db, iin: string): Promise<Operator | undefined> {
  return db.selectFrom('operators').selectAll().where('iin', '=', iin).executeTakeFirst()
}
