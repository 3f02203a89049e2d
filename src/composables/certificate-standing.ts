/**
 * Where a certificate of mine stands, in words, from what the Registration Center says of it:
 * revoked and suspended come from the server's status; a good one past its end date is expired.
 * The cabinet shows the word and the date that goes with it ("Valid until 4 December 2027",
 * "Revoked on …", "Expired on …", "Suspended on …"), never a status with an unrelated date.
 */
import { useI18n } from 'vue-i18n'
import type { MyCertificate } from '@/api/auth-client.ts'
import { useFormat } from './format.ts'

export type CertificateStanding = 'good' | 'expired' | 'revoked' | 'hold'

/** The standing at `now` (ms). */
export function certificateStanding(c: Pick<MyCertificate, 'status' | 'notAfter'>, now: number = Date.now()): CertificateStanding {
  if (c.status !== 'good') return c.status
  return Date.parse(c.notAfter) <= now ? 'expired' : 'good'
}

/** The date that goes with a standing: end of validity for good and expired, else when the status changed. */
export function standingDate(c: Pick<MyCertificate, 'notAfter' | 'revokedAt'>, standing: CertificateStanding): string {
  return standing === 'good' || standing === 'expired' ? c.notAfter : (c.revokedAt ?? c.notAfter)
}

/** Translated word and sentence for a certificate's standing. */
export function useCertificateStanding() {
  const { t } = useI18n()
  const { formatDate } = useFormat()
  return (c: MyCertificate, now: number = Date.now()) => {
    const standing = certificateStanding(c, now)
    return {
      standing,
      word: t(`cabinet.certificates.state.${standing}`),
      sentence: t(`cabinet.certificates.when.${standing}`, { date: formatDate(new Date(standingDate(c, standing)), 'long') }),
    }
  }
}
