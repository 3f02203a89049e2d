/**
 * The decision behind "Revoke" in My certificates: revoked and expired first (no issuer check
 * needed), then issued by our issuing CA (same name and key identifier) or by another CA.
 */
import { describe, expect, it } from 'vitest'
import { revocationEligibility, type CertificateIssuer, type IssuerIdentity } from '../../src/composables/revocation-eligibility.ts'

const NOW = Date.UTC(2026, 11, 5)
const DAY = 86_400_000
const OURS: IssuerIdentity = { dn: 'CN=Qoltanba Issuing CA, O=Qoltanba, C=KZ', keyId: 'aa11' }
const cert = (over: { notAfter?: number; revokedAt?: number } = {}) => ({
  summary: { notBefore: NOW - 10 * DAY, notAfter: over.notAfter ?? NOW + 300 * DAY } as never,
  ...(over.revokedAt !== undefined ? { revokedAt: over.revokedAt } : {}),
})
const issuer = (dn: string, keyId?: string, label = dn): CertificateIssuer => ({ dn, label, ...(keyId ? { keyId } : {}) })

describe('revocationEligibility', () => {
  it.each([
    ['ours, valid', cert(), OURS, issuer(OURS.dn, 'aa11'), { kind: 'eligible' }],
    ['ours, no key identifier in the certificate', cert(), OURS, issuer(OURS.dn), { kind: 'eligible' }],
    ['revoked (before any issuer check)', cert({ revokedAt: NOW - DAY }), undefined, undefined, { kind: 'revoked', at: NOW - DAY }],
    ['expired (before any issuer check)', cert({ notAfter: NOW - DAY }), undefined, undefined, { kind: 'expired', notAfter: NOW - DAY }],
    ['another CA', cert(), OURS, issuer('CN=ҰКО 3.0 (RSA), C=KZ', 'bb22', 'ҰКО 3.0 (RSA)'), { kind: 'foreign', issuer: 'ҰКО 3.0 (RSA)' }],
    ['same name, another key', cert(), OURS, issuer(OURS.dn, 'cc33', 'Qoltanba'), { kind: 'foreign', issuer: 'Qoltanba' }],
    ['our CA not known yet', cert(), undefined, issuer(OURS.dn), { kind: 'checking' }],
    ['our CA unreachable (offline): the server decides', cert(), null, issuer('CN=Other'), { kind: 'eligible' }],
  ] as const)('%s', (_name, certificate, ours, from, expected) => {
    expect(revocationEligibility(certificate, ours, from, NOW)).toEqual(expected)
  })
})
