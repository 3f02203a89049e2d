/**
 * JSON shapes of the Registration Center API as the app uses them (server/applications/views.ts,
 * server/profiles/routes.ts, server/registry/routes.ts). Plain data: safe to keep in IndexedDB
 * and in Pinia stores.
 */
import type { RegistrationCenter } from '../core/centers-wire.ts'

/** Where the applicant's keys live (the server's `storage`). */
export type KeyStorage = 'browser' | 'file' | 'token'

/** The two certificates of an application. */
export type CertificatePurpose = 'auth' | 'sign'

/** Application states (docs/architecture.md#application-states). */
export type ApplicationStatus = 'submitted' | 'issued' | 'installed' | 'rejected' | 'expired'

/** Body of POST /api/v1/applications. */
export interface SubmissionBody {
  readonly profile: string
  readonly iin: string
  readonly bin?: string
  readonly organization?: string
  readonly email?: string
  /** The interface language at submission: e-mail to the applicant is written in it (server/mail). */
  readonly language?: 'kk' | 'ru' | 'en'
  readonly region: string
  /** The chosen registration center (GET /api/v1/centers); the server derives the region from it. */
  readonly registrationCenterId?: string
  readonly city?: string
  readonly storage: KeyStorage
  /** One auth and one sign request, each a base64 DER PKCS#10. */
  readonly requests: readonly { readonly purpose: CertificatePurpose; readonly csr: string }[]
}

/** Answer of POST /api/v1/applications. */
/** The JSON body of POST /api/v1/renewals (server/renewals/routes.ts). */
export interface RenewalSubmission {
  /** The signing certificate being renewed; its key signed `cms`. */
  readonly serial: string
  readonly iin: string
  readonly requests: ReadonlyArray<{ readonly purpose: 'auth' | 'sign'; readonly csr: string }>
  /** Base64 CMS over renewalRequestPayload (src/core/renewal-wire.ts). */
  readonly cms: string
  readonly supersedeNow: boolean
  readonly language?: 'kk' | 'ru' | 'en'
}

export interface SubmissionResult {
  readonly number: string
  readonly accessCode: string
  readonly status: ApplicationStatus
  /** Renewals only (POST /api/v1/renewals): the grace period before the old pair is revoked. */
  readonly graceDays?: number
}

/** One request of an application, as the applicant sees it. */
export interface ApplicationRequestView {
  readonly purpose: CertificatePurpose
  readonly keyAlgorithm: string
  readonly keyBits: number | null
  readonly keyCurve: string | null
  readonly spkiSha256: string
  readonly certificateSerial: string | null
}

/** GET /api/v1/applications/:number (ISO dates or null). */
export interface ApplicationView {
  readonly number: string
  readonly status: ApplicationStatus
  readonly profile: string
  readonly storage: KeyStorage
  readonly region: string
  /** The chosen registration center and how it reads now (absent from older servers, null for older applications). */
  readonly registrationCenterId?: string | null
  readonly registrationCenter?: RegistrationCenter | null
  readonly city: string | null
  readonly createdAt: string | null
  readonly expiresAt: string | null
  readonly statusChangedAt: string | null
  readonly issuedAt: string | null
  readonly installedAt: string | null
  readonly rejectedAt: string | null
  readonly rejectionReason: string | null
  readonly expiredAt: string | null
  readonly requests: readonly ApplicationRequestView[]
}

/** One issued certificate (PEM). */
export interface IssuedCertificateView {
  readonly serial: string
  readonly purpose: CertificatePurpose
  readonly profile: string
  readonly subjectDn: string
  readonly notBefore: string | null
  readonly notAfter: string | null
  readonly status: string
  readonly pem: string
}

/** GET /api/v1/applications/:number/certificates. */
export interface IssuedCertificates {
  readonly number: string
  readonly status: ApplicationStatus
  readonly certificates: readonly IssuedCertificateView[]
  /** Issuing CA first, then the root (PEM). */
  readonly chain: readonly string[]
}

/** POST /api/v1/persons/lookup. */
export interface PersonView {
  readonly iin: string
  readonly surname: string
  readonly name: string
  readonly patronymic: string | null
}

/** Text in the product's three languages. */
export interface LocalizedText {
  readonly kk: string
  readonly ru: string
  readonly en: string
}

/** A certificate profile offered by the server (GET /api/v1/profiles). */
export interface ProfileView {
  readonly id: string
  readonly kind: 'individual' | 'legal_entity'
  readonly role?: string
  readonly title: LocalizedText
  readonly requiresOrganization: boolean
  readonly certificates: Readonly<
    Record<CertificatePurpose, { readonly keyUsage: Readonly<Record<'RSA' | 'EC', readonly string[]>>; readonly extKeyUsage: readonly string[] }>
  >
}
