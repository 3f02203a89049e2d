/**
 * Revocation checking as a pluggable service. The verifier asks one {@link RevocationChecker}
 * about every certificate of the validated path but the trust anchor (the signer and each
 * intermediate CA, each with its issuer), as RFC 5280 §6.1.3(a)(3) and `openssl verify
 * -crl_check_all` do; deployments compose checkers: the Registration Center answers for its own
 * CA from its database and its root CRL, and for foreign CAs by OCSP (AIA) then CRL (CDP).
 * Network failures never count as "good": when nobody can answer, the result is `unknown` and
 * sign-in is refused with ERR_REVOCATION_UNKNOWN (fail closed).
 */
import type { ParsedCertificate } from './certificate.ts'

/** What a checker knows about a certificate. `hold` is RFC 5280 certificateHold. */
export type RevocationState = 'good' | 'revoked' | 'hold' | 'unknown'

/** A checker's answer. */
export interface RevocationResult {
  readonly status: RevocationState
  /** Who answered: 'database', 'ocsp', 'crl', 'none', or a custom name. */
  readonly source: string
  readonly revokedAt?: Date
  /** RFC 5280 CRLReason code when revoked. */
  readonly reason?: number
  /** Why the answer is `unknown` (for logs). */
  readonly detail?: string
  /** Until when the source vouches for the answer (OCSP or CRL nextUpdate), when it says. */
  readonly nextUpdate?: Date
}

/** Answers whether `certificate` (issued by `issuer`) is revoked at `now`. Must not throw for network errors. */
export interface RevocationChecker {
  check(certificate: ParsedCertificate, issuer: ParsedCertificate, now: Date): Promise<RevocationResult>
}

/** RFC 5280 CRLReason certificateHold. */
export const REASON_CERTIFICATE_HOLD = 6

/** Tries checkers in order and returns the first answer that is not `unknown`. */
export function firstAnswer(...checkers: RevocationChecker[]): RevocationChecker {
  return {
    async check(certificate, issuer, now) {
      const details: string[] = []
      for (const checker of checkers) {
        const r = await checker.check(certificate, issuer, now)
        if (r.status !== 'unknown') return r
        details.push(`${r.source}: ${r.detail ?? 'unknown'}`)
      }
      return { status: 'unknown', source: 'none', detail: details.join('; ') || 'no revocation source' }
    },
  }
}

/**
 * Routes by issuer: certificates whose issuer `isLocal` go to `local`, the rest to `foreign`.
 * The Registration Center uses it to answer for its own CA from the database.
 */
export function routeByIssuer(isLocal: (issuer: ParsedCertificate) => boolean, local: RevocationChecker, foreign: RevocationChecker): RevocationChecker {
  return {
    check: (certificate, issuer, now) => (isLocal(issuer) ? local : foreign).check(certificate, issuer, now),
  }
}

/**
 * A checker that answers `good` without asking anyone. Only for deployments that knowingly
 * accept unrevocable sign-ins (e.g. offline demos); it is named so that its use stands out.
 */
export const acceptWithoutRevocationCheck: RevocationChecker = {
  check: async () => ({ status: 'good', source: 'none', detail: 'revocation not checked by configuration' }),
}

/** Options of {@link cacheCaAnswers}. */
export interface CaAnswerCacheOptions {
  /** Longest time an answer is reused (default 1 hour); never past the answer's own nextUpdate. */
  readonly maxAgeMs?: number
}

/**
 * Reuses answers about CA certificates (the intermediates of a path), so a sign-in under a
 * foreign intermediate does not cost a second OCSP round trip each time: every sign-in under the
 * same CA asks about the same certificate. Answers about end-entity certificates are never
 * reused (each sign-in asks afresh), nor are `unknown` answers (the next sign-in tries again).
 * Keyed by the parsed certificate object alone (one per DER): its DER fixes the issuer name and
 * serial an answer is about, and only its issuer's key verifies it, so the issuer adds nothing.
 */
export function cacheCaAnswers(checker: RevocationChecker, options: CaAnswerCacheOptions = {}): RevocationChecker {
  const maxAgeMs = options.maxAgeMs ?? 3600_000
  const answers = new WeakMap<ParsedCertificate, { readonly result: RevocationResult; readonly until: number }>()
  return {
    async check(certificate, issuer, now) {
      if (!certificate.basicConstraints?.cA) return checker.check(certificate, issuer, now)
      const t = now.getTime()
      const cached = answers.get(certificate)
      if (cached && t <= cached.until) return cached.result
      const result = await checker.check(certificate, issuer, now)
      if (result.status !== 'unknown') answers.set(certificate, { result, until: Math.min(t + maxAgeMs, result.nextUpdate?.getTime() ?? Infinity) })
      return result
    },
  }
}
