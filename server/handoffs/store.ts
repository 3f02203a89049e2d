/**
 * Data access of hand-offs (no HTTP here). Every step that changes the state is one conditional
 * UPDATE or DELETE, so two phones (or two requests of one) racing for the same hand-off get one
 * winner, on any number of server instances.
 */
import type { Updateable } from 'kysely'
import { ErrorCode } from '../../src/core/errors.ts'
import type { Db } from '../db/schema.ts'
import { json } from '../db/json.ts'
import { ApiError } from '../errors.ts'
import type { HandoffApplication } from '../../src/core/handoff-application-wire.ts'
import { handoffDb, type HandoffDocument, type HandoffKind, type HandoffResult, type HandoffRow, type HandoffState, type HandoffsTable } from './schema.ts'

export interface NewHandoff {
  readonly id: string
  readonly kind: HandoffKind
  readonly secretHash: string
  readonly requesterHash: string
  readonly requesterName: string
  readonly requesterOrigin: string
  readonly code: string
  readonly payload: Uint8Array | null
  readonly documents: readonly HandoffDocument[]
  /** Kind "application": the kiosk's application (application.ts). */
  readonly application?: HandoffApplication | null
  readonly expiresAt: Date
}

export async function insertHandoff(db: Db, h: NewHandoff): Promise<void> {
  await handoffDb(db)
    .insertInto('handoffs')
    .values({
      id: h.id,
      kind: h.kind,
      state: 'waiting',
      secret_hash: h.secretHash,
      requester_hash: h.requesterHash,
      requester_name: h.requesterName,
      requester_origin: h.requesterOrigin,
      code: h.code,
      payload: h.payload,
      documents: json(h.documents) as never,
      application: h.application ? (json(h.application) as never) : null,
      expires_at: h.expiresAt,
    })
    .execute()
}

/** The state a requester or a phone sees: `expired` once the lifetime is over and nothing was returned. */
export type VisibleState = HandoffState | 'expired'

export function visibleState(row: Pick<HandoffRow, 'state' | 'expires_at'>, now: Date): VisibleState {
  if ((row.state === 'waiting' || row.state === 'opened') && row.expires_at.getTime() <= now.getTime()) return 'expired'
  return row.state
}

/** Unknown id and wrong secret are one refusal on purpose: a guessed id learns nothing. */
export const handoffNotFound = () => new ApiError(404, ErrorCode.HandoffNotFound, 'No such hand-off, or the secret is wrong')
const expired = () => new ApiError(410, ErrorCode.HandoffExpired, 'The hand-off expired; ask for a new QR code')
const used = () => new ApiError(409, ErrorCode.HandoffUsed, 'This QR code was already used', { reason: 'used' })

/** Why a conditional step found no row: unknown (or wrong secret), expired, or already past this step. */
async function refusalFor(db: Db, id: string, secretHash: string, now: Date): Promise<ApiError> {
  const row = await handoffDb(db).selectFrom('handoffs').select(['secret_hash', 'state', 'expires_at']).where('id', '=', id).executeTakeFirst()
  if (!row || row.secret_hash !== secretHash) return handoffNotFound()
  if (visibleState(row, now) === 'expired') return expired()
  return used()
}

/**
 * The phone's fetch: waiting → opened, once. A second fetch with the same secret (a replayed
 * screenshot, a relayed link) is refused.
 * @throws ApiError ERR_HANDOFF_NOT_FOUND (404), ERR_HANDOFF_EXPIRED (410), ERR_HANDOFF_USED (409)
 */
export async function openHandoff(db: Db, id: string, secretHash: string, now: Date): Promise<HandoffRow> {
  const row = await handoffDb(db)
    .updateTable('handoffs')
    .set({ state: 'opened', opened_at: now })
    .where('id', '=', id)
    .where('secret_hash', '=', secretHash)
    .where('state', '=', 'waiting')
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst()
  if (!row) throw await refusalFor(db, id, secretHash, now)
  return row
}

/** The opened hand-off the phone answers (read before verifying what it sent). */
export async function openedHandoff(db: Db, id: string, secretHash: string, now: Date): Promise<HandoffRow> {
  const row = await handoffDb(db).selectFrom('handoffs').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row || row.secret_hash !== secretHash) throw handoffNotFound()
  if (visibleState(row, now) === 'expired') throw expired()
  if (row.state !== 'opened') throw used()
  return row
}

/** opened → the next state, in one conditional UPDATE (one winner); false when it had moved on or expired. */
async function leaveOpened(db: Db, id: string, secretHash: string, now: Date, next: Updateable<HandoffsTable>): Promise<boolean> {
  const row = await handoffDb(db)
    .updateTable('handoffs')
    .set({ ...next, documents: json([]) as never, payload: null })
    .where('id', '=', id)
    .where('secret_hash', '=', secretHash)
    .where('state', '=', 'opened')
    .where('expires_at', '>', now)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/**
 * The phone's answer: opened → signed (with the result) or declined. Documents and the challenge
 * are dropped as soon as they are no longer needed.
 */
export async function answerHandoff(db: Db, id: string, secretHash: string, now: Date, answer: { state: 'signed'; result: HandoffResult } | { state: 'declined' }): Promise<void> {
  const next = { state: answer.state, result: answer.state === 'signed' ? (json(answer.result) as never) : null }
  if (!(await leaveOpened(db, id, secretHash, now, next))) throw await refusalFor(db, id, secretHash, now)
}

/**
 * The phone's answer was refused by the decisive check (a revoked certificate, a signature that
 * does not verify): opened → failed with the refusal's code, so the requesting screen says why
 * and offers a new QR code. False when the hand-off had already moved on.
 */
export async function failHandoff(db: Db, id: string, secretHash: string, now: Date, code: string): Promise<boolean> {
  return leaveOpened(db, id, secretHash, now, { state: 'failed', failure: code })
}

/** What the requester may see: its own hand-off only (by its token). */
export async function requesterView(db: Db, id: string, requesterHash: string): Promise<Pick<HandoffRow, 'state' | 'expires_at' | 'kind' | 'failure'> | undefined> {
  return handoffDb(db)
    .selectFrom('handoffs')
    .select(['state', 'expires_at', 'kind', 'failure'])
    .where('id', '=', id)
    .where('requester_hash', '=', requesterHash)
    .executeTakeFirst()
}

/** The requester takes the result: returned once, the row is deleted by the same statement. */
export async function takeResult(db: Db, id: string, requesterHash: string, kind: HandoffKind): Promise<HandoffResult | undefined> {
  const row = await handoffDb(db)
    .deleteFrom('handoffs')
    .where('id', '=', id)
    .where('requester_hash', '=', requesterHash)
    .where('kind', '=', kind)
    .where('state', '=', 'signed')
    .returning('result')
    .executeTakeFirst()
  return row?.result ?? undefined
}

/** Deletes hand-offs whose lifetime is over (the singleton sweep), and answered ones never collected. */
export async function deleteExpiredHandoffs(db: Db, now: Date): Promise<number> {
  const r = await handoffDb(db).deleteFrom('handoffs').where('expires_at', '<=', now).executeTakeFirst()
  return Number(r.numDeletedRows)
}
