/**
 * RFC 5280 CRLReason codes by name, and which of them a certificate holder and an operator may
 * choose (the server refuses others: server/ca/revocation.ts HOLDER_REASONS / REVOCATION_REASONS).
 */

/** Reason names the app offers, with their CRLReason codes. */
export const REVOCATION_REASON_CODES = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  privilegeWithdrawn: 9,
} as const

/** A reason the app offers. */
export type RevocationReason = keyof typeof REVOCATION_REASON_CODES

/** What a holder may say when revoking their own certificate (docs/architecture.md#holder-revocation-reasons). */
export const HOLDER_REASONS: readonly RevocationReason[] = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation']

/** What the operator console offers (holder reasons plus privilege withdrawn). */
export const OPERATOR_REASONS: readonly RevocationReason[] = [...HOLDER_REASONS, 'privilegeWithdrawn']

const NAMES: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
}

/** The RFC 5280 name of a reason code (for display keys), or 'unspecified'. */
export function reasonName(code: number | null | undefined): string {
  return (code !== null && code !== undefined && NAMES[code]) || 'unspecified'
}
