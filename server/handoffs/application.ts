/**
 * The kiosk's application handed to the applicant's phone (kind "application", README.md): the
 * kiosk registers what the applicant entered, without keys; the phone makes both key pairs in its
 * own container and sends only the two CSRs (proof of possession); this server submits the
 * application exactly as POST /api/v1/applications would, under an Idempotency-Key derived from
 * the hand-off, and both screens receive the number and access code. So no key is ever made on
 * the kiosk, the phone cannot change what the kiosk showed, and a repeated answer of the phone
 * (a lost response) yields the same application, never a second one.
 */
import { createHash } from 'node:crypto'
import { ErrorCode } from '../../src/core/errors.ts'
import { applicationSignaturePayload, type HandoffApplication, type HandoffApplicationAnswers, type HandoffApplicationResult } from '../../src/core/handoff-application-wire.ts'
import { verifyCms } from '../../src/pki/cms.ts'
import { recordAudit } from '../audit/audit.ts'
import { centerView } from '../centers/views.ts'
import { findCenter } from '../centers/queries.ts'
import type { AppContext } from '../context.ts'
import { ApiError, ApiErrorCode, badRequest, forbidden, toHttpError, unprocessable } from '../errors.ts'
import { lookupPerson } from '../registry/registry.ts'
import { checkApplicantFields, checkSubmission, emailSchema, keyRequestsSchema } from '../applications/submission.ts'
import { submitApplication } from '../applications/service.ts'
import { REGION_CODES } from '../applications/regions.ts'
import { HOLDER_SIGNED_ACTION } from '../applications/views.ts'
import { handoffDb, type HandoffRow } from './schema.ts'
import { answerHandoff, failHandoff, openedHandoff } from './store.ts'

/** The `application` of POST /api/v1/handoffs (kind "application"): the wizard's answers, no keys. */
export const applicationSchema = {
  type: 'object',
  required: ['kind', 'profile', 'iin', 'algorithm'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['individual', 'legal_entity'] },
    profile: { type: 'string', maxLength: 64 },
    iin: { type: 'string', maxLength: 32 },
    bin: { type: 'string', maxLength: 32 },
    organization: { type: 'string', minLength: 1, maxLength: 256 },
    email: emailSchema,
    region: { type: 'string', enum: REGION_CODES },
    registrationCenterId: { type: 'string', minLength: 1, maxLength: 64 },
    algorithm: { type: 'string', enum: ['RSA-2048', 'P-256'] },
    language: { type: 'string', enum: ['kk', 'ru', 'en'] },
  },
} as const

/** The phone's answer to an application: the two CSRs (base64 DER), as in an application. */
export const applicationRequestsSchema = keyRequestsSchema

/** The kiosk's answers as registered (src/core/handoff-application-wire.ts). */
export type ApplicationBody = HandoffApplicationAnswers

/**
 * Checks the kiosk's answers and completes them (registry names, the center as it reads now);
 * returns what is stored with the hand-off (column `application`, migration 016) and shown on the phone.
 * @throws ApiError ERR_UNKNOWN_PROFILE, ERR_INVALID_IIN, ERR_INVALID_BIN, ERR_VALIDATION (400),
 *   ERR_PERSON_NOT_FOUND, ERR_CENTER_NOT_FOUND, ERR_CENTER_INACTIVE (422).
 */
export async function checkedApplication(ctx: AppContext, body: ApplicationBody): Promise<HandoffApplication> {
  const { profile, iin, bin, organization } = checkApplicantFields(body)
  const person = await lookupPerson(ctx.registry, iin)
  if (!person) throw unprocessable(ApiErrorCode.PersonNotFound, 'no person with this IIN in the registry')
  const row = body.registrationCenterId ? await findCenter(ctx.db, body.registrationCenterId) : undefined
  if (body.registrationCenterId && !row) throw unprocessable(ApiErrorCode.CenterNotFound, `no registration center "${body.registrationCenterId}"`)
  const center = row ? centerView(row) : null
  if (center && !center.active) throw unprocessable(ApiErrorCode.CenterInactive, `the registration center "${center.id}" takes no new applications`)
  if (center && body.region && body.region !== center.region) throw badRequest(ApiErrorCode.Validation, `region ${body.region} is not the region of registration center "${center.id}"`)
  return {
    kind: body.kind,
    profile: profile.id,
    iin,
    surname: person.surname,
    name: person.name,
    patronymic: person.patronymic,
    email: body.email?.trim() || null,
    bin,
    organization,
    region: center?.region ?? body.region!,
    center,
    algorithm: body.algorithm,
    language: body.language ?? 'kk',
  }
}

