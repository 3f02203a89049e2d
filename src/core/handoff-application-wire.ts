/**
 * The application a kiosk hands to the applicant's phone (issue 17, kind "application"), shared
 * by the server (server/handoffs/application.ts writes it) and the PWA (the phone shows it and
 * makes the keys for it). The names come from the person registry, never from the kiosk; the
 * phone adds only the two CSRs, so what is submitted is exactly what both screens showed.
 */
import type { ApplicantFields } from './applicant-wire.ts'
import type { RegistrationCenter } from './centers-wire.ts'

/** What a kiosk registers (POST /api/v1/handoffs, `application`): the wizard's answers, never a key. */
export interface HandoffApplicationAnswers {
  readonly kind: 'individual' | 'legal_entity'
  readonly profile: string
  readonly iin: string
  readonly bin?: string
  readonly organization?: string
  readonly email?: string
  readonly region?: string
  readonly registrationCenterId?: string
  readonly algorithm: 'RSA-2048' | 'P-256'
  readonly language?: 'kk' | 'ru' | 'en'
}

/**
 * What the kiosk entered, checked and completed by the server; no keys. The names (surname, name,
 * patronymic) come from the person registry: the certificate's subject is the registry's too.
 */
export interface HandoffApplication extends ApplicantFields {
  /** The registration center chosen at the kiosk, as it reads now. */
  readonly center: RegistrationCenter | null
  /** The key algorithm chosen at the kiosk; the phone makes keys of it. */
  readonly algorithm: 'RSA-2048' | 'P-256'
  /** The kiosk's language: e-mail to the applicant is written in it. */
  readonly language: 'kk' | 'ru' | 'en'
}

/** The accepted application, as the phone and then the kiosk receive it. */
export interface HandoffApplicationResult {
  readonly number: string
  readonly accessCode: string
  readonly status: string
  /** Serial of the phone's certificate that signed the application too, when one did. */
  readonly signedBy?: string
}

/** What a phone that already holds the applicant's signing certificate signs besides making the keys. */
export interface ApplicationSignatureFields {
  /** The hand-off's id: a signature made for one kiosk's application is useless for another. */
  readonly handoffId: string
  /** The requesting kiosk's origin, as the phone was shown it. */
  readonly origin: string
  readonly iin: string
  /** SHA-256 (lowercase hex) of each new CSR's DER, by purpose: the keys this signature vouches for. */
  readonly csrSha256: { readonly auth: string; readonly sign: string }
}

/**
 * The exact bytes the phone signs (attached CMS) and the server rebuilds from what it checked
 * (server/handoffs/application.ts); keys in a fixed order, as src/core/renewal-wire.ts.
 */
export function applicationSignaturePayload(f: ApplicationSignatureFields): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      action: 'apply',
      handoff: f.handoffId,
      origin: f.origin,
      iin: f.iin,
      requests: [
        ['auth', f.csrSha256.auth.toLowerCase()],
        ['sign', f.csrSha256.sign.toLowerCase()],
      ],
    }),
  )
}
