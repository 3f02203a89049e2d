/**
 * Table type of migration 013 (hand-offs). Kept here, like server/auth/schema.ts, so the feature
 * owns its table; `handoffDb()` widens the shared handle to see it.
 */
import type { ColumnType, Kysely, Selectable } from 'kysely'
import type { HandoffApplication, HandoffApplicationResult } from '../../src/core/handoff-application-wire.ts'
import type { Database, Db, Tx } from '../db/schema.ts'

/** What the requester asks for: a sign-in, signatures, or a kiosk's application (application.ts). */
export type HandoffKind = 'sign-in' | 'sign' | 'application'

/** Stored states; `expired` is never stored, it is read from `expires_at`. */
export type HandoffState = 'waiting' | 'opened' | 'signed' | 'declined' | 'failed'

/** One document of a signing hand-off, as the phone is shown it. */
export interface HandoffDocument {
  readonly name: string
  readonly size: number
  /** SHA-256 of the document, lowercase hex: what the phone signs (detached CMS). */
  readonly sha256: string
  /** Media type of the preview or the content. */
  readonly type?: string
  /** A small preview (base64), e.g. the first page as PNG. */
  readonly preview?: string
  /** The document itself (base64) when it is small enough to travel. */
  readonly content?: string
}

/** What the phone returned: detached CMS per document (base64 DER), the sign-in CMS, or the application submitted with its keys. */
export interface HandoffResult {
  readonly signatures?: readonly string[]
  readonly cms?: string
  readonly application?: HandoffApplicationResult
}

export interface HandoffsTable {
  id: string
  kind: HandoffKind
  state: HandoffState
  /** SHA-256 (base64url) of the secret in the QR's fragment. */
  secret_hash: string
  /** SHA-256 (base64url) of the requester's token (follows the state, takes the result). */
  requester_hash: string
  requester_name: string
  requester_origin: string
  /** The 2-digit verification code shown on both screens. */
  code: string
  /** Sign-in: the challenge bytes the phone signs. */
  payload: Uint8Array | null
  documents: ColumnType<HandoffDocument[], string | undefined, string>
  /** Kind "application": the kiosk's application (migration 016), kept until the kiosk collects. */
  application: ColumnType<HandoffApplication | null, string | null | undefined, string | null>
  result: ColumnType<HandoffResult | null, string | null | undefined, string | null>
  /** Why a result was refused (an error code), for the requester. */
  failure: string | null
  created_at: ColumnType<Date, Date | string | undefined, never>
  expires_at: ColumnType<Date, Date | string, Date | string>
  opened_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

export interface HandoffDatabase extends Database {
  handoffs: HandoffsTable
}

export type HandoffRow = Selectable<HandoffsTable>

/** The shared handle, typed to include the hand-off table. */
export function handoffDb(db: Db | Tx): Kysely<HandoffDatabase> {
  return db as unknown as Kysely<HandoffDatabase>
}