/** The application stored with a hand-off. */
function storedApplication(application: HandoffApplication | null): HandoffApplication {
  if (!application) throw badRequest(ApiErrorCode.Validation, 'This hand-off holds no application')
  return application
}

/** The Idempotency-Key an application hand-off is submitted under: one hand-off, one application. */
export const applicationIdempotencyKey = (handoffId: string) => `handoff-${handoffId}`

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

/**
 * The optional second path of issue 17: a phone that already holds the applicant's signing
 * certificate (issued here) also signs the application — the hand-off, the kiosk's origin, the
 * IIN and the new CSRs' hashes (applicationSignaturePayload), as a renewal request is signed.
 * Checked against our own record of that certificate (the same DER, good, in its validity, a
 * signing certificate of this IIN); the application's audit trail names it.
 * @returns the signer certificate's serial.
 * @throws ApiError ERR_MALFORMED, ERR_SIGNATURE_INVALID, ERR_REQUEST_MISMATCH (other bytes),
 *   ERR_UNTRUSTED_CHAIN (not a certificate of ours), ERR_CERT_REVOKED, ERR_CERT_EXPIRED,
 *   ERR_WRONG_KEY_USAGE (not a signing certificate), ERR_HANDOFF_OTHER_PERSON (another IIN).
 */
async function checkHolderSignature(ctx: AppContext, cms: string, expected: Uint8Array, iin: string, now: Date): Promise<string> {
  let v
  try {
    v = await verifyCms(Buffer.from(cms, 'base64'))
  } catch {
    throw badRequest(ErrorCode.Malformed, 'the application signature is not a readable CMS SignedData')
  }
  if (!v.valid) throw badRequest(ErrorCode.SignatureInvalid, 'the application signature does not verify')
  if (!Buffer.from(expected).equals(Buffer.from(v.content))) throw badRequest(ErrorCode.RequestMismatch, 'the signed content is not this application with these CSRs')
  const serial = v.signer.serialNumber.toLowerCase()
  const cert = await ctx.db.selectFrom('certificates').selectAll().where('serial', '=', serial).executeTakeFirst()
  if (!cert || !Buffer.from(cert.der).equals(Buffer.from(v.signerCertificate))) {
    throw forbidden('the application is signed with a certificate this registration center did not issue', ErrorCode.UntrustedChain)
  }
  if (cert.status !== 'good') throw forbidden(`the signing certificate is ${cert.status === 'hold' ? 'suspended' : 'revoked'}`, ErrorCode.CertRevoked)
  if (new Date(cert.not_after).getTime() <= now.getTime() || new Date(cert.not_before).getTime() > now.getTime()) {
    throw forbidden('the signing certificate is not valid now', ErrorCode.CertExpired)
  }
  if (cert.purpose !== 'sign') throw forbidden('the application is signed with a signing certificate, not an authentication one', ErrorCode.WrongKeyUsage)
  if (cert.iin !== iin) throw forbidden('the signing certificate belongs to another person than the application names', ErrorCode.HandoffOtherPerson)
  return serial
}

/**
 * The phone's answer (`requests` in POST /api/v1/handoffs/:id/result): submits the stored
 * application with the phone's two CSRs — every check of POST /api/v1/applications, storage
 * "browser" (the keys live in the phone's container) — then marks the hand-off signed with the
 * number and access code for the kiosk. The same answer again (the phone's response was lost)
 * while the kiosk has not collected yet returns the same application; other CSRs are refused.
 * @throws ApiError as openedHandoff, ERR_VALIDATION (not an application hand-off), and every
 *   refusal of an application (ERR_CSR_NAME_MISMATCH, ERR_KEY_PENDING, ERR_IDEMPOTENCY_CONFLICT …).
 */
