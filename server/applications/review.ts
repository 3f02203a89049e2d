/**
 * The operator's side of an application: search, view, approve (issues both certificates in one
 * transaction) and reject with a reason.
 */
import { sql } from 'kysely'
import { insertIssued, issueAudit, prepareSubject, signFor, type SignedCertificate } from '../ca/store.ts'
import type { IssuingCa } from '../ca/issue.ts'
import { recordAudit, recordAudits } from '../audit/audit.ts'
import { nowOf, type AppContext } from '../context.ts'
import type { Application, ApplicationStatus, Certificate, CertificatePurpose, KeyStorage, Operator, Tx } from '../db/schema.ts'
import { ApiErrorCode, badRequest, conflict, notFound } from '../errors.ts'
import { getProfile } from '../profiles/profiles.ts'
import type { SubjectFields } from '../../src/pki/names.ts'
import type { IdentityDocumentType } from '../../src/core/operator-wire.ts'
import { Actor, applicationSnapshot, expireIfDue, markExpired } from './service.ts'
import { enqueueForApplication } from '../mail/outbox.ts'

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

/** The subject of an application's certificates, NCA style (docs/kazakhstan-data.md#subject-names). */
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
  if (a.status !== 'submitted') throw notSubmitted(a.status)
  return a
}

const notSubmitted = (status: ApplicationStatus) => conflict(ApiErrorCode.InvalidState, `the application is "${status}", not "submitted"`, { status })

const isOverdue = (a: Application, now: Date) => a.status === 'submitted' && new Date(a.expires_at).getTime() <= now.getTime()

/** What the certificates are made from: if any of it changed between the read and the lock, they are stale. */
const signedFields = (a: Application) => JSON.stringify([a.profile, a.surname, a.name, a.patronymic, a.iin, a.bin, a.organization, a.email, a.storage])


/** What the operator states about the applicant's identity document at approval. */
export interface IdentityCheck {
  /** The operator saw the applicant's identity document and it matches the application. */
  readonly checked: boolean
  readonly documentType?: IdentityDocumentType
  readonly documentNumber?: string
}

export interface ApproveOptions {
  /**
   * The operator's statement that the applicant's identity document was checked in person.
   * Required: without `checked: true` approval is refused (ERR_IDENTITY_NOT_CHECKED) before
   * anything is signed; the statement (and the document, when given) goes into the audit row.
   */
  readonly identity?: IdentityCheck
  /**
   * The operator checked at the registration center that the keys are on a hardware token (the
   * applicant's `storage: 'token'` alone is only a claim). Only then do the certificates get the
   * profile's token validity (3 years); otherwise they get the 1-year validity of browser and file
   * keys. Recorded in the approve audit row. Refused (ERR_VALIDATION) for non-token applications.
   */
  readonly tokenChecked?: boolean
  /**
   * Issued by the renewal policy, without an operator: the holder signed the renewal with the
   * current signing key (server/renewals), which stands in for the identity check. Recorded in
   * the approve audit row.
   */
  readonly renewalSignedBy?: string
  /** Hook for tests: runs inside the approve transaction after the certificates are inserted. */
  readonly afterCertificates?: (trx: Tx) => Promise<void>
  /** Defaults to the context's clock. */
  readonly now?: Date
}

/**
 * Approves a submitted application: issues its auth and sign certificates with the CA, stores
 * them, marks the application issued and writes the audit rows — all state changes in ONE
 * transaction, so a crash or error leaves the application submitted with no certificate stored.
 *
 * The certificates are built and signed BEFORE the transaction, from a plain read of the
 * application: signing runs on Node's thread pool, and with PGlite (one serialised connection)
 * a transaction waiting for it would hold up every other request's database work. The
 * transaction then locks the application and re-checks it (still submitted, same subject, its
 * requests still pending) before inserting. Certificates signed for an approval that loses that
 * race (another operator approved or rejected first, or it expired) are simply dropped in
 * memory: never stored, never published, so they never existed for anyone but this function.
 *
 * An overdue application is marked expired instead (that change commits) and the call fails
 * with ERR_APPLICATION_EXPIRED.
 */
