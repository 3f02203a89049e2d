/**
 * Revocation of a whole validated path: the signer and every intermediate CA, each asked about
 * with its own issuer (RFC 5280 §6.1.3(a)(3); what `openssl verify -crl_check_all` does). Only
 * the trust anchor is not asked: it is trusted by configuration, not by a status. A revoked
 * issuing CA takes every certificate under it down, so checking the leaf alone would let a
 * certificate under a revoked CA sign in.
 */
import type { ParsedCertificate } from './certificate.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import type { RevocationChecker, RevocationResult } from './revocation.ts'

/** Which certificate of the path an answer is about: depth 0 is the signer, 1 its issuer, … */
export interface PathPosition {
  readonly depth: number
  readonly certificate: ParsedCertificate
}

function whose(at: PathPosition | undefined): string {
  if (!at || at.depth === 0) return 'The certificate'
  return `The CA certificate "${at.certificate.subjectDn}" (depth ${at.depth} of the path)`
}

function where(at: PathPosition | undefined): Record<string, string | number> {
  return at ? { depth: at.depth, subject: at.certificate.subjectDn, serial: at.certificate.serialHex } : {}
}

/** Refuses a revocation answer that is not `good`; `at` names the certificate in the refusal's details. */
export function requireGoodStatus(revocation: RevocationResult, at?: PathPosition): void {
  if (revocation.status === 'revoked') {
    refuse(LoginErrorCode.CertRevoked, `${whose(at)} was revoked${revocation.revokedAt ? ` on ${revocation.revokedAt.toISOString()}` : ''}`, {
      source: revocation.source,
      reason: revocation.reason ?? -1,
      ...where(at),
    })
  }
  if (revocation.status === 'hold') refuse(LoginErrorCode.CertOnHold, `${whose(at)} is suspended (on hold)`, { source: revocation.source, ...where(at) })
  if (revocation.status !== 'good') {
    refuse(LoginErrorCode.RevocationUnknown, `${whose(at)} status could not be established: ${revocation.detail ?? 'unknown'}`, {
      source: revocation.source,
      ...where(at),
    })
  }
}

/** A definite answer outranks a missing one: "revoked at depth 1" says more than "unknown at depth 0". */
const SEVERITY: Readonly<Record<string, number>> = { revoked: 3, hold: 2, unknown: 1, good: 0 }

/** Anything but `good`, even a status a custom checker made up, counts against the path. */
const severity = (a: RevocationResult): number => SEVERITY[a.status] ?? 1

/**
 * Asks `checker` about every certificate of `chain` (leaf first, anchor last) but the anchor, all
 * at once, and refuses when any answer is not `good`: revoked before on hold before unknown, the
 * lowest depth first. Returns the answers, leaf first.
 */
export async function checkPathRevocation(chain: readonly ParsedCertificate[], checker: RevocationChecker, now: Date): Promise<RevocationResult[]> {
  const asked = chain.slice(0, -1)
  const answers = await Promise.all(asked.map((certificate, depth) => checker.check(certificate, chain[depth + 1] as ParsedCertificate, now)))
  let worst = -1
  answers.forEach((a, depth) => {
    if (severity(a) > (worst < 0 ? 0 : severity(answers[worst]!))) worst = depth
  })
  if (worst >= 0) requireGoodStatus(answers[worst]!, { depth: worst, certificate: chain[worst] as ParsedCertificate })
  return answers
}
