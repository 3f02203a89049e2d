/**
 * The applicant's fields as an application carries them — what the device records
 * (src/api/records.ts ApplicantSummary) and what a kiosk hands to the phone
 * (handoff-application-wire.ts HandoffApplication) — one definition for both.
 */
export interface ApplicantFields {
  readonly kind: 'individual' | 'legal_entity'
  readonly profile: string
  readonly iin: string
  readonly surname: string
  readonly name: string
  readonly patronymic: string | null
  readonly email: string | null
  readonly bin: string | null
  readonly organization: string | null
  readonly region: string
}
