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
