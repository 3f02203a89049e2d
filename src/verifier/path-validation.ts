/**
 * Certification path validation per RFC 5280 §6.1 over the candidates path-building.ts finds:
 * validity of every certificate with a clock skew, weak algorithms and keys, unknown critical
 * extensions, the §4 profile MUSTs (certificate-profile.ts), basicConstraints/keyCertSign on
 * CAs, pathLenConstraint (self-issued intermediates not counted, §6.1.4(l)), name constraints
 * (name-constraints.ts) and certificate policies (policy-tree.ts). pkijs's own chain engine is
 * not used (docs/pkijs-notes.md#chain-validation-engine).
 *
 * Trust anchors: with `anchorChecks` (the default) the anchor certificate is held to what it
 * claims, RFC 5937 style — validity, cA=TRUE, keyCertSign when keyUsage is present,
 * pathLenConstraint, understood critical extensions, the profile rules, and its
 * nameConstraints apply to the path. With `anchorChecks: false` the anchor is only a name and
 * a key (RFC 5280 §6.1.1(d)), as for an anchor configured without a certificate.
 */
import { getCrypto } from '../pki/engine.ts'
import { ExtensionOid } from '../pki/oids.ts'
import { QoltanbaError } from '../core/errors.ts'
import { checkKeyStrength, checkSignatureAlgorithm } from './algorithm-policy.ts'
import type { ParsedCertificate } from './certificate.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import { PathExtensionOid } from './extension-facts.ts'
import type { LinkCache } from './link-cache.ts'
import { addNameConstraints, checkNameConstraints, EMPTY_NAME_CONSTRAINTS } from './name-constraints.ts'
import { findPath } from './path-building.ts'
import { processPolicies } from './policy-tree.ts'

/** Default allowed clock difference for validity periods. */
export const DEFAULT_SKEW_MS = 5 * 60_000

/**
 * Most complete candidate paths tried before giving up with the first one's refusal. Each
 * candidate's links are already verified (and counted against path-building's budget).
 */
const MAX_CANDIDATE_PATHS = 8

/** Extensions a path may mark critical because we process them. */
export const UNDERSTOOD_CRITICAL_EXTENSIONS: ReadonlySet<string> = new Set<string>([
  ExtensionOid.basicConstraints,
  ExtensionOid.keyUsage,
  ExtensionOid.extKeyUsage,
  ExtensionOid.subjectAltName,
  ExtensionOid.certificatePolicies,
  ExtensionOid.subjectKeyIdentifier,
  ExtensionOid.authorityKeyIdentifier,
  PathExtensionOid.nameConstraints,
  PathExtensionOid.policyMappings,
  PathExtensionOid.policyConstraints,
  PathExtensionOid.inhibitAnyPolicy,
])

/** Inputs of {@link validatePath}. */
export interface PathValidationInput {
  readonly leaf: ParsedCertificate
  /** Untrusted certificates that may serve as intermediates (from the CMS, from configuration). */
  readonly intermediates: readonly ParsedCertificate[]
  readonly anchors: readonly ParsedCertificate[]
  readonly now: Date
  readonly skewMs?: number
  /**
   * Hold the anchor certificate to its own extensions (RFC 5937 style; see the file comment).
   * Default true: anchors here are always certificates, and a root that is not a CA, has
   * expired or constrains names should not be trusted beyond what it says.
   */
  readonly anchorChecks?: boolean
  /**
   * Certificate policy OIDs the leaf must be valid under (user-initial-policy-set with
   * initial-explicit-policy, RFC 5280 §6.1.1), e.g. NCA's 1.2.398.3.3.2.x. Default: none.
   */
  readonly requiredPolicies?: readonly string[]
  /** Remembers verified certificate signatures between calls. */
  readonly linkCache?: LinkCache
  readonly crypto?: Crypto
}

