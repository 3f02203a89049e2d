/**
 * Online renewal: a holder whose signing certificate is valid, not revoked or held and inside the
 * renewal window sends two new CSRs with a CMS signed by that certificate's key over
 * renewalRequestPayload (src/core/renewal-wire.ts). The registry is read again, a new application
 * is stored with the old one's profile, IIN/BIN, organization and storage kind, linked to the old
 * application in `renewals` (UNIQUE: renewed once), and — when the policy allows — issued at once
 * with the system as actor. Resubmitting the same body under the same Idempotency-Key returns the
 * same application (and finishes its issuance if that was interrupted).
 */
import { createHash } from 'node:crypto'
import { verifyCms } from '../../src/pki/cms.ts'
import { renewalRequestPayload } from '../../src/core/renewal-wire.ts'
import { recordAudit } from '../audit/audit.ts'
import { findCenter } from '../centers/queries.ts'
import { nowOf, type AppContext } from '../context.ts'
import type { CertificatePurpose, Db } from '../db/schema.ts'
import { ApiErrorCode, ApiError, badRequest, conflict, forbidden, notFound } from '../errors.ts'
import { approveApplication } from '../applications/review.ts'
import { submitApplication } from '../applications/service.ts'
import { checkSubmission } from '../applications/submission.ts'
import { checkRenewable, type RenewalPolicy } from './policy.ts'
import { renewalDb } from './schema.ts'

/** Allowed clock difference for the signed `time` (as for holder revocation). */
export const RENEWAL_TIME_WINDOW_MS = 10 * 60_000

/** The JSON body of POST /api/v1/renewals. */
export interface RenewalBody {
  /** The signing certificate being renewed (its key signed `cms`). */
  serial: string
  iin: string
  requests: Array<{ purpose: CertificatePurpose; csr: string }>
  /** Base64 DER of the attached CMS SignedData over renewalRequestPayload. */
  cms: string
  supersedeNow?: boolean
  email?: string
  language?: 'kk' | 'ru' | 'en'
}

export interface RenewalResult {
  readonly number: string
  readonly accessCode: string
  readonly status: string
  readonly previousNumber: string
  readonly created: boolean
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

/** Checks the signed request and the policy, stores (and maybe issues) the renewal application. */
export async function submitRenewal(ctx: AppContext, policy: RenewalPolicy, body: RenewalBody, idempotencyKey: string, now = nowOf(ctx)): Promise<RenewalResult> {
  const serial = body.serial.trim().toLowerCase()
  const cert = await ctx.db.selectFrom('certificates').selectAll().where('serial', '=', serial).executeTakeFirst()
  if (!cert) throw notFound(`certificate ${serial} was not issued by this registration center`, ApiErrorCode.NotIssuedHere)
  // The CMS is checked before anything about the certificate is told (its state, its window).
  let v
  try {
    v = await verifyCms(Buffer.from(body.cms, 'base64'))
  } catch {
    throw badRequest('ERR_MALFORMED', 'the renewal request is not a readable CMS SignedData')
  }
  if (!v.valid) throw badRequest('ERR_SIGNATURE_INVALID', 'the renewal request signature does not verify')
  if (!Buffer.from(v.signerCertificate).equals(Buffer.from(cert.der))) {
    throw forbidden('the renewal must be signed with the key of the signing certificate being renewed', ApiErrorCode.RenewalWrongKey)
  }
  if (cert.iin === null || body.iin.trim() !== cert.iin) throw forbidden('the renewal names another person than the certificate holder', ApiErrorCode.RenewalOtherPerson)

  const old = cert.application_number
    ? await ctx.db.selectFrom('applications').selectAll().where('number', '=', cert.application_number).executeTakeFirst()
    : undefined
  if (!old) throw forbidden('a renewal is signed with the signing key of the certificate pair being renewed', ApiErrorCode.RenewalWrongKey)
  const center = old.registration_center_id ? await findCenter(ctx.db, old.registration_center_id) : undefined
  const checked = await checkSubmission({
    profile: old.profile,
    iin: old.iin,
    ...(old.bin ? { bin: old.bin } : {}),
    ...(old.organization ? { organization: old.organization } : {}),
    ...(body.email ?? old.email ? { email: (body.email ?? old.email)! } : {}),
    language: body.language ?? 'kk',
    region: old.region,
    // A center closed since the first visit does not stop a renewal: the region alone is kept.
    ...(center?.active ? { registrationCenterId: center.id } : {}),
    ...(old.city ? { city: old.city } : {}),
    storage: old.storage,
    requests: body.requests,
  })
  const byPurpose = Object.fromEntries(checked.requests.map((r) => [r.purpose, sha256(r.der)])) as Record<CertificatePurpose, string>
  const supersedeNow = body.supersedeNow === true
  let payload: { time?: unknown }
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(v.content)) as typeof payload
  } catch {
    throw badRequest('ERR_MALFORMED', 'the signed content is not the renewal request JSON')
  }
  const time = typeof payload.time === 'string' ? new Date(payload.time) : new Date(NaN)
  // Rebuilt from what we checked: any other field, CSR or choice makes different bytes.
  const expected = Number.isFinite(time.getTime()) ? renewalRequestPayload({ serial, iin: cert.iin, csrSha256: byPurpose, supersedeNow, time }) : new Uint8Array()
  if (!Buffer.from(expected).equals(Buffer.from(v.content))) {
    throw badRequest('ERR_REQUEST_MISMATCH', 'the signed request does not match this certificate, these CSRs or this choice')
  }
  // A retry keeps its first answer even after the signed time went stale or the window moved.
  const requestHash = sha256(new TextEncoder().encode(JSON.stringify(['renewal', serial, byPurpose.auth, byPurpose.sign, supersedeNow, checked.email])))
  const replay = await ctx.db.selectFrom('applications').select(['number', 'request_hash']).where('idempotency_key', '=', idempotencyKey).executeTakeFirst()
  if (!replay) {
    if (Math.abs(time.getTime() - now.getTime()) > RENEWAL_TIME_WINDOW_MS) {
      throw badRequest('ERR_REQUEST_EXPIRED', 'the signed request time is not within 10 minutes of now')
    }
    checkRenewable(policy, cert, now)
    const done = await renewalDb(ctx.db).selectFrom('renewals').select('application_number').where('previous_application_number', '=', old.number).executeTakeFirst()
    if (done) throw conflict(ApiErrorCode.AlreadyRenewed, 'these certificates were already renewed', { number: done.application_number })
  }

  let result
  try {
    result = await submitApplication(ctx, { ...checked, requestHash }, idempotencyKey, now, async (trx, number) => {
      await renewalDb(trx)
        .insertInto('renewals')
        .values({ application_number: number, previous_application_number: old.number, signer_serial: serial, signed_request: Buffer.from(body.cms, 'base64'), supersede_now: supersedeNow })
        .execute()
      await recordAudit(trx, {
        actor: `holder:${serial}`,
        action: 'renewal.submit',
        entityType: 'application',
        entityId: number,
        before: { renews: old.number, signerSerial: serial },
        after: { number, supersedeNow, autoIssue: policy.autoIssue },
      })
    })
  } catch (e) {
    // Two renewals of the same pair at once: the second loses on the UNIQUE constraint.
    const err = e as { code?: string; message?: string; constraint?: string }
    if (err?.code === '23505' && `${err.constraint ?? ''} ${err.message ?? ''}`.includes('renewals_previous_application_number')) {
      throw conflict(ApiErrorCode.AlreadyRenewed, 'these certificates were already renewed')
    }
    throw e
  }
  let status: string = result.status
  if (policy.autoIssue && status === 'submitted') {
    try {
      status = (await approveApplication(ctx, result.number, undefined, { renewalSignedBy: serial, now })).application.status
    } catch (e) {
      // Issued meanwhile by a concurrent retry: the state is what counts.
      if (!(e instanceof ApiError && e.code === ApiErrorCode.InvalidState)) throw e
      status = (await ctx.db.selectFrom('applications').select('status').where('number', '=', result.number).executeTakeFirstOrThrow()).status
    }
  }
  return { number: result.number, accessCode: result.accessCode, status, previousNumber: old.number, created: result.created }
}

