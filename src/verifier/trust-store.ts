/**
 * The certificates a relying party trusts (anchors) and the CA certificates it may use to
 * complete paths (intermediates), parsed once and shared by every verification.
 */
import { parseCertificate, type ParsedCertificate } from './certificate.ts'
import { LinkCache } from './link-cache.ts'

/** Parsed trust configuration; build it once with {@link createTrustStore}. */
export interface TrustStore {
  readonly anchors: readonly ParsedCertificate[]
  readonly intermediates: readonly ParsedCertificate[]
  /** Verified-link memo shared by the verifications using this store. */
  readonly linkCache: LinkCache
}

/** Parses trust anchors and optional intermediates (DER). Throws ERR_MALFORMED on a bad certificate. */
export function createTrustStore(anchors: readonly Uint8Array[], intermediates: readonly Uint8Array[] = []): TrustStore {
  return {
    anchors: anchors.map(parseCertificate),
    intermediates: intermediates.map(parseCertificate),
    linkCache: new LinkCache(),
  }
}

/** True when `cert` is one of the store's anchors or intermediates (same DER). */
export function isInStore(store: TrustStore, cert: ParsedCertificate): boolean {
  const same = (c: ParsedCertificate) => c.der.length === cert.der.length && c.der.every((b, i) => b === cert.der[i])
  return store.anchors.some(same) || store.intermediates.some(same)
}
