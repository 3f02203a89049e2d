/**
 * Certification path building and validation with the checks pkijs's chain engine lacks
 * (reference/pkijs-notes.md §2.4): pathLenConstraint, keyCertSign on CAs, unknown critical
 * extensions, weak algorithms and keys, validity of every certificate with a clock skew, and the
 * leaf being the certificate we asked about. Each link's signature is verified with WebCrypto.
 *
 * The path runs leaf → intermediates → trust anchor. Trust anchors are configured certificates;
 * their own signature and extensions are not examined (RFC 5280 §6.1: an anchor is a name and a
 * key), except validity and pathLenConstraint, which OpenSSL applies too.
 */
import { getEngine, getCrypto } from '../pki/engine.ts'
import { ExtensionOid } from '../pki/oids.ts'
import { checkKeyStrength, checkSignatureAlgorithm } from './algorithm-policy.ts'
import type { ParsedCertificate } from './certificate.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import { LinkCache } from './link-cache.ts'

/** Default allowed clock difference for validity periods. */
export const DEFAULT_SKEW_MS = 5 * 60_000

/** Longest path (leaf + intermediates + anchor) we try to build. */
const MAX_PATH_LENGTH = 8

/**
 * Most signature checks one path search may spend. Certificates that all name each other as
 * issuer (same name, same key) would otherwise make the depth-first search exponential.
 */
const MAX_LINK_CHECKS = 64

/**
 * Extensions a path may mark critical because we process them (or, for the policy ones, because
 * sign-in requires no policy so they cannot narrow an empty requirement).
 */
export const UNDERSTOOD_CRITICAL_EXTENSIONS: ReadonlySet<string> = new Set<string>([
  ExtensionOid.basicConstraints,
  ExtensionOid.keyUsage,
  ExtensionOid.extKeyUsage,
  ExtensionOid.subjectAltName,
  ExtensionOid.certificatePolicies,
  ExtensionOid.subjectKeyIdentifier,
  ExtensionOid.authorityKeyIdentifier,
  '2.5.29.36' /* policyConstraints */,
  '2.5.29.54' /* inhibitAnyPolicy */,
])

/** Inputs of {@link validatePath}. */
export interface PathValidationInput {
  readonly leaf: ParsedCertificate
  /** Untrusted certificates that may serve as intermediates (from the CMS, from configuration). */
  readonly intermediates: readonly ParsedCertificate[]
  readonly anchors: readonly ParsedCertificate[]
  readonly now: Date
  readonly skewMs?: number
  /** Remembers verified certificate signatures between calls. */
  readonly linkCache?: LinkCache
  readonly crypto?: Crypto
}

