/** Validity at a glance: the badge a certificate gets in "My certificates". No pkijs needed. */
import type { CertificateRecord } from './schema.ts'

/** Days before expiry from which a certificate is "expiring soon". */
export const EXPIRING_SOON_DAYS = 30

/** A certificate's state for the badge. */
export type CertificateStatus = 'valid' | 'expiring_soon' | 'expired' | 'not_yet_valid' | 'revoked'

const DAY_MS = 86_400_000

/** Whole days until `notAfter` (negative once expired). */
export function daysLeft(notAfter: number, now: number = Date.now()): number {
  return Math.floor((notAfter - now) / DAY_MS)
}

/** The status of a stored certificate at `now`; revocation wins over dates. */
export function certificateStatus(certificate: Pick<CertificateRecord, 'summary' | 'revokedAt'>, now: number = Date.now()): CertificateStatus {
  if (certificate.revokedAt !== undefined && certificate.revokedAt <= now) return 'revoked'
  if (now > certificate.summary.notAfter) return 'expired'
  if (now < certificate.summary.notBefore) return 'not_yet_valid'
  if (certificate.summary.notAfter - now < EXPIRING_SOON_DAYS * DAY_MS) return 'expiring_soon'
  return 'valid'
}
