/**
 * Certification path building: candidate paths from a leaf through untrusted intermediates to a
 * trust anchor, depth first, anchors before intermediates at every step, each link's signature
 * verified with WebCrypto. Candidates are offered one at a time, so the validator can reject one (an
 * expired or name-constrained intermediate) and ask for the next (x509-limbo
 * pathological::multiple-chains-expired-intermediate, rfc5280::nc::nc-forbids-same-chain-ica).
 */
import { sameBytes } from '../core/bytes.ts'
import { getEngine } from '../pki/engine.ts'
import type { ParsedCertificate } from './certificate.ts'
import type { LinkCache } from './link-cache.ts'

/** Longest path (leaf + intermediates + anchor) we try to build. */
const MAX_PATH_LENGTH = 8

/**
 * Most signature checks one path search may spend. Certificates that all name each other as
 * issuer (same name, same key) would otherwise make the depth-first search exponential.
 */
const MAX_LINK_CHECKS = 64

function sameDer(a: ParsedCertificate, b: ParsedCertificate): boolean {
  return a === b || sameBytes(a.der, b.der)
}

/**
 * Name matches already decided, per (child, parent) object pair. Parsed certificates are
 * immutable and handed out once per DER (parseCertificateCached), and every sign-in asks about
 * the same few pairs; RFC 5280 name comparison prepares every attribute string each time.
 */
const nameMatches = new WeakMap<ParsedCertificate, WeakMap<ParsedCertificate, boolean>>()

function issuerNameMatches(parent: ParsedCertificate, child: ParsedCertificate): boolean {
  let perChild = nameMatches.get(child)
  if (!perChild) nameMatches.set(child, (perChild = new WeakMap()))
  let match = perChild.get(parent)
  if (match === undefined) perChild.set(parent, (match = child.cert.issuer.isEqual(parent.cert.subject)))
  return match
}

function couldHaveIssued(parent: ParsedCertificate, child: ParsedCertificate): boolean {
  if (!issuerNameMatches(parent, child)) return false
  if (child.authorityKeyId && parent.subjectKeyId && child.authorityKeyId !== parent.subjectKeyId) return false
  return true
}

async function linkVerifies(child: ParsedCertificate, parent: ParsedCertificate, cache: LinkCache | undefined, crypto: Crypto): Promise<boolean> {
  if (cache?.has(child, parent)) return true
  let ok = false
  try {
    ok = await getEngine(crypto).verifyWithPublicKey(
      child.cert.tbsView as Uint8Array<ArrayBuffer>,
      child.cert.signatureValue,
      parent.cert.subjectPublicKeyInfo,
      child.cert.signatureAlgorithm,
    )
  } catch {
    ok = false // an algorithm WebCrypto cannot verify is as good as a wrong signature here
  }
  if (ok) cache?.add(child, parent)
  return ok
}

/** What {@link buildPaths} searches. */
export interface PathSearch {
  readonly leaf: ParsedCertificate
  readonly intermediates: readonly ParsedCertificate[]
  readonly anchors: readonly ParsedCertificate[]
  readonly linkCache?: LinkCache
}

/** What the validator says of one candidate: keep it, try the next, or stop searching. */
export type CandidateVerdict = 'accept' | 'next' | 'stop'

/**
 * Offers candidate paths (leaf first, anchor last) whose every link signature verifies to
 * `consider`, depth first, until it accepts one (returned) or says stop. A callback rather than
 * an async generator: sign-in runs this on every login, and each generator layer costs promise
 * hops the plain recursion does not.
 */
export async function findPath(input: PathSearch, crypto: Crypto, consider: (path: ParsedCertificate[]) => CandidateVerdict): Promise<ParsedCertificate[] | undefined> {
  let budget = MAX_LINK_CHECKS
  let stopped = false
  const linkOk = async (child: ParsedCertificate, parent: ParsedCertificate) => budget-- > 0 && linkVerifies(child, parent, input.linkCache, crypto)
  const offer = (path: ParsedCertificate[]): ParsedCertificate[] | undefined => {
    const verdict = consider(path)
    if (verdict === 'stop') stopped = true
    return verdict === 'accept' ? path : undefined
  }
  const search = async (path: ParsedCertificate[]): Promise<ParsedCertificate[] | undefined> => {
    const current = path[path.length - 1] as ParsedCertificate
    if (path.length >= MAX_PATH_LENGTH) return undefined
    for (const anchor of input.anchors) {
      if (stopped) return undefined
      if (couldHaveIssued(anchor, current) && !sameDer(anchor, current) && (await linkOk(current, anchor))) {
        const found = offer([...path, anchor])
        if (found) return found
      }
    }
    for (const candidate of input.intermediates) {
      if (stopped) return undefined
      if (path.some((p) => sameDer(p, candidate)) || !couldHaveIssued(candidate, current)) continue
      if (!(await linkOk(current, candidate))) continue
      const found = await search([...path, candidate])
      if (found) return found
    }
    return undefined
  }
  return search([input.leaf])
}
