/**
 * The demo directory at first start: when the directory is empty (a new installation), the
 * DEMO_CENTERS are inserted with one audit row, and the server says so. Idempotent — an existing
 * directory, even one whose centers are all deactivated, is never touched, and two instances
 * starting together against one PostgreSQL insert each center once (ON CONFLICT DO NOTHING).
 */
import { sql } from 'kysely'
import { recordAudit } from '../audit/audit.ts'
import type { Db } from '../db/schema.ts'
import { DEMO_CENTERS } from './demo-directory.ts'
import { centerColumns } from './views.ts'

/** Inserts the demo directory into an empty one; returns how many centers it added. */
export async function seedDemoCenters(db: Db, log: (line: string) => void = () => {}): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const { n } = await trx.selectFrom('registration_centers').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
    if (n > 0) return 0
    const rows = DEMO_CENTERS.map((c) => ({ id: c.id, ...(centerColumns(c) as Required<ReturnType<typeof centerColumns>>), updated_by: 'system' }))
    const added = await trx.insertInto('registration_centers').values(rows).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute()
    if (added.length === 0) return 0
    await recordAudit(trx, {
      actor: 'system',
      action: 'center.seed_demo',
      entityType: 'registration_center',
      entityId: '*',
      before: null,
      after: { ids: added.map((r) => r.id) },
    })
    log(`Registration centers: the directory was empty, so ${added.length} DEMO centers were added (made-up addresses; replace them — see docs/centers.md).`)
    return added.length
  })
}
