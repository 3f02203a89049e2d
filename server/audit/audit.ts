/**
 * The audit log: one row per state change, written with the change in the same transaction so
 * the log and the data can never disagree (a rolled-back change leaves no audit row, and a
 * change cannot commit without its row).
 */
import { sql } from 'kysely'
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
  await recordAudits(trx, [entry])
}

/**
 * Appends several audit rows with one statement (ids in the order given), inside `trx`. The rows
 * travel as ONE JSON parameter expanded by jsonb_to_recordset, which both databases parse
 * natively: a VALUES list binds six parameters per row, which costs nearly twice as much per
 * row on embedded PGlite (sign-in's group commit writes dozens of rows at a time).
 */
export async function recordAudits(trx: Tx | Db, entries: readonly AuditEntryInput[]): Promise<void> {
  if (!entries.length) return
  const rows = entries.map((entry) => ({
    actor: entry.actor,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    // JSON null becomes SQL NULL in jsonb_to_recordset, as recordAudit always stored "no state".
    before: entry.before ?? null,
    after: entry.after ?? null,
  }))
  await sql`insert into audit_log (actor, action, entity_type, entity_id, before, after)
    select actor, action, entity_type, entity_id, before, after
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(actor text, action text, entity_type text, entity_id text, before jsonb, after jsonb)`.execute(trx)
}
