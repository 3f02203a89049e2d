/**
 * Applications: submit, read by number + access code, confirm installation, expire. Every state
 * change writes its audit row in the same transaction.
 *
 * Lifecycle: submitted → issued → installed; submitted → rejected; submitted → expired (30 days
 * after submission, applied lazily when an application is read or acted on, and by a periodic
 * sweep). Each transition stamps `<state>_at` and `<state>_by` (the actor).
 */
import { sql } from 'kysely'
import { recordAudit } from '../audit/audit.ts'
import type { AppContext } from '../context.ts'
import type { Application, ApplicationStatus, Db, Tx } from '../db/schema.ts'
import { ApiErrorCode, badRequest, conflict, forbidden, unprocessable } from '../errors.ts'
import { findCenter } from '../centers/queries.ts'
import { accessCodeMatches, deriveAccessCode, hashAccessCode } from './access-code.ts'
import { nextApplicationNumber, normalizeApplicationNumber } from './number.ts'
import { checkRequestNames, type CheckedSubmission } from './submission.ts'
import { applicationHeadline } from './views.ts'
import { lookupPerson } from '../registry/registry.ts'
import { addRecipient } from '../mail/outbox.ts'
import { mailEnabled } from '../mail/config.ts'

/** Days an application waits for confirmation at a registration center. */
export const APPLICATION_TTL_DAYS = 30
const DAY = 86_400_000

/** Actor names written to the audit log and the `*_by` columns. */
export const Actor = {
  applicant: 'applicant',
  system: 'system',
  operator: (iin: string) => `operator:${iin}`,
} as const

export interface SubmitResult {
  readonly number: string
  readonly accessCode: string
  readonly status: ApplicationStatus
  /** False when this was a retry that returned the existing application. */
  readonly created: boolean
}

/** A safe summary of an application (for audit rows and responses): no hashes, no CSRs. */
export function applicationSnapshot(a: Pick<Application, 'number' | 'status' | 'profile' | 'iin' | 'bin' | 'status_changed_at' | 'status_changed_by'> & Partial<Application>) {
  return {
    ...applicationHeadline(a),
    statusChangedAt: a.status_changed_at,
    statusChangedBy: a.status_changed_by,
    ...(a.rejection_reason ? { rejectionReason: a.rejection_reason } : {}),
  }
}

function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; constraint?: string; message?: string }
  if (err?.code !== '23505') return false
  if (!constraint) return true
  return err.constraint === constraint || (err.message ?? '').includes(constraint)
}

async function existingByIdempotencyKey(ctx: AppContext, key: string, requestHash: string): Promise<SubmitResult | undefined> {
  const row = await ctx.db
    .selectFrom('applications')
    .select(['number', 'status', 'request_hash'])
    .where('idempotency_key', '=', key)
    .executeTakeFirst()
  if (!row) return undefined
  if (row.request_hash !== requestHash) {
    throw conflict(ApiErrorCode.IdempotencyConflict, 'this Idempotency-Key was used for a different application')
  }
  const status = (await expireIfDue(ctx.db, row.number)) ?? row.status
  return { number: row.number, accessCode: deriveAccessCode(ctx.keys.accessCode, row.number, key), status, created: false }
}

/** Refuses keys that were certified before or wait in another application. */
async function checkKeysUnused(db: Db, spkiHashes: string[]): Promise<void> {
  const certified = await db.selectFrom('certificates').select('spki_sha256').where('spki_sha256', 'in', spkiHashes).executeTakeFirst()
  if (certified) throw conflict(ApiErrorCode.KeyAlreadyCertified, 'a certificate was already issued for this public key; generate a new key')
  const pending = await db
    .selectFrom('application_requests')
    .select('spki_sha256')
    .where('spki_sha256', 'in', spkiHashes)
    .where('pending', '=', true)
    .executeTakeFirst()
  if (pending) throw conflict(ApiErrorCode.KeyPending, 'this public key is already in another pending application')
}

/**
 * The region of a submission: its registration center's (which must exist and be active), or the
 * region an older client sent. A region sent next to a center must be the center's.
 */
