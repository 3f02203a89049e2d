/**
 * What route plugins and services share: the configuration, the database, the person registry,
 * derived secret keys and (lazily) the certificate authority. Built once by buildApp.
 */
import type { ServerConfig } from './config.ts'
import type { Db } from './db/schema.ts'
import type { PersonRegistry } from './registry/registry.ts'
import type { CertificateAuthority } from './ca/authority.ts'
import type { MailConfig } from './mail/config.ts'
import { systemClock, type Clock } from './clock.ts'

/** Keys derived from the server secret (see security/secret.ts). */
export interface ServerKeys {
  readonly accessCode: Buffer
  readonly accessCodePepper: Buffer
}

/** Returns the loaded CA; throws ApiError ERR_CA_UNAVAILABLE (503) when there is none. */
export type CaProvider = () => Promise<CertificateAuthority>

export interface AppContext {
  readonly config: ServerConfig
  readonly db: Db
  readonly registry: PersonRegistry
  readonly keys: ServerKeys
  readonly getCa: CaProvider
  /** Mail settings (server/mail); mail is off without SMTP_URL. */
  readonly mail?: MailConfig
  /** The "now" of issuance, renewal checks and the renewal job (server/clock.ts); default the system clock. */
  readonly clock?: Clock
}

/** The context's current time (its clock, else the system's). */
export function nowOf(ctx: Pick<AppContext, 'clock'>): Date {
  return (ctx.clock ?? systemClock).now()
}
