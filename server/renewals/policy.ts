/**
 * The renewal policy (README "Online renewal"): from the environment, and the pure decision on a
 * certificate a holder wants to renew. Codes are specific so the PWA can say what to do instead.
 *
 * RENEWAL_WINDOW_DAYS (60): renewal opens this many days before the certificate ends.
 * RENEWAL_AUTO_ISSUE (true): issue without an operator; false queues it with a "renewal" badge.
 * RENEWAL_GRACE_DAYS (7): days after installation before the old certificates are revoked as
 * superseded (the holder may ask for at once).
 */
import type { Certificate } from '../db/schema.ts'
import { ApiErrorCode, conflict, forbidden } from '../errors.ts'

export interface RenewalPolicy {
  readonly windowDays: number
  readonly autoIssue: boolean
  readonly graceDays: number
}

export const DEFAULT_RENEWAL_POLICY: RenewalPolicy = { windowDays: 60, autoIssue: true, graceDays: 7 }
const DAY = 86_400_000

/** Reads RENEWAL_*; wrong values are added to `problems` (ConfigError lists them all). */
export function loadRenewalPolicy(env: NodeJS.ProcessEnv, problems: string[]): RenewalPolicy {
  const days = (name: string, fallback: number): number => {
    const raw = env[name]?.trim()
    if (!raw) return fallback
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 0 || n > 3650) {
      problems.push(`${name} must be a whole number of days (0–3650), got "${raw}"`)
      return fallback
    }
    return n
  }
  const flag = env.RENEWAL_AUTO_ISSUE?.trim().toLowerCase()
  if (flag && !['1', '0', 'true', 'false'].includes(flag)) problems.push(`RENEWAL_AUTO_ISSUE must be true or false, got "${env.RENEWAL_AUTO_ISSUE}"`)
  return {
    windowDays: days('RENEWAL_WINDOW_DAYS', DEFAULT_RENEWAL_POLICY.windowDays),
    autoIssue: flag ? flag === '1' || flag === 'true' : DEFAULT_RENEWAL_POLICY.autoIssue,
    graceDays: days('RENEWAL_GRACE_DAYS', DEFAULT_RENEWAL_POLICY.graceDays),
  }
}

/** When renewal of a certificate ending at `notAfter` opens. */
export function renewalOpensAt(policy: RenewalPolicy, notAfter: Date): Date {
  return new Date(notAfter.getTime() - policy.windowDays * DAY)
}

/**
 * Refuses a certificate that may not be renewed now: not the signing certificate of an
 * application, expired, revoked or held, or not yet inside the window. Throws ApiError.
 */
export function checkRenewable(policy: RenewalPolicy, cert: Pick<Certificate, 'serial' | 'purpose' | 'application_number' | 'status' | 'not_after'>, now: Date): void {
  if (cert.purpose !== 'sign' || !cert.application_number) {
    throw forbidden('a renewal is signed with the signing key of the certificate pair being renewed', ApiErrorCode.RenewalWrongKey)
  }
  const notAfter = new Date(cert.not_after)
  if (notAfter.getTime() <= now.getTime()) throw conflict(ApiErrorCode.RenewalExpired, `certificate ${cert.serial} expired on ${notAfter.toISOString()}; apply anew`)
  if (cert.status !== 'good') throw conflict(ApiErrorCode.RenewalRevoked, `certificate ${cert.serial} is ${cert.status === 'hold' ? 'suspended' : 'revoked'}`, { status: cert.status })
  const opens = renewalOpensAt(policy, notAfter)
  if (now.getTime() < opens.getTime()) {
    throw conflict(ApiErrorCode.RenewalTooEarly, `renewal opens ${policy.windowDays} days before the certificate ends, on ${opens.toISOString()}`, { opensAt: opens.toISOString() })
  }
}
