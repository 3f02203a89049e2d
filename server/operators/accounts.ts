/**
 * Operator accounts: a person (by IIN, name from the registry or given) with a role.
 */
import { checkIin } from '../../src/pki/iin.ts'
import { recordAudit } from '../audit/audit.ts'
import type { Db, Operator, OperatorRole } from '../db/schema.ts'
import type { PersonRegistry } from '../registry/registry.ts'

export interface CreateOperatorInput {
  readonly iin: string
  readonly role: OperatorRole
  /** Taken from the registry when omitted. */
  readonly surname?: string
  readonly name?: string
  readonly patronymic?: string | null
  /** Who creates it: 'cli', 'system', 'operator:<IIN>'. */
  readonly actor: string
}

/**
 * Creates the operator, or updates role/name and re-activates an existing one (idempotent, so
 * `operator create` can be re-run). Audited in the same transaction.
 */
export async function upsertOperator(db: Db, registry: PersonRegistry | undefined, input: CreateOperatorInput): Promise<Operator> {
  if (!checkIin(input.iin).valid) throw new Error(`invalid IIN "${input.iin}"`)
  let { surname, name, patronymic } = input
  if (surname === undefined || name === undefined) {
    const person = await registry?.lookup(input.iin)
    if (!person) throw new Error(`IIN ${input.iin} is not in the person registry; pass the name explicitly`)
    surname ??= person.surname
    name ??= person.name
    patronymic ??= person.patronymic
  }
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('operators').selectAll().where('iin', '=', input.iin).forUpdate().executeTakeFirst()
    const values = { surname: surname!, name: name!, patronymic: patronymic ?? null, role: input.role, active: true }
    const after = before
      ? await trx.updateTable('operators').set(values).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow()
      : await trx.insertInto('operators').values({ iin: input.iin, created_by: input.actor, ...values }).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, {
      actor: input.actor,
      action: before ? 'operator.update' : 'operator.create',
      entityType: 'operator',
      entityId: input.iin,
      before: before ? { role: before.role, active: before.active } : null,
      after: { role: after.role, active: after.active },
    })
    return after
  })
}

/** Deactivates an operator (tokens stop working at once). */
export async function deactivateOperator(db: Db, iin: string, actor: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('operators').selectAll().where('iin', '=', iin).forUpdate().executeTakeFirst()
    if (!before || !before.active) return false
    await trx.updateTable('operators').set({ active: false }).where('id', '=', before.id).execute()
    await recordAudit(trx, { actor, action: 'operator.deactivate', entityType: 'operator', entityId: iin, before: { active: true }, after: { active: false } })
    return true
  })
}
