/** The renewals table (migration 012) as Kysely sees it, beside the shared Database. */
import type { ColumnType, Generated, Kysely, Selectable } from 'kysely'
import type { Database, Db, Tx } from '../db/schema.ts'

export interface RenewalsTable {
  /** The renewal application (new keys). */
  application_number: string
  /** The application whose certificates this renewal replaces; UNIQUE (renewed once). */
  previous_application_number: string
  signer_serial: string
  /** The CMS the holder signed with the current signing key (DER). */
  signed_request: Uint8Array
  supersede_now: ColumnType<boolean, boolean | undefined, boolean>
  superseded_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  created_at: Generated<Date>
}

export interface RenewalDatabase extends Database {
  renewals: RenewalsTable
}

export type Renewal = Selectable<RenewalsTable>

/** The shared handle seen with the renewals table. */
export function renewalDb(db: Db | Tx): Kysely<RenewalDatabase> {
  return db as unknown as Kysely<RenewalDatabase>
}
