/**
 * Which message a refused sign-in shows. A revocation refusal says which certificate of the path
 * it is about (the server's `details.depth`: 0 the person's own, 1 the CA that issued it, …).
 * "Your certificate has been revoked" would be wrong, and send the person to the wrong remedy,
 * when it is the certification authority's certificate: those get their own words.
 */

/** i18n keys for a CA certificate's status, by the code the server refused with. */
const CA_STATUS_KEYS: Readonly<Record<string, string>> = {
  ERR_CERT_REVOKED: 'signin.ca_status.revoked',
  ERR_CERT_ON_HOLD: 'signin.ca_status.on_hold',
  ERR_REVOCATION_UNKNOWN: 'signin.ca_status.unknown',
}

/**
 * The i18n key of the message for a sign-in failure `code` whose refusal named the certificate
 * at `depth` (null or undefined when it named none).
 *
 * @example
 * signInErrorKey('ERR_CERT_REVOKED', 1) // 'signin.ca_status.revoked'
 * signInErrorKey('ERR_CERT_REVOKED', 0) // 'errors.ERR_CERT_REVOKED'
 */
export function signInErrorKey(code: string, depth?: number | null): string {
  const caKey = typeof depth === 'number' && depth > 0 ? CA_STATUS_KEYS[code] : undefined
  return caKey ?? `errors.${code}`
}
