/**
 * What this device remembers about applications, in IndexedDB: submissions waiting in the
 * outbox, and the applications the server accepted (number, access code, last known status).
 */
import type { DBSchema } from 'idb'
import type { ApplicationView, KeyStorage, RenewalSubmission, SubmissionBody } from './types.ts'
import type { ApplicantFields } from '../core/applicant-wire.ts'
import type { RegistrationCenter } from '../core/centers-wire.ts'

/** The applicant as entered in the wizard (for the printed form and the device's list). */
export interface ApplicantSummary extends ApplicantFields {
  /** The registration center chosen in the wizard, as it read then (absent in records made before centers). */
  readonly center?: RegistrationCenter
}

/** Where the application's private keys wait on this device. */
export interface KeyPlacement {
  readonly storage: KeyStorage
  /** Key algorithm chosen in the wizard. */
  readonly algorithm: 'RSA-2048' | 'P-256'
  /** Browser container holding both keys (browser and file storage). */
  readonly containerId?: string
  /** Key ids in that container (or on the token) by purpose. */
  readonly keyIds?: { readonly auth: string; readonly sign: string }
  /** Hardware token holding both keys (storage 'token'): the agent's storage id. */
  readonly tokenId?: string
  /** The applicant's phone made and keeps the keys (a kiosk's "Sign with your phone"): none here. */
  readonly onPhone?: boolean
}

/** Everything about an application except what only the server can give. */
export interface ApplicationDraft {
  readonly applicant: ApplicantSummary
  readonly keys: KeyPlacement
  /** When the user finished the wizard (ms). */
  readonly preparedAt: number
  /** SHA-256 of the CA root certificate when the application was prepared (unset when offline then). */
  readonly caRootSha256?: string
  /** An online renewal: the serial of the signing certificate it renews (src/flows/renewal.ts). */
  readonly renewalOf?: string
}

/** A submission waiting to be sent (offline, or the server was unreachable). */
export interface OutboxRecord {
  /** The Idempotency-Key: made once when the application is prepared, reused on every attempt. */
  readonly id: string
  readonly body: SubmissionBody
  readonly draft: ApplicationDraft
  /** Set for an online renewal: sent to POST /api/v1/renewals instead (src/flows/renewal.ts). */
  readonly renewal?: RenewalSubmission
  readonly createdAt: number
  /** 'waiting' until sent; 'failed' when the server refused it (kept so nothing is lost). */
  state: 'waiting' | 'failed'
  attempts: number
  lastAttemptAt?: number
  /** Error code of the last refusal or failure. */
  lastError?: string
}

/** An application the server accepted. */
export interface ApplicationRecord extends ApplicationDraft {
  readonly number: string
  readonly accessCode: string
  /** The idempotency key it was sent with. */
  readonly submissionId: string
  /** When the server accepted it (ms, device clock). */
  readonly submittedAt: number
  /** A renewal: days after installation before the old pair is revoked (the server's RENEWAL_GRACE_DAYS). */
  readonly renewalGraceDays?: number
  /** Last status the server reported, and when this device asked (ms). */
  lastStatus?: ApplicationView
  lastCheckedAt?: number
}

/** The IndexedDB schema. */
export interface ApplicationsSchema extends DBSchema {
  outbox: { key: string; value: OutboxRecord }
  applications: { key: string; value: ApplicationRecord }
}

/** Database name (the kiosk wipe deletes every database). */
export const APPLICATIONS_DB_NAME = 'qoltanba-applications'
