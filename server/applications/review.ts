/**
 * The operator's side of an application: search, view, approve (issues both certificates in one
 * transaction) and reject with a reason.
 */
import { issueAndRecord } from '../ca/store.ts'
import { recordAudit } from '../audit/audit.ts'
import type { AppContext } from '../context.ts'
import type { Application, ApplicationStatus, Certificate, Operator, Tx } from '../db/schema.ts'
import { ApiErrorCode, conflict, notFound } from '../errors.ts'
import { getProfile } from '../profiles/profiles.ts'
import type { SubjectFields } from '../../src/pki/names.ts'
import { Actor, applicationSnapshot, expireIfDue } from './service.ts'

export interface SearchQuery {
  readonly number?: string
  readonly iin?: string
  readonly status?: ApplicationStatus
  readonly limit?: number
  readonly offset?: number
}

/** Newest first; filters combine with AND. */
export async function searchApplications(ctx: AppContext, q: SearchQuery): Promise<Application[]> {
  let query = ctx.db.selectFrom('applications').selectAll()
  if (q.number) query = query.where('number', '=', q.number.replace(/[\s-]/g, ''))
  if (q.iin) query = query.where('iin', '=', q.iin)
  if (q.status) query = query.where('status', '=', q.status)
  return query
    .orderBy('created_at', 'desc')
    .orderBy('number', 'desc')
    .limit(Math.min(q.limit ?? 50, 200))
    .offset(q.offset ?? 0)
    .execute()
}

/** The subject of an application's certificates, NCA style (kazakhstan-data.md §2.2). */
export function subjectFor(a: Pick<Application, 'surname' | 'name' | 'patronymic' | 'iin' | 'bin' | 'organization'>): SubjectFields {
  return {
    commonName: `${a.surname} ${a.name}`,
    surname: a.surname,
    serialNumber: `IIN${a.iin}`,
    country: 'KZ',
    ...(a.organization ? { organization: a.organization } : {}),
    ...(a.bin ? { organizationalUnit: `BIN${a.bin}` } : {}),
    ...(a.patronymic ? { givenName: a.patronymic } : {}),
  }
}

async function lockSubmitted(trx: Tx, number: string): Promise<Application> {
  const a = await trx.selectFrom('applications').selectAll().where('number', '=', number).forUpdate().executeTakeFirst()
  if (!a) throw notFound('no such application')
  if (a.status !== 'submitted') throw conflict(ApiErrorCode.InvalidState, `the application is "${a.status}", not "submitted"`, { status: a.status })
  return a
}

/** Hook for tests: runs inside the approve transaction after the certificates are inserted. */
export interface ApproveOptions {
  readonly afterCertificates?: (trx: Tx) => Promise<void>
  readonly now?: Date
}

/**
 * Approves a submitted application: issues its auth and sign certificates with the CA, stores
 * them, marks the application issued and writes the audit rows — all in ONE transaction, so a
 * crash or error leaves the application submitted with no certificate stored.
 */
export async function approveApplication(ctx: AppContext, number: string, operator: Operator, options: ApproveOptions = {}): Promise<{ application: Application; certificates: Certificate[] }> {
  const now = options.now ?? new Date()
  if (await expireIfDue(ctx.db, number, now)) throw conflict(ApiErrorCode.ApplicationExpired, 'the application expired before approval')
  const ca = await ctx.getCa()
  const actor = Actor.operator(operator.iin)
  return ctx.db.transaction().execute(async (trx) => {
    const a = await lockSubmitted(trx, number)
    const profile = getProfile(a.profile)
    if (!profile) throw conflict(ApiErrorCode.UnknownProfile, `profile "${a.profile}" no longer exists`)
    const requests = await trx.selectFrom('application_requests').selectAll().where('application_number', '=', number).orderBy('purpose').execute()
    const subject = subjectFor(a)
    const certificates: Certificate[] = []
    for (const r of requests) {
      // issueAndRecord (server/ca/store.ts) signs, inserts into certificates (drawing a new
      // serial on the 2^-126 chance of a clash) and writes the certificate.issue audit row.
      const issued = await issueAndRecord(
        trx,
        ca,
        { profile, purpose: r.purpose, csr: { publicKey: { spki: r.spki } }, subject, email: a.email, storage: a.storage, notBefore: now },
        { applicationNumber: number, purpose: r.purpose, actor },
      )
      await trx.updateTable('application_requests').set({ pending: false, certificate_serial: issued.serialHex }).where('id', '=', r.id).execute()
      certificates.push(await trx.selectFrom('certificates').selectAll().where('serial', '=', issued.serialHex).executeTakeFirstOrThrow())
    }
    await options.afterCertificates?.(trx)
    const after = await trx
      .updateTable('applications')
      .set({ status: 'issued', issued_at: now, issued_by: actor, status_changed_at: now, status_changed_by: actor })
      .where('number', '=', number)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      actor,
      action: 'application.approve',
      entityType: 'application',
      entityId: number,
      before: applicationSnapshot(a),
      after: { ...applicationSnapshot(after), certificates: certificates.map((c) => c.serial) },
    })
    return { application: after, certificates }
  })
}

/** Rejects a submitted application with a reason shown to the applicant. */
export async function rejectApplication(ctx: AppContext, number: string, operator: Operator, reason: string, now = new Date()): Promise<Application> {
  if (await expireIfDue(ctx.db, number, now)) throw conflict(ApiErrorCode.ApplicationExpired, 'the application has expired')
  const actor = Actor.operator(operator.iin)
  return ctx.db.transaction().execute(async (trx) => {
    const a = await lockSubmitted(trx, number)
    const after = await trx
      .updateTable('applications')
      .set({ status: 'rejected', rejected_at: now, rejected_by: actor, rejection_reason: reason, status_changed_at: now, status_changed_by: actor })
      .where('number', '=', number)
      .returningAll()
      .executeTakeFirstOrThrow()
    // The keys are free again: the applicant may fix the form and resubmit with them.
    await trx.updateTable('application_requests').set({ pending: false }).where('application_number', '=', number).execute()
    await recordAudit(trx, {
      actor,
      action: 'application.reject',
      entityType: 'application',
      entityId: number,
      before: applicationSnapshot(a),
      after: applicationSnapshot(after),
    })
    return after
  })
}
