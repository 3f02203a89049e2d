/** Where a certificate stands and the date shown with it: the server's status first, then its end date. */
import { describe, expect, it } from 'vitest'
import { certificateStanding, standingDate } from '@/composables/certificate-standing.ts'

const NOW = Date.parse('2026-12-04T12:00:00Z')
const cert = (status: 'good' | 'revoked' | 'hold', notAfter: string, revokedAt: string | null = null) => ({ status, notAfter, revokedAt })

describe('certificateStanding', () => {
  it.each([
    ['valid until its end', cert('good', '2027-12-04T00:00:00Z'), 'good', '2027-12-04T00:00:00Z'],
    ['good but past its end: expired', cert('good', '2026-12-01T00:00:00Z'), 'expired', '2026-12-01T00:00:00Z'],
    ['revoked: the revocation date, not the end date', cert('revoked', '2027-12-04T00:00:00Z', '2026-11-20T08:00:00Z'), 'revoked', '2026-11-20T08:00:00Z'],
    ['revoked after it expired: still revoked', cert('revoked', '2026-12-01T00:00:00Z', '2026-11-20T08:00:00Z'), 'revoked', '2026-11-20T08:00:00Z'],
    ['suspended: since when', cert('hold', '2027-12-04T00:00:00Z', '2026-12-03T08:00:00Z'), 'hold', '2026-12-03T08:00:00Z'],
  ] as const)('%s', (_, c, standing, date) => {
    expect(certificateStanding(c, NOW)).toBe(standing)
    expect(standingDate(c, standing)).toBe(date)
  })
})
