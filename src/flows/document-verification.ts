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
import { GostOid } from '../pki/oids.ts'

export interface DocumentVerificationInput {
  /** The signature file (.p7s/.cms, DER, base64 or PEM). */
  readonly signature: Blob
  /** The document's SHA-256, when a document was given (detached signatures need it). */
  readonly documentSha256?: Uint8Array
  /** The document's GOST digests by digest OID, when the signature's signers use GOST (see {@link gostDocumentDigests}). */
  readonly documentDigestsByOid?: Readonly<Record<string, Uint8Array>>
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

/**
 * The GOST digests src/pki/gost computes, as the DER of their OIDs (06 08 1.2.398.3.10.1.3.1 /
 * …3.3): a signature naming one of them has a GOST signer (the key parameters name the 2004 hash
 * with another, longer OID, so a certificate alone does not match GOST 34.311-95).
 */
const GOST_DIGEST_DER: ReadonlyArray<readonly [string, readonly number[]]> = [
  [GostOid.digest34311, [0x06, 0x08, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x03, 0x01]],
  [GostOid.digest2015x512, [0x06, 0x08, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x03, 0x03]],
]

/** DER of a signature file that may be DER, base64 or PEM (undefined when it is none of them: the verifier says so). */
function derOf(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes[0] === 0x30) return bytes
  try {
    const text = new TextDecoder().decode(bytes).replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, '')
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
  } catch {
    return undefined
  }
}

function contains(haystack: Uint8Array, needle: readonly number[]): boolean {
  outer: for (let i = haystack.indexOf(needle[0] as number); i >= 0 && i <= haystack.length - needle.length; i = haystack.indexOf(needle[0] as number, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

/** The GOST digest OIDs a signature file names (empty for SHA-2 signatures). */
export function gostDigestOidsOf(signature: Uint8Array): string[] {
  const der = derOf(signature)
  return der ? GOST_DIGEST_DER.filter(([, tlv]) => contains(der, tlv)).map(([oid]) => oid) : []
}

/**
 * The document's GOST digests for the signature's GOST signers, computed here (src/pki/gost,
 * loaded only now) so that still only digests leave the device. The GOST hashes have no
 * streaming form, so the document is read whole: one larger than `maxBytes` (the page's
 * in-memory threshold) is refused with ERR_TOO_LARGE, details.gost, not hashed wrong.
 */
export async function gostDocumentDigests(signature: Blob, document: Blob, maxBytes: number): Promise<Record<string, Uint8Array>> {
  if (signature.size > MAX_SIGNATURE_FILE_BYTES) return {}
  const oids = gostDigestOidsOf(new Uint8Array(await signature.arrayBuffer()))
  if (!oids.length) return {}
  if (document.size > maxBytes) throw new QoltanbaError(ErrorCode.TooLarge, 'A document signed with a GOST key is checked on this device up to a size', { limit: maxBytes, gost: true })
  const [gost, bytes] = await Promise.all([import('../pki/gost/index.ts'), document.arrayBuffer()])
  const out: Record<string, Uint8Array> = {}
  for (const oid of oids) {
    const digest = gost.gostDigest(oid, new Uint8Array(bytes))
    if (digest) out[oid] = digest
  }
  return out
}

async function verifyHere(input: DocumentVerificationInput): Promise<VerificationReport> {
  const { verifyDocumentSignatures, verificationReport } = await import('../verifier/index.ts')
  const anchors = await input.offlineAnchors()
  const result = await verifyDocumentSignatures({
    cms: new Uint8Array(await input.signature.arrayBuffer()),
    ...(input.documentSha256 ? { contentSha256: input.documentSha256 } : {}),
    ...(input.documentDigestsByOid ? { contentDigestsByOid: input.documentDigestsByOid } : {}),
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
      ...(input.documentDigestsByOid ? { digests: Object.fromEntries(Object.entries(input.documentDigestsByOid).map(([oid, d]) => [oid, toHex(d)])) } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.fetch ? { fetch: input.fetch } : {}),
    })
    return { report, offline: false }
  } catch (e) {
    if (!isQoltanbaError(e, ErrorCode.Network) || input.signal?.aborted) throw e
    return { report: await verifyHere(input), offline: true }
  }
}
