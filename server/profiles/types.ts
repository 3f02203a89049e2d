/**
 * Certificate profiles as data. A profile describes one kind of applicant (an individual, or a
 * legal entity's employee in a role) and the two certificates an application yields: the
 * authentication certificate and the signing certificate (NCA RK model, docs/kazakhstan-data.md#nca-certificates).
 */
import type { KeyUsageName } from '../../src/pki/extensions.ts'
import type { CertificatePurpose, KeyStorage } from '../db/schema.ts'

export type ApplicantKind = 'individual' | 'legal_entity'
export type LegalRole = 'head' | 'signer' | 'finance' | 'hr' | 'employee'

/** Text in the three product languages. */
export interface Localized {
  readonly kk: string
  readonly ru: string
  readonly en: string
}

/** One allowed key type. */
export type AllowedKey =
  | { readonly algorithm: 'RSA'; readonly minBits: number; readonly maxBits: number }
  | { readonly algorithm: 'EC'; readonly curves: readonly ('P-256' | 'P-384')[] }

/** The extensions of one certificate (auth or sign) of a profile. */
export interface CertificateTemplate {
  readonly purpose: CertificatePurpose
  /** Key usage by key algorithm (RSA keys may encipher; EC keys agree instead). Marked critical. */
  readonly keyUsage: Readonly<Record<'RSA' | 'EC', readonly KeyUsageName[]>>
  /** Complete EKU list: the purpose EKU first, then the NCA role OIDs. */
  readonly extKeyUsage: readonly string[]
  /** certificatePolicies OIDs. */
  readonly policies: readonly string[]
}

/** A certificate profile. `issueCertificate` (server/ca) consumes it with a purpose. */
export interface CertificateProfile {
  /** Stable id used by the API: 'individual', 'legal_head', … */
  readonly id: string
  readonly kind: ApplicantKind
  readonly role?: LegalRole
  readonly title: Localized
  /** Subject gets O (organization) and OU "BIN…" (legal entities). */
  readonly requiresOrganization: boolean
  /** Subject carries the applicant's e-mail in SubjectAltName rfc822Name when given. */
  readonly emailInSubjectAltName: boolean
  readonly certificates: Readonly<Record<CertificatePurpose, CertificateTemplate>>
  /**
   * Validity in days by where the key lives: 1 year for browser/file keys, 3 years on tokens —
   * the token figure only when the operator confirmed the token at approval (applications/review.ts).
   */
  readonly validityDays: Readonly<Record<KeyStorage, number>>
  readonly allowedKeys: readonly AllowedKey[]
}
