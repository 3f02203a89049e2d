/**
 * Signing a document (issue 16, /sign): one path for every signer (browser container, our agent,
 * NCALayer) — the signer makes an ordinary CMS (CAdES-BES attributes: contentType, signingTime,
 * messageDigest, signingCertificateV2), co-signing merges it into the existing signature file,
 * and CAdES-T adds our TSA's token over the new signature. Without network the signature is
 * still made and returned as `timestamp: 'pending'`; {@link addPendingTimestamp} finishes it later.
 * pkijs is loaded here lazily: nothing of this is in the first paint.
 */
import type { Signer, SignerCallOptions } from '../core/signer.ts'
import { ErrorCode, QoltanbaError, isQoltanbaError } from '../core/errors.ts'
import { requestTimestamp, type TimestampOptions } from './timestamp.ts'
import type { PendingSignatureRecord } from '../api/pending-signatures.ts'

/** What to sign: the bytes (small files, attached signatures) or the streamed digest (large files). */
export interface DocumentToSign {
  readonly name: string
  readonly size: number
  /** The whole document, when it was small enough to hold in memory. */
  readonly data?: Uint8Array
  /** SHA-256 of the document (always known: it is shown to the signer before signing). */
  readonly sha256: Uint8Array
}

/** Options of {@link signDocument}. */
export interface SignDocumentRequest extends SignerCallOptions {
  readonly signer: Signer
  readonly certificateId?: string
  readonly document: DocumentToSign
  /** Detached (`.p7s`, the default, as NCA and SIGEX expect) or attached (`.cms`, content inside). */
  readonly detached: boolean
  /** An existing signature file of the same document to add this signature to (co-sign). */
  readonly cosign?: Uint8Array
  /**
   * Countersign signer number `countersign` of the `cosign` file instead of signing the document
   * (RFC 5652 §11.4: the signature value is signed, e.g. an approver vouching for a signature).
   * No timestamp is asked for a countersignature.
   */
  readonly countersign?: number
  /** Ask the TSA for a signature timestamp (CAdES-T). */
  readonly timestamp: boolean
  readonly tsa?: TimestampOptions
}

/** What became of the timestamp. */
export type TimestampState = 'added' | 'pending' | 'skipped'

/** A finished signature file. */
export interface SignedDocument {
  readonly cms: Uint8Array
  /** `<document>.p7s` (detached) or `<document>.cms` (attached). */
  readonly fileName: string
  /** Which SignerInfo is ours (co-signing appends). */
  readonly signerIndex: number
  readonly timestamp: TimestampState
  readonly timestampTime?: Date
}

/**
 * Loads the PKI this flow imports lazily, so that signing works after the network drops even
 * before the service worker has precached these chunks (the /sign page calls it on opening).
 */
export function preloadDocumentSigning(): Promise<unknown> {
  return Promise.all([import('../pki/cades-cosign.ts'), import('../pki/cades-timestamp.ts'), import('../pki/cades-summary.ts'), import('../pki/tsp.ts')])
}

/** The name to save a signature under, next to the document. */
export function signatureFileName(documentName: string, detached: boolean): string {
  return `${documentName}.${detached ? 'p7s' : 'cms'}`
}

/**
 * Signs `document` with `signer` and returns the signature file.
 * @throws QoltanbaError from the signer (ERR_LOCKED, ERR_WRONG_PASSWORD, ERR_USER_CANCELLED …),
 *   ERR_NOT_SUPPORTED (a large file with a signer that needs the data, or attached without data),
 *   ERR_PAYLOAD_MISMATCH (co-signing a signature of another document), ERR_MALFORMED (that file).
 */
export async function signDocument(request: SignDocumentRequest): Promise<SignedDocument> {
  const { document, signer } = request
  const byDigest = !document.data
  if (byDigest && (!request.detached || !signer.capabilities.has('signDigest'))) {
    throw new QoltanbaError(ErrorCode.NotSupported, 'this signer needs the whole document', { reason: request.detached ? 'large-file' : 'attached-large-file' })
  }
  if (request.countersign !== undefined) return countersignDocument(request, request.countersign)
  const { mergeSignatures } = await import('../pki/cades-cosign.ts')
  // Co-signing a file that is not a signature of this document is refused before any PIN is asked.
  if (request.cosign) await checkCosignTarget(request.cosign, document)
  const { cms } = await signer.signCms({
    data: document.data ?? new Uint8Array(),
    detached: request.detached,
    hash: 'SHA-256',
    ...(byDigest ? { messageDigest: document.sha256 } : {}),
    ...(request.certificateId ? { certificateId: request.certificateId } : {}),
    ...(request.storageId ? { storageId: request.storageId } : {}),
    ...(request.secret ? { secret: request.secret } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.locale ? { locale: request.locale } : {}),
  })
  const combined = request.cosign ? mergeSignatures(request.cosign, cms, Number.MAX_SAFE_INTEGER) : cms
  const signerIndex = request.cosign ? (await signerCount(combined)) - 1 : 0
  const base = { fileName: signatureFileName(document.name, request.detached), signerIndex }
  if (!request.timestamp) return { ...base, cms: combined, timestamp: 'skipped' }
  try {
    return { ...base, ...(await addTimestamp(combined, signerIndex, request.tsa)) }
  } catch (e) {
    // Offline (or the TSA busy): the signature stands; its timestamp is added later.
    if (isQoltanbaError(e) && (e.code === ErrorCode.Network || e.code === ErrorCode.RateLimited)) return { ...base, cms: combined, timestamp: 'pending' }
    throw e
  }
}

