/**
 * JSON shapes of the operator API (server/operators/routes.ts, console-routes.ts,
 * server/pki-routes/revocation-routes.ts) as the operator console uses them. Plain data.
 */
import type { ApplicationStatus, ApplicationView, CertificatePurpose } from './types.ts'
import type { RequestCheck } from '../core/operator-wire.ts'

/** GET /api/v1/operator/me. */
export interface OperatorMe {
  readonly iin: string
  readonly surname: string
  readonly name: string
  readonly patronymic: string | null
  readonly role: 'operator' | 'admin'
}

/** A row of the queue (GET /api/v1/operator/applications). */
export interface OperatorApplicationItem {
  readonly number: string
  readonly status: ApplicationStatus
  readonly profile: string
  readonly iin: string
  readonly bin: string | null
  readonly surname: string
  readonly name: string
  readonly patronymic: string | null
  readonly region: string
  readonly createdAt: string | null
  readonly expiresAt: string | null
  readonly statusChangedAt: string | null
  /** An online renewal (the queue shows a "renewal" badge). */
  readonly renewal?: boolean
}

/** Certificate states on the server: good, revoked, or held (suspended). */
export type ServerCertificateStatus = 'good' | 'revoked' | 'hold'

/** A certificate as the operator API shows it. */
export interface OperatorCertificate {
  readonly serial: string
  readonly purpose: CertificatePurpose
  readonly profile: string
  readonly issuer: string
  readonly subjectDn: string
  readonly notBefore: string | null
  readonly notAfter: string | null
  readonly status: ServerCertificateStatus
  readonly revokedAt: string | null
  /** RFC 5280 CRLReason code. */
  readonly revocationReason: number | null
  readonly pem: string
  /** Only in lookups (GET /api/v1/operator/certificates). */
  readonly iin?: string | null
  readonly bin?: string | null
  readonly applicationNumber?: string | null
}

/** One entry of an application's history. */
export interface OperatorHistoryEntry {
  readonly at: string | null
  readonly actor: string
  readonly action: string
}

/** GET /api/v1/operator/applications/:number. */
export interface OperatorApplicationView extends ApplicationView {
  readonly iin: string
  readonly bin: string | null
  readonly organization: string | null
  readonly email: string | null
  readonly surname: string
  readonly name: string
  readonly patronymic: string | null
  readonly certificates: readonly OperatorCertificate[]
  readonly history: readonly OperatorHistoryEntry[]
  /** The applicant's signing certificate that signed this application too (a kiosk's hand-off to the phone), and when. */
  readonly holderSignature?: { readonly signerSerial: string; readonly at: string | null } | null
  /** The online-renewal chain (server/renewals): what this application renews, what renewed it. */
  readonly renewal?: {
    readonly renews: string | null
    readonly signerSerial: string | null
    readonly renewedBy: string | null
    readonly supersededAt: string | null
  }
}

/** A stored PKCS#10 re-checked by the server (GET …/applications/:number/requests). */
export interface OperatorRequestCheck extends RequestCheck {
  readonly purpose: CertificatePurpose
}

/** Search of the queue. */
export interface OperatorApplicationQuery {
  readonly number?: string
  readonly iin?: string
  readonly status?: ApplicationStatus
  readonly limit?: number
}

/** Answer of revoke / hold / release. */
export interface CertificateStatusChange {
  readonly serial: string
  readonly status: ServerCertificateStatus
  readonly reason: number | null
  readonly revokedAt: string | null
}
