/**
 * POST /api/v1/signatures/verify: anyone checks a signed document (multipart/form-data):
 * - `signature` (file, required): the CMS — .p7s/.cms, DER, base64 or PEM; attached or detached;
 * - `document` (file, optional): the signed document of a detached signature, hashed as it
 *   streams in (SHA-256/384/512 at once), never held in memory;
 * - `sha256` (field, optional): instead of the document, its SHA-256 in hex — what the /verify
 *   page sends for a large file it hashed itself;
 * - `digest` (field, up to two, with `sha256`): a GOST digest the page computed, `<oid>:<hex>`
 *   (1.2.398.3.10.1.3.1 GOST 34.311-95, 1.2.398.3.10.1.3.3 Streebog-512; issue 23).
 * A GOST signer's document upload is hashed with its GOST digest too: src/pki/gost has no
 * incremental form, so up to maxGostDocumentBytes of the document are kept while it streams and
 * hashed once the signature names a GOST digest; a larger one is ERR_TOO_LARGE (details.gost).
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
import {
  GOST_DIGEST_BYTES,
  gostDocumentDigest,
  isGostDigestOid,
  parseSignedDataSigners,
  verificationReport,
  verifyDocumentSignatures,
  type TrustStore,
  type RevocationChecker,
  type SignatureVerifier,
} from '../../src/verifier/index.ts'
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
  /** Largest detached document hashed with a GOST digest (default 16 MiB: pure JavaScript, held in memory). */
  readonly maxGostDocumentBytes?: number
  readonly rateLimit: { readonly max: number; readonly timeWindow: number }
}

export const DEFAULT_MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
export const DEFAULT_MAX_SIGNATURE_BYTES = 64 * 1024 * 1024
export const DEFAULT_MAX_GOST_DOCUMENT_BYTES = 16 * 1024 * 1024
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

interface HashedDocument {
  readonly 'SHA-256': Uint8Array
  readonly 'SHA-384': Uint8Array
  readonly 'SHA-512': Uint8Array
  readonly bytes: number
  /** The document itself while it is at most `keepBytes` (for a GOST digest, which has no streaming form). */
  readonly kept?: Uint8Array
}

/** The document's digests for every hash a signer may have used, read once as it streams. */
async function hashAll(stream: Readable, keepBytes: number): Promise<HashedDocument> {
  const h256 = createHash('sha256')
  const h384 = createHash('sha384')
  const h512 = createHash('sha512')
  let bytes = 0
  let kept: Buffer[] | undefined = []
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length
    h256.update(chunk)
    h384.update(chunk)
    h512.update(chunk)
    if (kept && bytes <= keepBytes) kept.push(chunk)
    else kept = undefined
  }
  return { 'SHA-256': h256.digest(), 'SHA-384': h384.digest(), 'SHA-512': h512.digest(), bytes, ...(kept ? { kept: new Uint8Array(Buffer.concat(kept)) } : {}) }
}

/** A `digest` field: `<GOST digest OID>:<hex of its length>`. */
function parseDigestField(value: string): [string, Uint8Array] {
  const [oid = '', hex = ''] = value.trim().split(':')
  if (!isGostDigestOid(oid) || !new RegExp(`^[0-9a-fA-F]{${2 * GOST_DIGEST_BYTES[oid]}}$`).test(hex)) {
    throw badRequest(ApiErrorCode.Validation, 'digest must be <GOST digest OID>:<hex digest> (1.2.398.3.10.1.3.1: 64 hex digits, 1.2.398.3.10.1.3.3: 128)')
  }
  return [oid, new Uint8Array(Buffer.from(hex, 'hex'))]
}

/** The GOST digests of an uploaded document that the signature's signers name (none for SHA-2 signers). */
async function gostDigestsOf(signature: Uint8Array, document: HashedDocument, maxSignature: number, limit: number): Promise<Record<string, Uint8Array>> {
  const oids = new Set(parseSignedDataSigners(signature, maxSignature).map((s) => s.digestAlgorithm).filter(isGostDigestOid))
  if (!oids.size) return {}
  if (!document.kept) throw new ApiError(413, ApiErrorCode.TooLarge, `A document signed with a GOST key is checked here up to ${limit} bytes`, { limit, gost: true })
  const out: Record<string, Uint8Array> = {}
  for (const oid of oids) out[oid] = await gostDocumentDigest(oid, document.kept)
  return out
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
  const maxGostDocument = opts.maxGostDocumentBytes ?? DEFAULT_MAX_GOST_DOCUMENT_BYTES
  const maxRequest = maxDocument + maxSignature + ENVELOPE_BYTES
  await app.register(multipart, {
    limits: { fileSize: Math.max(maxDocument, maxSignature), files: 2, fields: 3, parts: 5, fieldSize: 256, headerPairs: 16 },
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
      let document: HashedDocument | undefined
      let sha256: Uint8Array | undefined
      const given: Record<string, Uint8Array> = {}
      try {
        for await (const part of req.parts()) {
          if (part.type === 'file' && part.fieldname === 'signature' && !signature) signature = await readAll(part.file, maxSignature)
          else if (part.type === 'file' && part.fieldname === 'document' && !document) document = await hashAll(part.file, maxGostDocument)
          else if (part.type === 'field' && part.fieldname === 'digest' && typeof part.value === 'string') {
            const [oid, digest] = parseDigestField(part.value)
            given[oid] = digest
          }
          else if (part.type === 'field' && part.fieldname === 'sha256' && typeof part.value === 'string') {
            if (!/^[0-9a-fA-F]{64}$/.test(part.value.trim())) throw badRequest(ApiErrorCode.Validation, 'sha256 must be 64 hex digits')
            sha256 = new Uint8Array(Buffer.from(part.value.trim(), 'hex'))
          } else {
            if (part.type === 'file') part.file.resume()
            throw badRequest(ApiErrorCode.Validation, `Unexpected part "${part.fieldname}": send signature, and document or sha256 (and digest)`)
          }
        }
      } catch (e) {
        throw asApiError(e, maxRequest)
      }
      if (!signature) throw badRequest(ApiErrorCode.Validation, 'The signature file is missing (part "signature")')
      if (document && (sha256 || Object.keys(given).length)) throw badRequest(ApiErrorCode.Validation, 'Send the document or its digests, not both')
      const setup = await opts.setup()
      const digests = document ? { 'SHA-256': document['SHA-256'], 'SHA-384': document['SHA-384'], 'SHA-512': document['SHA-512'] } : sha256 ? { 'SHA-256': sha256 } : undefined
      const byOid = document ? await gostDigestsOf(signature, document, maxSignature, maxGostDocument) : given
      const result = await verifyDocumentSignatures({
        cms: signature,
        ...(digests ? { contentDigests: digests } : {}),
        ...(Object.keys(byOid).length ? { contentDigestsByOid: byOid } : {}),
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
