/**
 * The trust decision shared by sign-in and general CMS verification: the signature with the
 * included certificate, a validated path to an anchor, the signer's purpose, and the revocation
 * status of the signer and every intermediate CA, each failure with its own code.
 */
import { EkuOid } from '../pki/oids.ts'
import type { ParsedCertificate } from './certificate.ts'
import { verifySignedData, type ParsedSignedData } from './cms-signature.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import { checkPathRevocation } from './path-revocation.ts'
import { checkEndEntity } from './end-entity.ts'
import { validatePath, type PathValidationInput } from './path-validation.ts'
import type { RevocationChecker, RevocationResult } from './revocation.ts'
import type { SignatureVerifier } from './signature-verifier.ts'
import type { TrustStore } from './trust-store.ts'

/** What the signer certificate must be fit for. */
export type SignerPurpose = 'authentication' | 'signature' | 'any'

export interface SignerCheckInput {
  readonly parsed: ParsedSignedData
  readonly content: Uint8Array
  readonly store: TrustStore
  readonly now: Date
  readonly skewMs: number
  readonly revocation: RevocationChecker
  readonly crypto: Crypto
  /** Digest + verify for the CMS signature (default: WebCrypto over `crypto`). */
  readonly signatureVerifier?: SignatureVerifier
  readonly purpose: SignerPurpose
  /** Relying-party path options (anchor checks, required certificate policies). */
  readonly pathOptions?: PathOptions
}

/** The validatePath options a relying party may set through verifySignedCms/verifyLoginCms. */
export type PathOptions = Pick<PathValidationInput, 'anchorChecks' | 'requiredPolicies'>

/**
 * The trust inputs that verifySignedCms and verifyLoginCms share: anchors, revocation, clock and
 * crypto, and the relying party's path options. Each options interface extends this one.
 */
export interface TrustCheckOptions {
  /** Trust anchors: a prepared store, or DER certificates. */
  readonly trustAnchors: TrustStore | readonly Uint8Array[]
  readonly revocation: RevocationChecker
  readonly now?: Date
  /** Allowed clock difference for validity periods and expiry (default 5 minutes). */
  readonly skewMs?: number
  readonly crypto?: Crypto
  /** Digest + verify for the CMS signature (default: WebCrypto); servers pass node:crypto's. */
  readonly signatureVerifier?: SignatureVerifier
  /**
   * Certificate policy OIDs the signer certificate must be valid under (RFC 5280 §6.1 policy
   * processing), e.g. NCA's 1.2.398.3.3.2.x; refused with ERR_POLICY_REQUIRED otherwise.
   */
  readonly requiredPolicies?: readonly string[]
  /** Hold the trust anchor certificate to its own extensions (default true; see path-validation.ts). */
  readonly anchorChecks?: boolean
}

/** Only the path options of a caller's options object (which also holds `now`, `crypto`, …). */
export function pathOptionsOf(opts: PathOptions): PathOptions {
  return {
    ...(opts.anchorChecks !== undefined ? { anchorChecks: opts.anchorChecks } : {}),
    ...(opts.requiredPolicies ? { requiredPolicies: opts.requiredPolicies } : {}),
  }
}

/** Refuses a signer certificate not fit for `purpose` (keyUsage, and clientAuth for sign-in). */
export function checkPurpose(leaf: ParsedCertificate, purpose: SignerPurpose): void {
  if (purpose === 'any') return
  const bit = purpose === 'authentication' ? 'digitalSignature' : undefined
  if (bit && !leaf.keyUsage?.has(bit)) {
    refuse(LoginErrorCode.WrongKeyUsage, 'The certificate is not allowed to make digital signatures (keyUsage)', { keyUsage: [...(leaf.keyUsage ?? [])].join(',') })
  }
  if (purpose === 'signature' && !(leaf.keyUsage?.has('digitalSignature') || leaf.keyUsage?.has('nonRepudiation'))) {
    refuse(LoginErrorCode.WrongKeyUsage, 'The certificate is not allowed to sign (keyUsage)', { keyUsage: [...(leaf.keyUsage ?? [])].join(',') })
  }
  if (purpose === 'authentication' && leaf.extKeyUsage && !leaf.extKeyUsage.includes(EkuOid.clientAuth)) {
    refuse(LoginErrorCode.WrongKeyUsage, 'The certificate is not an authentication certificate (extKeyUsage lacks clientAuth)', {
      extKeyUsage: leaf.extKeyUsage.join(','),
    })
  }
}

// Kept importable from here: it was public before the whole path was checked.
export { requireGoodStatus } from './path-revocation.ts'

/**
 * Signature, path, purpose, revocation — in that order. Returns the path (leaf first), the
 * signer's status answer (`revocation`) and the answers for every certificate of the path but
 * the anchor (`revocations`, leaf first).
 */
export async function verifySignerAndPath(
  input: SignerCheckInput,
): Promise<{ chain: ParsedCertificate[]; revocation: RevocationResult; revocations: RevocationResult[] }> {
  const { parsed, store } = input
  await verifySignedData(parsed, input.content, input.crypto, input.signatureVerifier)
  const leaf = parsed.signer
  const chain = await validatePath({
    leaf,
    intermediates: [...parsed.certificates.filter((c) => c !== leaf), ...store.intermediates],
    anchors: store.anchors,
    now: input.now,
    skewMs: input.skewMs,
    linkCache: store.linkCache,
    crypto: input.crypto,
    ...input.pathOptions,
  })
  checkEndEntity(leaf)
  checkPurpose(leaf, input.purpose)
  const revocations = await checkPathRevocation(chain, input.revocation, input.now)
  return { chain, revocation: revocations[0] as RevocationResult, revocations }
}
