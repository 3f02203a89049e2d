/**
 * Remembers which (certificate, issuer) signatures already verified, so repeated sign-ins with the
 * same chain cost one CMS signature check instead of one per link. Keyed by object identity of
 * parsed certificates: each ParsedCertificate is bound to its own DER (and parseCertificateCached
 * hands out one object per DER), so a forged certificate can never hit a genuine one's entry.
 * Only successes are stored; entries go away with the certificates (WeakMap).
 */
import type { ParsedCertificate } from './certificate.ts'

export class LinkCache {
  private readonly verified = new WeakMap<ParsedCertificate, WeakSet<ParsedCertificate>>()

  has(child: ParsedCertificate, parent: ParsedCertificate): boolean {
    return this.verified.get(child)?.has(parent) ?? false
  }

  add(child: ParsedCertificate, parent: ParsedCertificate): void {
    let parents = this.verified.get(child)
    if (!parents) this.verified.set(child, (parents = new WeakSet()))
    parents.add(parent)
  }
}
