/**
 * Validation of a submitted application: the form fields and every PKCS#10 in it (signature
 * algorithm and signature, key policy, subject consistency). Pure apart from the crypto; database
 * and registry checks live in service.ts, which calls {@link checkRequestNames} with the registry entry.
 *
 * Subject rule: the issued certificate's subject always comes from the registry, never from the
 * CSR. A CSR's subject may be minimal (no IIN, a placeholder CN such as generic tools write): the
 * registry fills it. But a CSR that names somebody else is refused, not rewritten: a SERIALNUMBER
 * with another IIN (ERR_CSR_MISMATCH), or a SURNAME / GIVENNAME that is not the registry's for the
 * applicant's IIN (ERR_CSR_NAME_MISMATCH). A CN is compared only in a CSR that carries the IIN (an
 * NCA-style subject, where CN is "SURNAME NAME"); without the IIN it is a generic tool's label
 * ("TEST", an alias) that names nobody, and the registry replaces it.
 */
import { createHash } from 'node:crypto'
import { parseCsr, verifyCsr, type CsrInfo } from '../../src/pki/csr.ts'
import { checkBin, checkIin } from '../../src/pki/iin.ts'
import { fromBase64 } from '../../src/core/bytes.ts'
import { decodeDerOrPem } from '../../src/pki/pem.ts'
import { QoltanbaError } from '../../src/core/errors.ts'
import type { CertificatePurpose, KeyStorage } from '../db/schema.ts'
import { ApiErrorCode, badRequest } from '../errors.ts'
import type { PersonName } from '../registry/registry.ts'
import { enforceCsrSignaturePolicy, enforceKeyPolicy } from '../profiles/key-policy.ts'
import { getProfile } from '../profiles/profiles.ts'
import type { CertificateProfile } from '../profiles/types.ts'
import { REGION_CODES } from './regions.ts'

/** The JSON body of POST /api/v1/applications. */
export interface SubmissionBody {
  profile: string
  iin: string
  bin?: string
  organization?: string
  email?: string
  /** The applicant's language for e-mail (default kk); not part of the request hash. */
  language?: 'kk' | 'ru' | 'en'
  /** Derived from the registration center when one is given; required without one (older clients). */
  region?: string
  /** The registration center chosen in the wizard (GET /api/v1/centers). */
  registrationCenterId?: string
  city?: string
  storage: KeyStorage
  requests: Array<{ purpose: CertificatePurpose; csr: string }>
}

