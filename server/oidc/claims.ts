/**
 * The one definition of the scopes and claims Qoltanba's OpenID Connect provider offers
 * (docs/oidc.md documents them; the PWA's consent screen names the claims). Names are those of
 * OpenID Connect Core §5.1 where one exists; the Kazakh identifiers (IIN, BIN) are ours.
 */

/** Scope → the claims it releases (OpenID Connect Core §5.4 style). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  /** Names from the certificate's subject (server/auth/person-name.ts). */
  profile: ['name', 'family_name', 'given_name', 'middle_name'],
  /** The e-mail given in the certificate application (not verified by us, so no email_verified). */
  email: ['email'],
  /** The individual identification number: only for portals registered with this scope. */
  iin: ['iin'],
  /** For a legal entity's certificate: the organisation's BIN, name and the holder's role. */
  organization: ['bin', 'organization_name', 'organization_role'],
  /** The SHA-256 thumbprint of the certificate used to sign in (RFC 8705 §3.1 naming). */
  certificate: ['x5t#S256'],
} as const satisfies Record<string, readonly string[]>

export type OidcScope = keyof typeof SCOPE_CLAIMS | 'offline_access'

/** Every scope a portal may be registered for. offline_access asks for a refresh token. */
export const OIDC_SCOPES: readonly OidcScope[] = [...(Object.keys(SCOPE_CLAIMS) as (keyof typeof SCOPE_CLAIMS)[]), 'offline_access']

/** amr values (RFC 8176): the key that signed the sign-in was a software key or on a hardware token. */
export const AMR_SOFTWARE_KEY = 'swk'
export const AMR_HARDWARE_KEY = 'hwk'

/**
 * acr values a portal may ask for (acr_values) and finds in the ID token. Asking only for the
 * hardware one makes the provider refuse a sign-in with a software key.
 */
export const ACR_SOFTWARE_KEY = 'urn:qoltanba:acr:swk'
export const ACR_HARDWARE_KEY = 'urn:qoltanba:acr:hwk'
export const ACR_VALUES = [ACR_SOFTWARE_KEY, ACR_HARDWARE_KEY] as const

/** The claims a set of scopes releases, in a stable order (for the consent screen). */
export function claimsOfScopes(scopes: Iterable<string>): string[] {
  const out: string[] = []
  for (const scope of scopes) {
    const claims = (SCOPE_CLAIMS as Record<string, readonly string[] | undefined>)[scope]
    for (const claim of claims ?? []) if (!out.includes(claim)) out.push(claim)
  }
  return out
}

/** True when `scope` is one we define. */
export function isOidcScope(scope: string): scope is OidcScope {
  return (OIDC_SCOPES as readonly string[]).includes(scope)
}