async function regionOfSubmission(db: Db, sub: CheckedSubmission): Promise<string> {
  if (!sub.registrationCenterId) return sub.region!
  const center = await findCenter(db, sub.registrationCenterId)
  if (!center) throw unprocessable(ApiErrorCode.CenterNotFound, `no registration center "${sub.registrationCenterId}"`)
  if (!center.active) throw unprocessable(ApiErrorCode.CenterInactive, `the registration center "${center.id}" takes no new applications`)
  if (sub.region && sub.region !== center.region) {
    throw badRequest(ApiErrorCode.Validation, `region ${sub.region} is not the region of registration center "${center.id}" (${center.region})`)
  }
  return center.region
}

/**
 * Stores a checked submission under `idempotencyKey`, or returns the application stored earlier
 * under it when the request is the same (a retry).
 */
export async function submitApplication(
  ctx: AppContext,
  sub: CheckedSubmission,
  idempotencyKey: string,
  now = new Date(),
  /** Runs inside the insert transaction after the application row (renewals record their link). */
  alsoInTransaction?: (trx: Tx, number: string) => Promise<void>,
): Promise<SubmitResult> {
  const replay = await existingByIdempotencyKey(ctx, idempotencyKey, sub.requestHash)
  if (replay) return replay

  // After the replay check: a retry of a stored application stays a retry even if its center was
  // deactivated since.
  const region = await regionOfSubmission(ctx.db, sub)
  const person = await lookupPerson(ctx.registry, sub.iin)
  if (!person) throw unprocessable(ApiErrorCode.PersonNotFound, 'no person with this IIN in the registry')
  checkRequestNames(sub.requests, person)
  try {
    await checkKeysUnused(ctx.db, sub.requests.map((r) => r.spkiSha256))
  } catch (e) {
    // A concurrent retry of this very submission (same Idempotency-Key) may have stored it
    // between our replay check and here, making its keys pending: that is a replay, not a clash.
    const again = await existingByIdempotencyKey(ctx, idempotencyKey, sub.requestHash)
    if (again) return again
    throw e
  }

  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const number = await nextApplicationNumber(trx, now)
      const accessCode = deriveAccessCode(ctx.keys.accessCode, number, idempotencyKey)
      const row = await trx
        .insertInto('applications')
        .values({
          number,
          idempotency_key: idempotencyKey,
          request_hash: sub.requestHash,
          profile: sub.profile.id,
          iin: sub.iin,
          bin: sub.bin,
          organization: sub.organization,
          email: sub.email,
          region,
          registration_center_id: sub.registrationCenterId,
          city: sub.city,
          storage: sub.storage,
          surname: person.surname,
          name: person.name,
          patronymic: person.patronymic,
          status: 'submitted',
          access_code_hash: hashAccessCode(ctx.keys.accessCodePepper, accessCode),
          created_at: now,
          submitted_by: Actor.applicant,
          expires_at: new Date(now.getTime() + APPLICATION_TTL_DAYS * DAY),
          status_changed_at: now,
          status_changed_by: Actor.applicant,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('application_requests')
        .values(
          sub.requests.map((r) => ({
            application_number: number,
            purpose: r.purpose,
            csr: r.der,
            spki: r.info.publicKey.spki,
            spki_sha256: r.spkiSha256,
            key_algorithm: r.keyAlgorithm,
            key_bits: r.info.publicKey.bits ?? null,
            key_curve: r.info.publicKey.curve ?? null,
            certificate_serial: null,
          })),
        )
        .execute()
      await recordAudit(trx, {
        actor: Actor.applicant,
        action: 'application.submit',
        entityType: 'application',
        entityId: number,
        before: null,
        after: { ...applicationSnapshot(row), keys: sub.requests.map((r) => ({ purpose: r.purpose, spkiSha256: r.spkiSha256 })) },
      })
      await alsoInTransaction?.(trx, number)
      // With mail on, the address gets its confirmation code now; "received" waits for it.
      if (sub.email && mailEnabled(ctx.mail)) await addRecipient(trx, ctx.keys.accessCodePepper, number, sub.email, sub.language ?? 'kk')
      return { number, accessCode, status: 'submitted' as const, created: true }
    })
  } catch (e) {
    // Lost a race: the same key submitted twice at once, or a key just put in another application.
    if (isUniqueViolation(e, 'applications_idempotency_key_key')) {
      const again = await existingByIdempotencyKey(ctx, idempotencyKey, sub.requestHash)
      if (again) return again
    }
    if (isUniqueViolation(e, 'application_requests_pending_spki_uq')) {
      throw conflict(ApiErrorCode.KeyPending, 'this public key is already in another pending application')
    }
    throw e
  }
}