/** Countersigns one signer of the existing signature file (after checking it is of this document). */
async function countersignDocument(request: SignDocumentRequest, signerIndex: number): Promise<SignedDocument> {
  const { document, signer } = request
  if (!request.cosign) throw new QoltanbaError(ErrorCode.Validation, 'countersigning needs the signature file', { reason: 'no-signature-file' })
  if (!signer.capabilities.has('countersign')) throw new QoltanbaError(ErrorCode.NotSupported, 'this signer cannot countersign', { reason: 'countersign' })
  const summary = await checkCosignTarget(request.cosign, document)
  if (!summary.signers[signerIndex]) throw new QoltanbaError(ErrorCode.NotFound, 'no such signer in the signature file', { signerIndex })
  const { cms } = await signer.signCms({
    data: new Uint8Array(),
    hash: 'SHA-256',
    countersign: { cms: request.cosign, signerIndex },
    ...(request.certificateId ? { certificateId: request.certificateId } : {}),
    ...(request.storageId ? { storageId: request.storageId } : {}),
    ...(request.secret ? { secret: request.secret } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.locale ? { locale: request.locale } : {}),
  })
  return { cms, fileName: signatureFileName(document.name, summary.detached), signerIndex, timestamp: 'skipped' }
}

/** One signer of an existing signature file, as the page offers it for countersigning. */
export interface ExistingSigner {
  /** The signer's common name (or DN); empty when the file does not carry the certificate. */
  readonly name: string
  readonly countersigned: boolean
}

/**
 * The signers of a signature file the person loaded (to choose whom to countersign).
 * @throws QoltanbaError ERR_MALFORMED (not a CMS SignedData).
 */
export async function describeExistingSigners(cms: Uint8Array): Promise<ExistingSigner[]> {
  const { describeSignatureFile } = await import('../pki/cades-summary.ts')
  return (await describeSignatureFile(cms)).signers.map((s) => ({
    name: s.certificate ? (s.certificate.subject.commonName ?? s.certificate.subject.dn) : '',
    countersigned: s.countersigned,
  }))
}

/** Adds the timestamp a signature made offline is still missing. */
export async function addPendingTimestamp(signed: SignedDocument, tsa?: TimestampOptions): Promise<SignedDocument> {
  return { ...signed, ...(await addTimestamp(signed.cms, signed.signerIndex, tsa)) }
}

async function addTimestamp(cms: Uint8Array, signerIndex: number, tsa?: TimestampOptions): Promise<{ cms: Uint8Array; timestamp: 'added'; timestampTime: Date }> {
  const { addSignatureTimestamp, signatureTimestampImprint } = await import('../pki/cades-timestamp.ts')
  const { token, info } = await requestTimestamp(await signatureTimestampImprint(cms, signerIndex), tsa)
  return { cms: await addSignatureTimestamp(cms, token, signerIndex), timestamp: 'added', timestampTime: info.genTime }
}

async function signerCount(cms: Uint8Array): Promise<number> {
  const { loadSignedData } = await import('../pki/cms.ts')
  return loadSignedData(cms, Number.MAX_SAFE_INTEGER).signerInfos.length
}

/** The existing signature must be over this document (same SHA-256 or same embedded content). */
async function checkCosignTarget(existing: Uint8Array, document: DocumentToSign): Promise<{ detached: boolean; signers: readonly unknown[] }> {
  const { describeSignatureFile } = await import('../pki/cades-summary.ts')
  const summary = await describeSignatureFile(existing)
  if (!summary.sha256.some((d) => d.length === document.sha256.length && d.every((b, i) => b === document.sha256[i]))) {
    throw new QoltanbaError(ErrorCode.PayloadMismatch, 'the signature file is for another document', { reason: 'different-document' })
  }
  return summary
}

/** Where signatures waiting for a timestamp are kept (src/api/pending-signatures.ts). */
export interface PendingSignatureStore {
  list(): Promise<PendingSignatureRecord[]>
  claim(id: string): Promise<PendingSignatureRecord | undefined>
  put(record: PendingSignatureRecord): Promise<void>
}

/**
 * Adds the timestamp to every stored signature still waiting for one (those created before
 * `before`, so the page that made a signature finishes its own). A record is claimed first and
 * put back — timestamped, or as it was when the TSA cannot be reached.
 * @returns the records now timestamped.
 */
export async function completePendingTimestamps(store: PendingSignatureStore, before: number, tsa?: TimestampOptions): Promise<PendingSignatureRecord[]> {
  const done: PendingSignatureRecord[] = []
  for (const waiting of await store.list()) {
    if (waiting.timestamp !== 'pending' || waiting.createdAt >= before) continue
    const record = await store.claim(waiting.id)
    if (!record) continue
    try {
      const signed = await addPendingTimestamp({ cms: record.cms, fileName: record.fileName, signerIndex: record.signerIndex, timestamp: 'pending' }, tsa)
      const next: PendingSignatureRecord = {
        ...record,
        cms: signed.cms,
        timestamp: 'added',
        ...(signed.timestampTime ? { timestampTime: signed.timestampTime.toISOString() } : {}),
      }
      await store.put(next)
      done.push(next)
    } catch (e) {
      await store.put(record)
      if (!(isQoltanbaError(e) && (e.code === ErrorCode.Network || e.code === ErrorCode.RateLimited))) throw e
      break
    }
  }
  return done
}
