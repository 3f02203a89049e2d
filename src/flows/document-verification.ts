/**
 * Checking a signed document for the /verify page: online, the Registration Center verifies
 * (its trust: our CA and the configured foreign roots, our certificates' status from its
 * database, OCSP/CRL for the rest) and only the document's SHA-256 is sent with the signature;
 * offline, src/verifier runs here on the same report shape, with the roots this device has
 * cached and the validation data embedded in the signature — a signature without embedded status
 * then reads ERR_REVOCATION_UNKNOWN, said plainly, never "valid" by default.
 */
import { toHex } from '../core/bytes.ts'
import { ErrorCode, QoltanbaError, isQoltanbaError } from '../core/errors.ts'
import { postSignatureVerification } from '../api/signature-verify-client.ts'
import type { VerificationReport } from '../verifier/verification-report.ts'

export interface DocumentVerificationInput {
  /** The signature file (.p7s/.cms, DER, base64 or PEM). */
  readonly signature: Blob
  /** The document's SHA-256, when a document was given (detached signatures need it). */
  readonly documentSha256?: Uint8Array
  /** Trusted roots (DER) for the offline check: our CA's root as this device cached it. */
  readonly offlineAnchors: () => Promise<readonly Uint8Array[]>
  readonly signal?: AbortSignal
  /** fetch for the API (tests). */
  readonly fetch?: typeof fetch
}

export interface DocumentVerificationResult {
  readonly report: VerificationReport
  /** Checked on this device without the network (status from embedded data only). */
  readonly offline: boolean
}

/** Largest signature file read on the device (the API's limit too). */
export const MAX_SIGNATURE_FILE_BYTES = 64 * 1024 * 1024

async function verifyHere(input: DocumentVerificationInput): Promise<VerificationReport> {
  const { verifyDocumentSignatures, verificationReport } = await import('../verifier/index.ts')
  const anchors = await input.offlineAnchors()
  const result = await verifyDocumentSignatures({
    cms: new Uint8Array(await input.signature.arrayBuffer()),
    ...(input.documentSha256 ? { contentSha256: input.documentSha256 } : {}),
    trustAnchors: [...anchors],
    // Nothing to ask offline: only what the signature carries can vouch for a status.
    revocation: { check: async () => ({ status: 'unknown', source: 'none', detail: 'offline: no embedded status' }) },
  })
  return verificationReport(result)
}

/**
 * Verifies online, or on this device when the server cannot be reached.
 * @throws QoltanbaError ERR_TOO_LARGE, ERR_MALFORMED, ERR_DOCUMENT_REQUIRED, ERR_USER_CANCELLED, …
 */
export async function verifyDocument(input: DocumentVerificationInput): Promise<DocumentVerificationResult> {
  if (input.signature.size > MAX_SIGNATURE_FILE_BYTES) throw new QoltanbaError(ErrorCode.TooLarge, 'The signature file is too large', { limit: MAX_SIGNATURE_FILE_BYTES })
  try {
    const report = await postSignatureVerification<VerificationReport>(input.signature, {
      ...(input.documentSha256 ? { sha256: toHex(input.documentSha256) } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.fetch ? { fetch: input.fetch } : {}),
    })
    return { report, offline: false }
  } catch (e) {
    if (!isQoltanbaError(e, ErrorCode.Network) || input.signal?.aborted) throw e
    return { report: await verifyHere(input), offline: true }
  }
}