export async function approveApplication(
  ctx: AppContext,
  number: string,
  /** Undefined only for issuance by the renewal policy (options.renewalSignedBy). */
  operator: Pick<Operator, 'iin'> | undefined,
  options: ApproveOptions = {},
): Promise<{ application: Application; certificates: Certificate[] }> {
  // The context's clock (server/clock.ts): notBefore, and so notAfter, of what is issued.
  const now = options.now ?? nowOf(ctx)
  const actor = operator ? Actor.operator(operator.iin) : Actor.system
  // The application and its requests in one statement (one row per request).
  const rows = await ctx.db
    .selectFrom('applications as a')
    .leftJoin('application_requests as r', 'r.application_number', 'a.number')
    .selectAll('a')
    .select(['r.id as request_id', 'r.purpose as request_purpose', 'r.spki as request_spki'])
    .where('a.number', '=', number)
    .orderBy('r.purpose')
    .execute()
  const read = rows[0]
  if (!read) throw notFound('no such application')
  const renewalSignedBy = operator ? undefined : options.renewalSignedBy
  if (!renewalSignedBy && options.identity?.checked !== true) {
    throw badRequest(ApiErrorCode.IdentityNotChecked, "confirm that the applicant's identity document was checked (identityChecked: true)")
  }
  const identity = renewalSignedBy ? { renewalSignedBy } : identityAudit(options.identity!)
  const tokenChecked = options.tokenChecked === true
  if (tokenChecked && read.storage !== 'token') {
    throw badRequest(ApiErrorCode.Validation, 'tokenChecked applies only to applications whose keys are on a hardware token')
  }
  // The longer token validity needs the operator's check, not the applicant's word (ApproveOptions).
  const validityStorage: KeyStorage = read.storage === 'token' && !tokenChecked ? 'file' : read.storage
  let prepared: { ca: IssuingCa; requests: ReadonlyArray<{ id: number; purpose: CertificatePurpose; spki: Uint8Array }>; signed: SignedCertificate[] } | undefined
  if (!isOverdue(read, now)) {
    if (read.status !== 'submitted') throw notSubmitted(read.status)
    const profile = getProfile(read.profile)
    if (!profile) throw conflict(ApiErrorCode.UnknownProfile, `profile "${read.profile}" no longer exists`)
    const requests = rows.flatMap((r) => (r.request_id === null || !r.request_purpose || !r.request_spki ? [] : [{ id: r.request_id, purpose: r.request_purpose, spki: r.request_spki }]))
    const ca = await ctx.getCa()
    const subject = subjectFor(read)
    const name = prepareSubject(subject)
    const signed = await Promise.all(
      requests.map((r) =>
        signFor(
          ca,
          { profile, purpose: r.purpose, csr: { publicKey: { spki: r.spki } }, subject, email: read.email, storage: validityStorage, notBefore: now },
          name,
          { applicationNumber: number, purpose: r.purpose, actor },
        ),
      ),
    )
    prepared = { ca, requests, signed }
  }
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const a = await trx.selectFrom('applications').selectAll().where('number', '=', number).forUpdate().executeTakeFirst()
    if (!a) throw notFound('no such application')
    if (isOverdue(a, now)) {
      await markExpired(trx, a, now)
      return 'expired' as const
    }
    if (a.status !== 'submitted') throw notSubmitted(a.status)
    if (!prepared || signedFields(a) !== signedFields(read)) throw conflict(ApiErrorCode.InvalidState, 'the application changed while it was being approved; try again')
    // insertIssued (server/ca/store.ts): one multi-row insert; a serial clash is signed again
    // with a new serial instead of aborting the transaction.
    const stored = await insertIssued(trx, prepared.ca, prepared.signed)
    const serials = new Map(prepared.requests.map((r, i) => [r.id, stored[i]?.row.serial as string]))
    const marked = await trx
      .updateTable('application_requests')
      .set({ pending: false, certificate_serial: sql<string>`case ${sql.ref('id')} ${sql.join([...serials].map(([id, serial]) => sql`when ${id} then ${serial}`), sql` `)} end` })
      .where('application_number', '=', number)
      .where('id', 'in', [...serials.keys()])
      .where('pending', '=', true)
      .returning('id')
      .execute()
    if (marked.length !== serials.size) throw conflict(ApiErrorCode.InvalidState, 'the application changed while it was being approved; try again')
    const certificates = stored.map((s) => s.row)
    await options.afterCertificates?.(trx)
    const after = await trx
      .updateTable('applications')
      .set({ status: 'issued', issued_at: now, issued_by: actor, status_changed_at: now, status_changed_by: actor })
      .where('number', '=', number)
      .returningAll()
      .executeTakeFirstOrThrow()
    await enqueueForApplication(trx, number, 'issued', {})
    await recordAudits(trx, [
      ...stored.map((s) => issueAudit(s.signed)),
      {
        actor,
        action: 'application.approve',
        entityType: 'application',
        entityId: number,
        before: applicationSnapshot(a),
        after: { ...applicationSnapshot(after), certificates: certificates.map((c) => c.serial), tokenChecked, validityStorage, identity },
      },
    ])
    return { application: after, certificates }
  })
  if (outcome === 'expired') throw conflict(ApiErrorCode.ApplicationExpired, 'the application expired before approval')
  return outcome
}

/** The identity statement as the audit row keeps it (document fields only when given). */
function identityAudit(check: IdentityCheck): { checked: true; documentType?: IdentityDocumentType; documentNumber?: string } {
  const documentNumber = check.documentNumber?.trim()
  return { checked: true, ...(check.documentType ? { documentType: check.documentType } : {}), ...(documentNumber ? { documentNumber } : {}) }
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
    await enqueueForApplication(trx, number, 'rejected', { reason })
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
