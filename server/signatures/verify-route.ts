/**
 * POST /api/v1/signatures/verify: anyone checks a signed document (multipart/form-data):
 * - `signature` (file, required): the CMS — .p7s/.cms, DER, base64 or PEM; attached or detached;
 * - `document` (file, optional): the signed document of a detached signature, hashed as it
 *   streams in (SHA-256/384/512 at once), never held in memory;
 * - `sha256` (field, optional): instead of the document, its SHA-256 in hex — what the /verify
 *   page sends for a large file it hashed itself.
 * Answers 200 with a verdict per signer (src/verifier/verification-report.ts), valid or not; 4xx with a
 * stable code when the request itself cannot be read: ERR_TOO_LARGE (413) as soon as a declared
 * Content-Length or the bytes read pass the limit, ERR_MALFORMED for a file that is no CMS,
 * ERR_DOCUMENT_REQUIRED for a detached signature without its document, ERR_VALIDATION for a
 * missing signature part or a malformed `sha256`, ERR_UNSUPPORTED_MEDIA_TYPE for a body that
 * is not multipart. Registered as an encapsulated plugin: its multipart parser applies here only.
 */
import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import { verificationReport, verifyDocumentSignatures, type TrustStore, type RevocationChecker, type SignatureVerifier } from '../../src/verifier/index.ts'
import { ApiError, ApiErrorCode, badRequest } from '../errors.ts'

/** What the route verifies against (the sign-in trust: our CA, TRUST_ANCHORS_DIR, revocation routing). */
export interface SignatureTrust {
  readonly trust: TrustStore
  readonly revocation: RevocationChecker
  readonly signatureVerifier: SignatureVerifier
}

export interface SignatureRouteOptions {
  readonly setup: () => Promise<SignatureTrust>
  /** Largest detached document read (default 100 MiB; larger documents are sent as their `sha256`). */
  readonly maxDocumentBytes?: number
  /** Largest signature file (default 64 MiB: an attached signature holds its document). */
  readonly maxSignatureBytes?: number
  readonly rateLimit: { readonly max: number; readonly timeWindow: number }
}

export const DEFAULT_MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
export const DEFAULT_MAX_SIGNATURE_BYTES = 64 * 1024 * 1024
/** Multipart boundaries, part headers and the `sha256` field on top of the two files. */
const ENVELOPE_BYTES = 64 * 1024

const tooLarge = (limit: number) => new ApiError(413, ApiErrorCode.TooLarge, `The upload is larger than ${limit} bytes; send a large document as its sha256`, { limit })

async function readAll(stream: Readable, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let n = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    n += chunk.length
    if (n > limit) {
      stream.resume() // drain the rest of this part, do not keep it
      throw tooLarge(limit)
    }
    chunks.push(chunk)
  }
  return new Uint8Array(Buffer.concat(chunks))
}

/** The document's digests for every hash a signer may have used, read once as it streams. */
async function hashAll(stream: Readable): Promise<{ 'SHA-256': Uint8Array; 'SHA-384': Uint8Array; 'SHA-512': Uint8Array; bytes: number }> {
  const h256 = createHash('sha256')
  const h384 = createHash('sha384')
  const h512 = createHash('sha512')
  let bytes = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length
    h256.update(chunk)
    h384.update(chunk)
    h512.update(chunk)
  }
  return { 'SHA-256': h256.digest(), 'SHA-384': h384.digest(), 'SHA-512': h512.digest(), bytes }
}

/** Multipart's own errors as ours: its limits are ERR_TOO_LARGE, anything else unreadable input. */
function asApiError(e: unknown, limit: number): unknown {
  const code = (e as { code?: string }).code
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') return tooLarge(limit)
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new ApiError(415, ApiErrorCode.UnsupportedMediaType, 'Send multipart/form-data with a signature file')
  if (typeof code === 'string' && code.startsWith('FST_')) return badRequest(ApiErrorCode.Validation, 'The multipart body cannot be read')
  return e
}

export async function signatureRoutes(app: FastifyInstance, opts: SignatureRouteOptions): Promise<void> {
  const maxDocument = opts.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES
  const maxSignature = opts.maxSignatureBytes ?? DEFAULT_MAX_SIGNATURE_BYTES
  const maxRequest = maxDocument + maxSignature + ENVELOPE_BYTES
  await app.register(multipart, {
    limits: { fileSize: Math.max(maxDocument, maxSignature), files: 2, fields: 2, parts: 4, fieldSize: 256, headerPairs: 16 },
    throwFileSizeLimit: true,
  })

  app.post(
    '/api/v1/signatures/verify',
    {
      config: { rateLimit: opts.rateLimit },
      // Refused before a byte of the body is read when the client says how much it will send.
      onRequest: async (req, reply) => {
        const declared = Number(req.headers['content-length'] ?? 0)
        if (declared > maxRequest) {
          reply.header('connection', 'close')
          throw tooLarge(maxRequest)
        }
      },
    },
    async (req) => {
      if (!req.isMultipart()) throw new ApiError(415, ApiErrorCode.UnsupportedMediaType, 'Send multipart/form-data with a signature file')
      let signature: Uint8Array | undefined
      let document: Awaited<ReturnType<typeof hashAll>> | undefined
      let sha256: Uint8Array | undefined
      try {
        for await (const part of req.parts()) {
          if (part.type === 'file' && part.fieldname === 'signature' && !signature) signature = await readAll(part.file, maxSignature)
          else if (part.type === 'file' && part.fieldname === 'document' && !document) document = await hashAll(part.file)
          else if (part.type === 'field' && part.fieldname === 'sha256' && typeof part.value === 'string') {
            if (!/^[0-9a-fA-F]{64}$/.test(part.value.trim())) throw badRequest(ApiErrorCode.Validation, 'sha256 must be 64 hex digits')
            sha256 = new Uint8Array(Buffer.from(part.value.trim(), 'hex'))
          } else {
            if (part.type === 'file') part.file.resume()
            throw badRequest(ApiErrorCode.Validation, `Unexpected part "${part.fieldname}": send signature, and document or sha256`)
          }
        }
      } catch (e) {
        throw asApiError(e, maxRequest)
      }
      if (!signature) throw badRequest(ApiErrorCode.Validation, 'The signature file is missing (part "signature")')
      if (document && sha256) throw badRequest(ApiErrorCode.Validation, 'Send the document or its sha256, not both')
      const setup = await opts.setup()
      const digests = document ? { 'SHA-256': document['SHA-256'], 'SHA-384': document['SHA-384'], 'SHA-512': document['SHA-512'] } : sha256 ? { 'SHA-256': sha256 } : undefined
      const result = await verifyDocumentSignatures({
        cms: signature,
        ...(digests ? { contentDigests: digests } : {}),
        trustAnchors: setup.trust,
        revocation: setup.revocation,
        signatureVerifier: setup.signatureVerifier,
        maxCmsBytes: maxSignature,
      })
      const report = verificationReport(result)
      return document ? { ...report, document: { ...report.document, bytes: document.bytes } } : report
    },
  )
}
