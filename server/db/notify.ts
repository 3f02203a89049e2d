/**
 * Change notifications between instances on one PostgreSQL (LISTEN/NOTIFY). Sent inside the
 * transaction that makes the change: PostgreSQL delivers a NOTIFY only when (and if) that
 * transaction commits, so a listener never hears of a change it cannot yet read, and a rolled
 * back change is never announced. server/ops/change-feed.ts listens. On PGlite (one instance)
 * the notification has no listener and costs nothing.
 */
import { sql } from 'kysely'
import type { Db, Tx } from './schema.ts'

export const CHANGE_CHANNEL = 'qoltanba_change'

/** What changed: a certificate's status, a relying-party client, an operator account. */
export type ChangeKind = 'certificate' | 'client' | 'operator'

/** Queues `kind:id` on CHANGE_CHANNEL, delivered when the surrounding transaction commits. */
export async function notifyChange(trx: Tx | Db, kind: ChangeKind, id: string): Promise<void> {
  await sql`select pg_notify(${CHANGE_CHANNEL}, ${`${kind}:${id}`})`.execute(trx)
}

/** Splits a payload made by notifyChange; undefined for anything else. */
export function parseChange(payload: string | undefined): { kind: ChangeKind; id: string } | undefined {
  const m = /^(certificate|client|operator):(.+)$/.exec(payload ?? '')
  return m ? { kind: m[1] as ChangeKind, id: m[2] as string } : undefined
}
