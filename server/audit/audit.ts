/**
 * The audit log: one row per state change, written with the change in the same transaction so
 * the log and the data can never disagree (a rolled-back change leaves no audit row, and a
 * change cannot commit without its row).
 */
import { json } from '../db/json.ts'
import type { Db, Tx } from '../db/schema.ts'

export interface AuditEntryInput {
  /** 'applicant', 'operator:<IIN>', 'system', 'cli:<user>', … */
  readonly actor: string
  /** Verb with a namespace: 'application.submit', 'application.approve', 'certificate.issue', … */
  readonly action: string
  readonly entityType: string
  readonly entityId: string
  /** State before (null for a creation). Never put secrets here. */
  readonly before?: unknown
  /** State after (null for a deletion). */
  readonly after?: unknown
}

/** Appends an audit row inside `trx` (pass the transaction, not the pool). */
export async function recordAudit(trx: Tx | Db, entry: AuditEntryInput): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      actor: entry.actor,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      before: entry.before === undefined || entry.before === null ? null : json(entry.before),
      after: entry.after === undefined || entry.after === null ? null : json(entry.after),
    })
    .execute()
}