function checkValidity(cert: ParsedCertificate, now: Date, skewMs: number, role: string): void {
  // Certificate times have whole seconds and the period includes both ends (§4.1.2.5), so
  // 00:00:00.005 is still within a notAfter of 00:00:00 (x509-limbo validity::notafter-fractional).
  const t = Math.floor(now.getTime() / 1000) * 1000
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

function checkIsCa(cert: ParsedCertificate): void {
  if (!cert.basicConstraints?.cA) {
    refuse(LoginErrorCode.NotACa, `"${cert.subjectDn}" issued a certificate but is not a CA (basicConstraints)`, { subject: cert.subjectDn })
  }
  if (cert.keyUsage && !cert.keyUsage.has('keyCertSign')) {
    refuse(LoginErrorCode.NotACa, `"${cert.subjectDn}" issued a certificate but lacks keyCertSign`, { subject: cert.subjectDn })
  }
}

function checkPathLen(cert: ParsedCertificate, intermediatesBelow: number): void {
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
 * Profile rules not applied to an anchor: its authorityKeyIdentifier would name the key of an
 * issuer we never look at (the anchor's own signature is not checked), so an anchor that is a
 * cross-certificate without AKI is still a usable name and key (x509-limbo cve-2024-0567).
 */
const NOT_FOR_ANCHORS: ReadonlySet<string> = new Set(['missing-aki'])

function checkProfile(cert: ParsedCertificate, isAnchor = false): void {
  const problem = cert.profileProblems.find((p) => !isAnchor || !NOT_FOR_ANCHORS.has(p.rule))
  if (problem) refuse(problem.code, `"${cert.subjectDn}": ${problem.message}`, { subject: cert.subjectDn, rule: problem.rule })
}

/** Name constraints from the anchor (when checked) down to the leaf, §6.1.3(b)(c), §6.1.4(g). */
function checkNames(path: readonly ParsedCertificate[], anchorChecks: boolean): void {
  const anchor = path[path.length - 1] as ParsedCertificate
  let state = anchorChecks && anchor.nameConstraints ? addNameConstraints(EMPTY_NAME_CONSTRAINTS, anchor.nameConstraints) : EMPTY_NAME_CONSTRAINTS
  for (let i = path.length - 2; i >= 0; i--) {
    const cert = path[i] as ParsedCertificate
    if (i === 0 || !cert.selfIssued) checkNameConstraints(cert, state)
    if (i > 0 && cert.nameConstraints) state = addNameConstraints(state, cert.nameConstraints)
  }
}

/** Policy processing runs only when it can change the outcome (it is not free on the hot path). */
function needsPolicyProcessing(path: readonly ParsedCertificate[], required: readonly string[] | undefined): boolean {
  if (required) return true
  for (let i = 0; i < path.length - 1; i++) if ((path[i] as ParsedCertificate).policyConstraints?.requireExplicitPolicy !== undefined) return true
  return false
}

/** Every check of one candidate path; throws the first failure. */
function checkPath(path: readonly ParsedCertificate[], input: PathValidationInput): void {
  const skewMs = input.skewMs ?? DEFAULT_SKEW_MS
  const anchorChecks = input.anchorChecks ?? true
  const anchorIndex = path.length - 1
  const anchor = path[anchorIndex] as ParsedCertificate
  path.forEach((cert, i) => {
    if (i === anchorIndex && !anchorChecks) return
    checkValidity(cert, input.now, skewMs, i === 0 ? 'signer' : i === anchorIndex ? 'root' : 'intermediate')
  })
  path.forEach((cert, i) => {
    if (i === anchorIndex) return
    checkSignatureAlgorithm(cert.cert.signatureAlgorithm, `certificate "${cert.subjectDn}"`)
    checkKeyStrength(cert.publicKey, cert.subjectDn)
    checkCriticalExtensions(cert)
    checkProfile(cert)
  })
  if (anchorChecks) {
    checkCriticalExtensions(anchor)
    checkProfile(anchor, true)
  }
  // Index i ≥ 1 issued the certificate below it; its pathLen counts the non-self-issued
  // intermediates at 1..i-1 (§6.1.4(l): self-issued ones, e.g. key rollover, do not count).
  let intermediatesBelow = 0
  for (let i = 1; i < path.length; i++) {
    const cert = path[i] as ParsedCertificate
    if (i < anchorIndex || anchorChecks) {
      checkIsCa(cert)
      checkPathLen(cert, intermediatesBelow)
    }
    if (!cert.selfIssued) intermediatesBelow++
  }
  checkNames(path, anchorChecks)
  if (needsPolicyProcessing(path, input.requiredPolicies)) {
    processPolicies(path, input.requiredPolicies ? { requiredPolicies: input.requiredPolicies } : {})
  }
}

/**
 * Builds a path from `leaf` to one of `anchors` and validates it. Returns the path leaf first,
 * anchor last. Throws ERR_UNTRUSTED_CHAIN when no path with valid signatures reaches an anchor;
 * when candidate paths exist but all fail, the first candidate's refusal (validity, algorithms,
 * profile, CA constraints, pathLen, name constraints, policy). Revocation and leaf purpose are
 * checked by the caller.
 */
export async function validatePath(input: PathValidationInput): Promise<ParsedCertificate[]> {
  const crypto = input.crypto ?? getCrypto()
  let firstRefusal: QoltanbaError | undefined
  let tried = 0
  const path = await findPath(input, crypto, (candidate) => {
    try {
      checkPath(candidate, input)
      return 'accept'
    } catch (e) {
      if (!(e instanceof QoltanbaError)) throw e
      firstRefusal ??= e
      return ++tried >= MAX_CANDIDATE_PATHS ? 'stop' : 'next'
    }
  })
  if (path) return path
  if (firstRefusal) throw firstRefusal
  return refuse(LoginErrorCode.UntrustedChain, `No path from "${input.leaf.subjectDn}" to a trusted root`, { issuer: input.leaf.issuerDn })
}