/** The renewal that `number` is, with what the holder is shown about the old pair. */
export async function renewalOf(ctx: AppContext, policy: RenewalPolicy, number: string) {
  const r = await renewalDb(ctx.db).selectFrom('renewals').selectAll().where('application_number', '=', number).executeTakeFirst()
  if (!r) return undefined
  const a = await ctx.db.selectFrom('applications').select(['status', 'installed_at']).where('number', '=', number).executeTakeFirstOrThrow()
  const old = await ctx.db.selectFrom('certificates').select(['serial', 'purpose', 'status', 'revocation_reason']).where('application_number', '=', r.previous_application_number).orderBy('purpose').execute()
  const installedAt = a.installed_at ? new Date(a.installed_at) : null
  const supersedeAfter = installedAt ? (r.supersede_now ? installedAt : new Date(installedAt.getTime() + policy.graceDays * 86_400_000)) : null
  return {
    number,
    status: a.status,
    previousNumber: r.previous_application_number,
    previousCertificates: old.map((c) => ({ serial: c.serial, purpose: c.purpose, status: c.status, reason: c.revocation_reason })),
    supersedeNow: r.supersede_now,
    graceDays: policy.graceDays,
    supersedeAfter: supersedeAfter?.toISOString() ?? null,
    supersededAt: r.superseded_at ? new Date(r.superseded_at).toISOString() : null,
  }
}


/** The renewal chain around an application, for the operator console: what it renews, what renewed it. */
export async function renewalLinks(db: Db, number: string): Promise<{ renews: string | null; signerSerial: string | null; renewedBy: string | null; supersededAt: string | null }> {
  const [self, next] = await Promise.all([
    renewalDb(db).selectFrom('renewals').select(['previous_application_number', 'signer_serial', 'superseded_at']).where('application_number', '=', number).executeTakeFirst(),
    renewalDb(db).selectFrom('renewals').select('application_number').where('previous_application_number', '=', number).executeTakeFirst(),
  ])
  return {
    renews: self?.previous_application_number ?? null,
    signerSerial: self?.signer_serial ?? null,
    renewedBy: next?.application_number ?? null,
    supersededAt: self?.superseded_at ? new Date(self.superseded_at).toISOString() : null,
  }
}

/** Which of these applications are renewals (the console's queue badges them). */
export async function renewalNumbers(db: Db, numbers: readonly string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set()
  const rows = await renewalDb(db).selectFrom('renewals').select('application_number').where('application_number', 'in', [...numbers]).execute()
  return new Set(rows.map((r) => r.application_number))
}