/**
 * Moves a submitted application past its deadline to `expired` (in its own transaction, with
 * audit). Returns the new status when it changed.
 */
export async function expireIfDue(db: Db, number: string, now = new Date()): Promise<ApplicationStatus | undefined> {
  return db.transaction().execute(async (trx) => {
    const a = await trx
      .selectFrom('applications')
      .selectAll()
      .where('number', '=', number)
      .where('status', '=', 'submitted')
      .where('expires_at', '<=', now)
      .forUpdate()
      .executeTakeFirst()
    if (!a) return undefined
    await markExpired(trx, a, now)
    return 'expired' as const
  })
}

/** Moves `a` (locked FOR UPDATE in `trx`, submitted and overdue) to expired, with its audit row. */
export async function markExpired(trx: Tx, a: Application, now: Date): Promise<void> {
  const after = await trx
    .updateTable('applications')
    .set({ status: 'expired', expired_at: now, status_changed_at: now, status_changed_by: Actor.system })
    .where('number', '=', a.number)
    .returningAll()
    .executeTakeFirstOrThrow()
  await trx.updateTable('application_requests').set({ pending: false }).where('application_number', '=', a.number).execute()
  await recordAudit(trx, {
    actor: Actor.system,
    action: 'application.expire',
    entityType: 'application',
    entityId: a.number,
    before: applicationSnapshot(a),
    after: applicationSnapshot(after),
  })
}

/** The sweep: expires every overdue application. Returns how many changed. */
export async function expireOverdueApplications(db: Db, now = new Date()): Promise<number> {
  const due = await db
    .selectFrom('applications')
    .select('number')
    .where('status', '=', 'submitted')
    .where('expires_at', '<=', now)
    .limit(1000)
    .execute()
  let n = 0
  for (const { number } of due) if (await expireIfDue(db, number, now)) n++
  return n
}

/**
 * The application for a number + access code. Unknown numbers and wrong codes give the same
 * 403 so the endpoint does not tell which numbers exist.
 */
export async function findByAccessCode(
  ctx: AppContext,
  numberInput: string,
  accessCode: string | undefined,
  /** IIN of the signed-in certificate holder, who may see their own applications without the code. */
  sessionIin?: string,
): Promise<Application> {
  const denied = () => forbidden('wrong application number or access code', ApiErrorCode.AccessDenied)
  const number = normalizeApplicationNumber(numberInput)
  if (!number || (!accessCode && !sessionIin)) throw denied()
  await expireIfDue(ctx.db, number)
  const a = await ctx.db.selectFrom('applications').selectAll().where('number', '=', number).executeTakeFirst()
  if (!accessCode) {
    if (!a || a.iin !== sessionIin) throw denied()
    return a
  }
  // Compare even when the number is unknown, so both paths take about as long.
  const ok = accessCodeMatches(ctx.keys.accessCodePepper, accessCode, a?.access_code_hash ?? '0'.repeat(64))
  if (!a || !ok) throw denied()
  return a
}

/** The applicant confirms the certificates are installed: issued → installed (idempotent). */
export async function markInstalled(ctx: AppContext, number: string, now = new Date()): Promise<Application> {
  return ctx.db.transaction().execute(async (trx) => {
    const a = await trx.selectFrom('applications').selectAll().where('number', '=', number).forUpdate().executeTakeFirstOrThrow()
    if (a.status === 'installed') return a
    if (a.status !== 'issued') throw conflict(ApiErrorCode.InvalidState, `an application in state "${a.status}" cannot be marked installed`)
    const after = await trx
      .updateTable('applications')
      .set({ status: 'installed', installed_at: now, installed_by: Actor.applicant, status_changed_at: now, status_changed_by: Actor.applicant })
      .where('number', '=', number)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      actor: Actor.applicant,
      action: 'application.installed',
      entityType: 'application',
      entityId: number,
      before: applicationSnapshot(a),
      after: applicationSnapshot(after),
    })
    return after
  })
}

/** Counts rows of a table (tests and diagnostics). */
export async function countRows(db: Db, table: 'applications' | 'application_requests' | 'certificates' | 'audit_log'): Promise<number> {
  const r = await db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
  return r.n
}