/** Schema fragments the application and the renewal bodies share. */
export const emailSchema = { type: 'string', maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' } as const
export const keyRequestsSchema = {
  type: 'array',
  minItems: 2,
  maxItems: 2,
  items: {
    type: 'object',
    required: ['purpose', 'csr'],
    additionalProperties: false,
    properties: {
      purpose: { type: 'string', enum: ['auth', 'sign'] },
      // base64 DER or PEM; 16 KiB holds an RSA-4096 request many times over.
      csr: { type: 'string', minLength: 1, maxLength: 16384 },
    },
  },
} as const

/** Fastify JSON schema of the body: shapes only; meaning is checked in code for specific codes. */
export const submissionSchema = {
  type: 'object',
  required: ['profile', 'iin', 'storage', 'requests'],
  additionalProperties: false,
  properties: {
    profile: { type: 'string', maxLength: 64 },
    iin: { type: 'string', maxLength: 32 },
    bin: { type: 'string', maxLength: 32 },
    organization: { type: 'string', minLength: 1, maxLength: 256 },
    email: emailSchema,
    language: { type: 'string', enum: ['kk', 'ru', 'en'] },
    region: { type: 'string', enum: REGION_CODES },
    registrationCenterId: { type: 'string', minLength: 1, maxLength: 64 },
    city: { type: 'string', maxLength: 128 },
    storage: { type: 'string', enum: ['browser', 'file', 'token'] },
    requests: keyRequestsSchema,
  },
} as const

/** A request that passed every check. */
export interface CheckedRequest {
  readonly purpose: CertificatePurpose
  readonly der: Uint8Array
  readonly info: CsrInfo
  readonly keyAlgorithm: 'RSA' | 'EC'
  readonly spkiSha256: string
}

export interface CheckedSubmission {
  readonly profile: CertificateProfile
  readonly iin: string
  readonly bin: string | null
  readonly organization: string | null
  readonly email: string | null
  /** The language e-mail to the applicant is written in (default kk). */
  readonly language?: 'kk' | 'ru' | 'en'
  /** As sent; null when only the center was given (service.ts derives it from the center). */
  readonly region: string | null
  readonly registrationCenterId: string | null
  readonly city: string | null
  readonly storage: KeyStorage
  readonly requests: readonly CheckedRequest[]
  /** SHA-256 of the canonical body: a retry under the same Idempotency-Key must match it. */
  readonly requestHash: string
}

function decodeCsr(text: string, purpose: string): Uint8Array {
  try {
    const t = text.trim()
    return t.startsWith('-----BEGIN') ? decodeDerOrPem(new TextEncoder().encode(t)) : fromBase64(t)
  } catch (e) {
    if (e instanceof QoltanbaError) throw badRequest('ERR_MALFORMED', `the ${purpose} CSR is neither PEM nor base64 DER`)
    throw e
  }
}

async function checkRequest(profile: CertificateProfile, iin: string, r: { purpose: CertificatePurpose; csr: string }): Promise<CheckedRequest> {
  const der = decodeCsr(r.csr, r.purpose)
  let info: CsrInfo
  try {
    info = parseCsr(der)
  } catch (e) {
    if (e instanceof QoltanbaError) throw badRequest(e.code === 'ERR_TOO_LARGE' ? 'ERR_TOO_LARGE' : 'ERR_MALFORMED', `the ${r.purpose} CSR is malformed`)
    throw e
  }
  const keyAlgorithm = enforceKeyPolicy(profile, info.publicKey)
  enforceCsrSignaturePolicy(info.signatureAlgorithm.oid, r.purpose)
  let valid: boolean
  try {
    valid = await verifyCsr(der)
  } catch (e) {
    if (e instanceof QoltanbaError) throw badRequest(e.code, `the ${r.purpose} CSR cannot be verified: ${e.message}`)
    throw e
  }
  if (!valid) throw badRequest('ERR_SIGNATURE_INVALID', `the ${r.purpose} CSR signature does not verify (no proof of possession)`)
  // The certificate subject comes from the registry; a request that names somebody else is refused
  // rather than silently rewritten (header). Names are checked against the registry in checkRequestNames.
  if (info.subject.iin !== undefined && info.subject.iin !== iin) {
    throw badRequest(ApiErrorCode.CsrMismatch, `the ${r.purpose} CSR names another IIN`)
  }
  return { purpose: r.purpose, der, info, keyAlgorithm, spkiSha256: createHash('sha256').update(info.publicKey.spki).digest('hex') }
}

/** The applicant's part of a body (no requests): the profile, IIN, BIN and organization, and a place. */
export type ApplicantFields = Pick<SubmissionBody, 'profile' | 'iin' | 'bin' | 'organization' | 'region' | 'registrationCenterId'>

/**
 * Checks the applicant's part of a body; also used when a kiosk hands the application to the
 * phone (server/handoffs/application.ts), before any key exists.
 * @throws ApiError 400 ERR_UNKNOWN_PROFILE, ERR_INVALID_IIN, ERR_INVALID_BIN, ERR_VALIDATION.
 */
export function checkApplicantFields(body: ApplicantFields): { profile: CertificateProfile; iin: string; bin: string | null; organization: string | null } {
  const profile = getProfile(body.profile)
  if (!profile) throw badRequest(ApiErrorCode.UnknownProfile, `unknown profile "${body.profile}"`)
  const iin = body.iin.trim()
  if (!checkIin(iin).valid) throw badRequest('ERR_INVALID_IIN', 'IIN is not valid')
  let bin: string | null = null
  let organization: string | null = null
  if (profile.requiresOrganization) {
    bin = body.bin?.trim() ?? ''
    if (!checkBin(bin).valid) throw badRequest('ERR_INVALID_BIN', 'BIN is missing or not valid')
    organization = body.organization?.trim() ?? ''
    if (!organization) throw badRequest(ApiErrorCode.Validation, 'organization is required for this profile')
  } else if (body.bin || body.organization) {
    throw badRequest(ApiErrorCode.Validation, 'bin and organization apply to legal-entity profiles only')
  }
  if (!body.region && !body.registrationCenterId) throw badRequest(ApiErrorCode.Validation, 'a registrationCenterId (or, from older clients, a region) is required')
  return { profile, iin, bin, organization }
}

/** Checks a body; throws ApiError with a specific code on the first problem. */
export async function checkSubmission(body: SubmissionBody): Promise<CheckedSubmission> {
  const { profile, iin, bin, organization } = checkApplicantFields(body)
  const purposes = body.requests.map((r) => r.purpose).sort()
  if (purposes.join() !== 'auth,sign') throw badRequest(ApiErrorCode.Validation, 'one auth and one sign request are required')

  const requests: CheckedRequest[] = []
  for (const r of body.requests) requests.push(await checkRequest(profile, iin, r))
  if (requests[0]!.spkiSha256 === requests[1]!.spkiSha256) {
    throw badRequest(ApiErrorCode.DuplicateKey, 'the auth and sign requests must use different keys')
  }
  const sorted = [...requests].sort((a, b) => a.purpose.localeCompare(b.purpose))
  const canonical = JSON.stringify([
    profile.id, iin, bin, organization, body.email?.trim() || null, body.region ?? null, body.city?.trim() || null, body.storage,
    sorted.map((r) => [r.purpose, createHash('sha256').update(r.der).digest('hex')]),
    // Appended only when present, so a region-only body hashes as it did before centers existed
    // (a retry queued by an older client still matches its first attempt).
    ...(body.registrationCenterId ? [body.registrationCenterId] : []),
  ])
  return {
    profile,
    iin,
    bin,
    organization,
    email: body.email?.trim() || null,
    language: body.language ?? 'kk',
    region: body.region ?? null,
    registrationCenterId: body.registrationCenterId ?? null,
    city: body.city?.trim() || null,
    storage: body.storage,
    requests: sorted,
    requestHash: createHash('sha256').update(canonical).digest('hex'),
  }
}

/** Upper case, one space between words, NFC: registry names are upper case, CSRs may not be. */
function normalizeName(value: string): string {
  return value.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleUpperCase('kk')
}

/**
 * Refuses CSRs whose SURNAME, GIVENNAME or (next to the IIN) CN is not the registry's for the applicant (GIVENNAME holds
 * the patronymic in NCA subjects and in ours, the first name in some tools: either is accepted).
 * @throws ApiError 400 ERR_CSR_NAME_MISMATCH.
 */
export function checkRequestNames(requests: readonly CheckedRequest[], person: PersonName): void {
  const surname = normalizeName(person.surname)
  const given = [person.name, person.patronymic ?? '', `${person.name} ${person.patronymic ?? ''}`].map(normalizeName).filter(Boolean)
  // NCA writes CN as "SURNAME NAME"; some tools add the patronymic.
  const commonNames = [`${person.surname} ${person.name}`, `${person.surname} ${person.name} ${person.patronymic ?? ''}`].map(normalizeName)
  for (const r of requests) {
    const { subject } = r.info
    const wrongSurname = subject.surname !== undefined && normalizeName(subject.surname) !== surname
    const wrongGiven = subject.givenName !== undefined && !given.includes(normalizeName(subject.givenName))
    const wrongCommonName = subject.iin !== undefined && subject.commonName !== undefined && !commonNames.includes(normalizeName(subject.commonName))
    if (wrongSurname || wrongGiven || wrongCommonName) {
      throw badRequest(ApiErrorCode.CsrNameMismatch, `the ${r.purpose} CSR names another person than the registry holds for this IIN`, {
        field: wrongSurname ? 'surname' : wrongGiven ? 'givenName' : 'commonName',
      })
    }
  }
}
