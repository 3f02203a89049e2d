/**
 * Remembers which (certificate, issuer) signatures already verified, keyed by the SHA-256 of
 * both DER encodings, so repeated sign-ins with the same chain cost one CMS signature check
 * instead of one per link. Only successes are stored; the key covers the whole certificate, so a
 * forged certificate can never hit a cached entry of a genuine one.
 */
export class LinkCache {
  private readonly entries = new Map<string, true>()

  constructor(private readonly maxEntries = 10_000) {}

  /** The cache key of a link. */
  async key(child: Uint8Array, parent: Uint8Array, crypto: Crypto): Promise<string> {
    const [a, b] = await Promise.all([
      crypto.subtle.digest('SHA-256', child as Uint8Array<ArrayBuffer>),
      crypto.subtle.digest('SHA-256', parent as Uint8Array<ArrayBuffer>),
    ])
    return btoa(String.fromCharCode(...new Uint8Array(a), ...new Uint8Array(b)))
  }

  has(key: string): boolean {
    return this.entries.has(key)
  }

  add(key: string): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
    this.entries.set(key, true)
  }
}
