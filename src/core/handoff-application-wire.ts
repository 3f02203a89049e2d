/**
 * The application a kiosk hands to the applicant's phone (issue 17, kind "application"), shared
 * by the server (server/handoffs/application.ts writes it) and the PWA (the phone shows it and
 * makes the keys for it). The names come from the person registry, never from the kiosk; the
 * phone adds only the two CSRs, so what is submitted is exactly what both screens showed.
 */
import type { RegistrationCenter } from './centers-wire.ts'

/** What the kiosk entered, checked and completed by the server; no keys. */
export interface HandoffApplication {
  readonly kind: 'individual' | 'legal_entity'
  readonly profile: string
  readonly iin: string
  /** From the person registry (the certificate's subject is the registry's too). */
  readonly surname: string
  readonly name: string
  readonly patronymic: string | null
  readonly email: string | null
  readonly bin: string | null
  readonly organization: string | null
  readonly region: string
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
}
