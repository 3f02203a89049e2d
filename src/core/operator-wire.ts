/**
 * The operator console's wire shapes written by server/operators and read by src/api, so the two
 * sides cannot drift apart. Plain data, like agent-protocol.ts.
 */

/** A stored PKCS#10 re-checked by the server (GET …/operator/applications/:number/requests). */
export interface RequestCheck {
  /** 'auth' or 'sign' (src/api narrows it to `CertificatePurpose`). */
  readonly purpose: string
  readonly keyAlgorithm: string
  readonly keyBits: number | null
  readonly keyCurve: string | null
  /** Null when the stored CSR no longer parses. */
  readonly subjectDn: string | null
  readonly signatureValid: boolean
  readonly certificateSerial: string | null
  /** The CSR as PEM. */
  readonly csr: string
}

/** Identity documents an operator may name when approving (src/components/operator, server review.ts). */
export const IDENTITY_DOCUMENT_TYPES = ['id_card', 'passport', 'residence_permit', 'other'] as const
export type IdentityDocumentType = (typeof IDENTITY_DOCUMENT_TYPES)[number]

/**
 * Body of POST …/operator/applications/:number/approve. `identityChecked` must be true (the
 * operator checked the applicant's identity document in person) or the server refuses with
 * ERR_IDENTITY_NOT_CHECKED; the document is optional and goes into the audit row.
 * `tokenChecked`: the operator saw the keys on a hardware token (3-year validity).
 */
export interface ApprovalDecision {
  readonly identityChecked: boolean
  readonly identityDocument?: { readonly type?: IdentityDocumentType; readonly number?: string }
  readonly tokenChecked?: boolean
}
