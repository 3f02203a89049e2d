/**
 * The renewal request a holder signs with the current signing key (CMS, attached), shared by the
 * PWA (src/flows/renewal.ts) and the server (server/renewals): both must produce these exact bytes.
 * The CSRs are bound by their SHA-256, so a captured signature cannot carry other keys.
 */

/** What the holder signs: the pair being renewed, the new requests, and when. */
export interface RenewalRequestFields {
  /** Serial (lowercase hex) of the signing certificate whose key signs this request. */
  readonly serial: string
  readonly iin: string
  /** SHA-256 (lowercase hex) of each new CSR's DER, by purpose. */
  readonly csrSha256: { readonly auth: string; readonly sign: string }
  /** Revoke the old pair as soon as the new one is installed, not after the grace period. */
  readonly supersedeNow: boolean
  readonly time: Date
}

/** The exact bytes signed; keys in a fixed order. */
export function renewalRequestPayload(f: RenewalRequestFields): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      action: 'renew',
      serial: f.serial.toLowerCase(),
      iin: f.iin,
      requests: [
        ['auth', f.csrSha256.auth.toLowerCase()],
        ['sign', f.csrSha256.sign.toLowerCase()],
      ],
      supersedeNow: f.supersedeNow,
      time: f.time.toISOString(),
    }),
  )
}