function sameDer(a: ParsedCertificate, b: ParsedCertificate): boolean {
  if (a === b) return true
  if (a.der.length !== b.der.length) return false
  for (let i = 0; i < a.der.length; i++) if (a.der[i] !== b.der[i]) return false
  return true
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

async function buildPath(input: PathValidationInput, crypto: Crypto): Promise<ParsedCertificate[] | undefined> {
  let budget = MAX_LINK_CHECKS
  const linkOk = (child: ParsedCertificate, parent: ParsedCertificate) => budget-- > 0 && linkVerifies(child, parent, input.linkCache, crypto)
  const search = async (path: ParsedCertificate[]): Promise<ParsedCertificate[] | undefined> => {
    const current = path[path.length - 1] as ParsedCertificate
    if (path.length >= MAX_PATH_LENGTH) return undefined
    for (const anchor of input.anchors) {
      if (couldHaveIssued(anchor, current) && !sameDer(anchor, current) && (await linkOk(current, anchor))) {
        return [...path, anchor]
      }
    }
    for (const candidate of input.intermediates) {
      if (path.some((p) => sameDer(p, candidate)) || !couldHaveIssued(candidate, current)) continue
      if (!(await linkOk(current, candidate))) continue
      const found = await search([...path, candidate])
      if (found) return found
    }
    return undefined
  }
  return search([input.leaf])
}

function checkValidity(cert: ParsedCertificate, now: Date, skewMs: number, role: string): void {
  const t = now.getTime()
  if (cert.notBefore.getTime() - skewMs > t) {
    refuse(LoginErrorCode.CertNotYetValid, `The ${role} certificate "${cert.subjectDn}" is valid only from ${cert.notBefore.toISOString()}`, {
      role,
      notBefore: cert.notBefore.toISOString(),
    })
  }
  if (cert.notAfter.getTime() + skewMs < t) {
    refuse(LoginErrorCode.CertExpired, `The ${role} certificate "${cert.subjectDn}" expired on ${cert.notAfter.toISOString()}`, {
      role,
      notAfter: cert.notAfter.toISOString(),
    })
  }
}

function checkCa(cert: ParsedCertificate, intermediatesBelow: number, isAnchor: boolean): void {
  if (!isAnchor) {
    if (!cert.basicConstraints?.cA) {
      refuse(LoginErrorCode.NotACa, `"${cert.subjectDn}" issued a certificate but is not a CA (basicConstraints)`, { subject: cert.subjectDn })
    }
    if (cert.keyUsage && !cert.keyUsage.has('keyCertSign')) {
      refuse(LoginErrorCode.NotACa, `"${cert.subjectDn}" issued a certificate but lacks keyCertSign`, { subject: cert.subjectDn })
    }
  }
  const pathLen = cert.basicConstraints?.pathLen
  if (pathLen !== undefined && intermediatesBelow > pathLen) {
    refuse(LoginErrorCode.PathLen, `"${cert.subjectDn}" allows ${pathLen} intermediate CA(s) below it, the path has ${intermediatesBelow}`, {
      subject: cert.subjectDn,
      pathLen,
      intermediates: intermediatesBelow,
    })
  }
}

function checkCriticalExtensions(cert: ParsedCertificate): void {
  for (const oid of cert.criticalExtensions) {
    if (!UNDERSTOOD_CRITICAL_EXTENSIONS.has(oid)) {
      refuse(LoginErrorCode.UnknownCriticalExtension, `"${cert.subjectDn}" has an unknown critical extension ${oid}`, { oid, subject: cert.subjectDn })
    }
  }
}

/**
 * Builds a path from `leaf` to one of `anchors` and validates it. Returns the path leaf first,
 * anchor last. Throws ERR_UNTRUSTED_CHAIN when no path with valid signatures reaches an anchor,
 * then the code of the first failed check (validity, algorithms, CA constraints, pathLen,
 * critical extensions). Revocation and leaf purpose are checked by the caller.
 */
export async function validatePath(input: PathValidationInput): Promise<ParsedCertificate[]> {
  const crypto = input.crypto ?? getCrypto()
  const skewMs = input.skewMs ?? DEFAULT_SKEW_MS
  const path = await buildPath(input, crypto)
  if (!path) {
    return refuse(LoginErrorCode.UntrustedChain, `No path from "${input.leaf.subjectDn}" to a trusted root`, { issuer: input.leaf.issuerDn })
  }
  const anchorIndex = path.length - 1
  path.forEach((cert, i) => checkValidity(cert, input.now, skewMs, i === 0 ? 'signer' : i === anchorIndex ? 'root' : 'intermediate'))
  path.forEach((cert, i) => {
    if (i === anchorIndex) return
    checkSignatureAlgorithm(cert.cert.signatureAlgorithm, `certificate "${cert.subjectDn}"`)
    checkKeyStrength(cert.publicKey, cert.subjectDn)
    checkCriticalExtensions(cert)
  })
  // Index i ≥ 1 is a CA; the non-self-issued intermediates below it are those at 1..i-1.
  for (let i = 1; i < path.length; i++) checkCa(path[i] as ParsedCertificate, i - 1, i === anchorIndex)
  return path
}
