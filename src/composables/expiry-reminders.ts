/**
 * Reminders before a certificate ends (issue 18): how urgent its end is, which of this device's
 * certificates need action, and the installed PWA's app badge with their number. The server
 * e-mails at 60/30/7 days (server/mail); the app says the same where the person looks.
 */
import { watchEffect, type MaybeRefOrGetter, toValue } from 'vue'
import { certificateStatus, daysLeft } from '@/keystore/status.ts'
import type { CertificateView } from '@/keystore/index.ts'

/** "Renew" is offered from this many days before the end (the renewal window, server policy default). */
export const RENEW_FROM_DAYS = 60
/** The home page warns from this many days before the end. */
export const BANNER_DAYS = 30

/** How the days left are coloured: calm, soon (≤ 60), urgent (≤ 7). */
export type ExpiryTone = 'calm' | 'soon' | 'urgent'

export function expiryTone(days: number): ExpiryTone {
  if (days <= 7) return 'urgent'
  return days <= RENEW_FROM_DAYS ? 'soon' : 'calm'
}

/** Whether "Renew" is offered: an own, still valid certificate within the renewal window. */
export function renewable(c: CertificateView, now: number = Date.now()): boolean {
  const status = certificateStatus(c, now)
  return Boolean(c.keyId) && (status === 'valid' || status === 'expiring_soon') && daysLeft(c.summary.notAfter, now) <= RENEW_FROM_DAYS
}

/** This device's own certificates that end within BANNER_DAYS and are not revoked, soonest first. */
export function endingSoon(certificates: readonly CertificateView[], now: number = Date.now()): CertificateView[] {
  return certificates
    .filter((c) => c.keyId && certificateStatus(c, now) === 'expiring_soon' && daysLeft(c.summary.notAfter, now) <= BANNER_DAYS)
    .sort((a, b) => a.summary.notAfter - b.summary.notAfter)
}

/**
 * Keeps the app badge (Badging API, installed PWAs) at `count`; cleared at zero. Browsers
 * without the API, or a page that is not an installed app, ignore it.
 */
export function useAppBadge(count: MaybeRefOrGetter<number>): void {
  watchEffect(() => {
    const n = toValue(count)
    const nav = globalThis.navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> }
    if (n > 0) void nav?.setAppBadge?.(n).catch(() => undefined)
    else void nav?.clearAppBadge?.().catch(() => undefined)
  })
}
