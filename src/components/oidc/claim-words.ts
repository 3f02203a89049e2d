/**
 * Claims in plain words: which sentence of `oidc.claims.*` says what a portal receives. Several
 * claims make one sentence (the four name claims are "your name"; amr and acr both tell the
 * kind of key), so a consent lists each thing once. Claim names are the provider's
 * (server/oidc/claims.ts); one this build does not know is shown by its name.
 */

/** Claim name → sentence key under `oidc.claims`. */
const CLAIM_WORDS: Readonly<Record<string, string>> = {
  sub: 'sub',
  name: 'names',
  family_name: 'names',
  given_name: 'names',
  middle_name: 'names',
  email: 'email',
  iin: 'iin',
  bin: 'bin',
  organization_name: 'organization',
  organization_role: 'role',
  'x5t#S256': 'certificate',
  amr: 'key_kind',
  acr: 'key_kind',
}

/** One thing the portal receives: a known sentence, or a claim this build cannot name. */
export type ClaimWord = { readonly key: string } | { readonly unknown: string }

/** The sentences for `claims`, each once, in the order first met (sub, the name… as the server lists them). */
export function claimWords(claims: readonly string[]): ClaimWord[] {
  const seen = new Set<string>()
  const words: ClaimWord[] = []
  for (const claim of claims) {
    const key = CLAIM_WORDS[claim]
    const id = key ?? `?${claim}`
    if (seen.has(id)) continue
    seen.add(id)
    words.push(key ? { key } : { unknown: claim })
  }
  return words
}
