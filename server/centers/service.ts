/**
 * Changes to the registration-center directory — create, update, deactivate — by the CLI and the
 * operator console alike. Each change is one transaction with its audit row; a refused change
 * (ERR_CENTER_INVALID, ERR_CENTER_EXISTS, ERR_CENTER_NOT_FOUND) writes nothing, and a change
 * that changes nothing writes nothing either (the directory's ETag stays the same).
 */
import { centerProblems, type CenterFields, type RegistrationCenter } from '../../src/core/centers-wire.ts'
import { recordAudit } from '../audit/audit.ts'
import { REGION_CODES } from '../applications/regions.ts'
import type { Db } from '../db/schema.ts'
import { ApiErrorCode, badRequest, conflict, notFound } from '../errors.ts'
import { findCenter } from './queries.ts'
import { centerColumns, centerView } from './views.ts'

/** What an update may change (the id never changes: applications refer to it). */
export type CenterPatch = Partial<Omit<CenterFields, 'id'>>
/** A creation: every field, `active` defaults to true. */
export type NewCenter = Omit<CenterFields, 'active'> & { readonly active?: boolean }

/** Throws 400 ERR_CENTER_INVALID naming the first refused field and its rule. */
function assertFields(input: Record<string, unknown>, partial: boolean): void {
  const [problem] = centerProblems(input, REGION_CODES, partial)
  if (problem) throw badRequest(ApiErrorCode.CenterInvalid, `registration center field ${problem.field}: ${problem.rule}`, { field: problem.field, rule: problem.rule })
}

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === '23505'
}

/** Adds a center. 409 ERR_CENTER_EXISTS when the id is taken (active or not). */
export async function createCenter(db: Db, input: NewCenter, actor: string): Promise<RegistrationCenter> {
  assertFields(input as unknown as Record<string, unknown>, false)
  const id = input.id.trim()
  try {
    return await db.transaction().execute(async (trx) => {
      if (await findCenter(trx, id)) throw conflict(ApiErrorCode.CenterExists, `a registration center "${id}" already exists`)
      const row = await trx
        .insertInto('registration_centers')
        .values({ id, ...(centerColumns(input) as Required<ReturnType<typeof centerColumns>>), active: input.active ?? true, updated_by: actor })
        .returningAll()
        .executeTakeFirstOrThrow()
      const after = centerView(row)
      await recordAudit(trx, { actor, action: 'center.create', entityType: 'registration_center', entityId: id, before: null, after })
      return after
    })
  } catch (e) {
    // Two creations of one id at once: the primary key refuses the second.
    if (isUniqueViolation(e)) throw conflict(ApiErrorCode.CenterExists, `a registration center "${id}" already exists`)
    throw e
  }
}

/** The audit action of a change: switching `active` is named for what it does. */
function actionOf(before: RegistrationCenter, after: RegistrationCenter): string {
  if (before.active && !after.active) return 'center.deactivate'
  if (!before.active && after.active) return 'center.activate'
  return 'center.update'
}

/** Changes the given fields of center `id`. 404 ERR_CENTER_NOT_FOUND for an unknown id. */
export async function updateCenter(db: Db, id: string, patch: CenterPatch, actor: string): Promise<RegistrationCenter> {
  assertFields(patch as Record<string, unknown>, true)
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('registration_centers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
    if (!row) throw notFound(`no registration center "${id}"`, ApiErrorCode.CenterNotFound)
    const before = centerView(row)
    const columns = { ...centerColumns(patch), ...(patch.active !== undefined ? { active: patch.active } : {}) }
    const changed = Object.entries(columns).some(([k, v]) => row[k as keyof typeof row] !== v)
    if (!changed) return before
    const updated = await trx
      .updateTable('registration_centers')
      .set({ ...columns, updated_at: new Date(), updated_by: actor })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    const after = centerView(updated)
    await recordAudit(trx, { actor, action: actionOf(before, after), entityType: 'registration_center', entityId: id, before, after })
    return after
  })
}

/** Deactivates center `id` (it stays in the directory for the applications that name it). */
export function deactivateCenter(db: Db, id: string, actor: string): Promise<RegistrationCenter> {
  return updateCenter(db, id, { active: false }, actor)
}