export async function answerApplication(
  ctx: AppContext,
  id: string,
  secretHash: string,
  requests: ReadonlyArray<{ purpose: 'auth' | 'sign'; csr: string }>,
  now: Date,
  /** The holder's signature over the application (the second path; see checkHolderSignature). */
  cms?: string,
): Promise<HandoffApplicationResult> {
  let row: HandoffRow
  let replay = false
  try {
    row = await openedHandoff(ctx.db, id, secretHash, now)
  } catch (e) {
    // Past "opened" with this very secret: a repeat of an answer already taken, when it was one.
    const stored = await handoffDb(ctx.db).selectFrom('handoffs').selectAll().where('id', '=', id).executeTakeFirst()
    if (!(e instanceof ApiError) || e.details.reason !== 'used' || stored?.kind !== 'application' || stored.state !== 'signed') throw e
    row = stored
    replay = true
  }
  if (row.kind !== 'application') throw badRequest(ApiErrorCode.Validation, 'Only an application hand-off is answered with `requests`')
  const a = storedApplication(row.application)
  try {
    return await submitAnswer(ctx, row, a, secretHash, requests, now, replay, cms)
  } catch (e) {
    // A verdict on what the phone sent ends the hand-off as failed with its code, so the kiosk
    // says why (README: one hand-off, one attempt); a body of the wrong shape or an outage only
    // answers the phone, and the hand-off stays open.
    const code = replay ? undefined : verdictCode(e)
    if (code) await failHandoff(ctx.db, row.id, secretHash, now, code)
    throw e
  }
}

/** The stable code of a refusal of the phone's answer, or undefined for a body of the wrong shape, a hand-off refusal or an outage. */
function verdictCode(e: unknown): string | undefined {
  const { status, body } = toHttpError(e)
  if (status < 400 || status >= 500 || status === 429) return undefined
  return NOT_A_VERDICT.has(body.error.code) ? undefined : body.error.code
}
const NOT_A_VERDICT: ReadonlySet<string> = new Set([ApiErrorCode.Validation, ErrorCode.HandoffNotFound, ErrorCode.HandoffExpired, ErrorCode.HandoffUsed, ApiErrorCode.IdempotencyConflict])

async function submitAnswer(
  ctx: AppContext,
  row: HandoffRow,
  a: HandoffApplication,
  secretHash: string,
  requests: ReadonlyArray<{ purpose: 'auth' | 'sign'; csr: string }>,
  now: Date,
  replay: boolean,
  cms: string | undefined,
): Promise<HandoffApplicationResult> {
  const checked = await checkSubmission({
    profile: a.profile,
    iin: a.iin,
    ...(a.bin ? { bin: a.bin } : {}),
    ...(a.organization ? { organization: a.organization } : {}),
    ...(a.email ? { email: a.email } : {}),
    language: a.language,
    region: a.region,
    ...(a.center ? { registrationCenterId: a.center.id } : {}),
    storage: 'browser',
    requests: [...requests],
  })
  let signedBy: string | undefined
  if (cms) {
    const csrSha256 = Object.fromEntries(checked.requests.map((r) => [r.purpose, sha256(r.der)])) as { auth: string; sign: string }
    const expected = applicationSignaturePayload({ handoffId: row.id, origin: row.requester_origin, iin: a.iin, csrSha256 })
    signedBy = await checkHolderSignature(ctx, cms, expected, a.iin, now)
  }
  // A replay under the same key with other CSRs is ERR_IDEMPOTENCY_CONFLICT (409) here.
  const submitted = await submitApplication(ctx, checked, applicationIdempotencyKey(row.id), now, async (trx, number) => {
    if (!signedBy) return
    await recordAudit(trx, {
      actor: `holder:${signedBy}`,
      action: HOLDER_SIGNED_ACTION,
      entityType: 'application',
      entityId: number,
      after: { signerSerial: signedBy, handoff: row.id, cmsSha256: sha256(Buffer.from(cms!, 'base64')) },
    })
  })
  const result: HandoffApplicationResult = {
    number: submitted.number,
    accessCode: submitted.accessCode,
    status: submitted.status,
    ...(signedBy && submitted.created ? { signedBy } : {}),
  }
  if (!replay) await answerHandoff(ctx.db, row.id, secretHash, now, { state: 'signed', result: { application: result } })
  return result
}
