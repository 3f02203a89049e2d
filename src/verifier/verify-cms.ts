/**
 * General CMS verification for relying parties: a signed document (attached or detached) checked
 * with the same trust rules as sign-in — signature, validated path, key usage for signing, and
 * revocation status at `now`. Unlike sign-in, any extended key usage is accepted.
 */
import { getCrypto } from '../pki/engine.ts'
import type { ParsedCertificate } from './certificate.ts'
import { checkContentType, parseSignedData } from './cms-signature.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import { subjectIdentity, type SubjectIdentity } from './name.ts'
import { DEFAULT_SKEW_MS } from './path-validation.ts'
import type { RevocationResult } from './revocation.ts'
import { pathOptionsOf, verifySignerAndPath, type SignerPurpose, type TrustCheckOptions } from './signer-checks.ts'
import { createTrustStore } from './trust-store.ts'

export interface VerifySignedCmsOptions extends TrustCheckOptions {
  readonly cms: Uint8Array | string
  /** Content of a detached CMS. */
  readonly content?: Uint8Array
  /** Default 'signature' (digitalSignature or nonRepudiation). */
  readonly purpose?: SignerPurpose
  /**
   * eContentType OIDs accepted (default: id-data only, a signed document). Anything else — a
   * timestamp token (id-ct-TSTInfo), a receipt — is ERR_WRONG_CONTENT_TYPE unless listed here,
   * so a signature with another meaning never passes for a signed document by accident.
   */
  readonly contentTypes?: readonly string[]
}

export interface SignedCmsVerification {
  readonly content: Uint8Array
  readonly signer: ParsedCertificate
  readonly identity: SubjectIdentity
  readonly chain: readonly ParsedCertificate[]
  /** The signer certificate's status. */
  readonly revocation: RevocationResult
  /** The status of every certificate of `chain` but the anchor, leaf first (`revocations[0]` is `revocation`). */
  readonly revocations: readonly RevocationResult[]
  readonly signingTime?: Date
}

/**
 * Verifies a CMS SignedData; rejects with the same codes as verifyLoginCms (payload codes aside),
 * ERR_WRONG_CONTENT_TYPE included, and with nothing but a QoltanbaError for any input.
 */
export async function verifySignedCms(opts: VerifySignedCmsOptions): Promise<SignedCmsVerification> {
  const crypto = opts.crypto ?? getCrypto()
  const now = opts.now ?? new Date()
  const store = 'anchors' in opts.trustAnchors ? opts.trustAnchors : createTrustStore(opts.trustAnchors)
  const parsed = parseSignedData(opts.cms)
  checkContentType(parsed, opts.contentTypes)
  const content = parsed.content ?? opts.content
  if (!content) return refuse(LoginErrorCode.Malformed, 'The CMS is detached and no content was given')
  const { chain, revocation, revocations } = await verifySignerAndPath({
    parsed,
    content,
    store,
    now,
    skewMs: opts.skewMs ?? DEFAULT_SKEW_MS,
    revocation: opts.revocation,
    crypto,
    ...(opts.signatureVerifier ? { signatureVerifier: opts.signatureVerifier } : {}),
    purpose: opts.purpose ?? 'signature',
    pathOptions: pathOptionsOf(opts),
  })
  return {
    content,
    signer: parsed.signer,
    identity: subjectIdentity(parsed.signer.cert.subject),
    chain,
    revocation,
    revocations,
    ...(parsed.signingTime ? { signingTime: parsed.signingTime } : {}),
  }
}
