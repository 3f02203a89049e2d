/** POST /api/v1/signatures/verify in the OpenAPI document (`GET /api/docs`). */
import { errorResponse, jsonContent, type OpenApiFragment } from '../http/openapi.ts'

const certificate = {
  type: 'object',
  properties: { subject: { type: 'string' }, issuer: { type: 'string' }, serial: { type: 'string' }, notBefore: { type: 'string', format: 'date-time' }, notAfter: { type: 'string', format: 'date-time' } },
}

const signer = {
  type: 'object',
  required: ['valid', 'level', 'identity', 'certificate', 'checkedAt', 'chain', 'revocations', 'notes'],
  properties: {
    valid: { type: 'boolean' },
    code: { type: 'string', description: 'Why not valid: ERR_DOCUMENT_CHANGED (the document differs by even one byte), ERR_SIGNATURE_INVALID, ERR_CERT_REVOKED, ERR_CERT_EXPIRED, ERR_UNTRUSTED_CHAIN, ERR_TIMESTAMP_INVALID (details.reason), ERR_UNSUPPORTED_ALGORITHM, ERR_REVOCATION_UNKNOWN, …', examples: ['ERR_DOCUMENT_CHANGED'] },
    message: { type: 'string' },
    details: { type: 'object' },
    level: { type: 'string', enum: ['CMS', 'CAdES-BES', 'CAdES-T'] },
    identity: { type: 'object', description: 'From the certificate subject: dn, commonName, surname, givenName, organization, email, iin, bin' },
    certificate: { ...certificate, properties: { ...certificate.properties, der: { type: 'string', contentEncoding: 'base64' } } },
    digestAlgorithm: { type: 'string' },
    signatureAlgorithm: { type: 'string' },
    signingTime: { type: ['string', 'null'], format: 'date-time', description: "The signer's claim" },
    timestamp: {
      type: ['object', 'null'],
      description: 'The verified RFC 3161 signature timestamp (CAdES-T): the decisive time of signing',
      properties: { time: { type: 'string', format: 'date-time' }, tsa: certificate, policy: { type: 'string' }, serial: { type: 'string' } },
    },
    checkedAt: { type: 'string', format: 'date-time', description: 'The time the chain and status were judged at: the timestamp, else now' },
    chain: { type: 'array', items: certificate, description: 'Signer first, trusted root last' },
    revocations: { type: 'array', items: { type: 'object', properties: { status: { type: 'string' }, source: { type: 'string' }, revokedAt: { type: 'string' }, reason: { type: 'integer' } } } },
    notes: { type: 'array', items: { type: 'string', enum: ['NOTE_REVOKED_AFTER_TIMESTAMP', 'NOTE_EXPIRED_AFTER_TIMESTAMP', 'NOTE_NO_TIMESTAMP'] } },
    countersignatures: { type: 'array', items: { type: 'object' }, description: 'Countersignatures over this signature (RFC 5652 §11.4), each a signer object like this one' },
  },
}

export const signaturesOpenApi: OpenApiFragment = {
  paths: {
    '/api/v1/signatures/verify': {
      post: {
        summary: 'Verify a signed document: every signer of a CMS / CAdES-BES / CAdES-T signature, attached or detached',
        description:
          'multipart/form-data, streamed: `signature` (file: .p7s/.cms as DER, base64 or PEM; at most 64 MiB), and for a detached signature either `document` ' +
          '(file, at most 100 MiB, hashed as it arrives) or `sha256` (field: the document\u2019s SHA-256 in hex, for larger documents). A GOST signer (NCA keys) needs its own digest: an uploaded ' +
          '`document` up to 16 MiB is hashed with it here (larger: 413 ERR_TOO_LARGE, details.gost), or send with `sha256` up to two `digest` fields ' +
          '`<oid>:<hex>` (1.2.398.3.10.1.3.1 GOST 34.311-95, 1.2.398.3.10.1.3.3 Streebog-512). Trusted roots: our CA and ' +
          'TRUST_ANCHORS_DIR. The answer is 200 whether or not the signature is valid: `valid` and each signer\u2019s `code` say why.',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['signature'],
                properties: {
                  signature: { type: 'string', format: 'binary' }, document: { type: 'string', format: 'binary' }, sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
                  digest: { type: 'string', pattern: '^1\\.2\\.398\\.3\\.10\\.1\\.3\\.[13]:[0-9a-fA-F]+$', description: 'A GOST digest of the document, <oid>:<hex> (may repeat)' },
                },
              },
            },
          },
        },
        responses: {
          200: jsonContent({
            type: 'object',
            required: ['valid', 'document', 'signers'],
            properties: {
              valid: { type: 'boolean', description: 'Every signer valid' },
              document: { type: 'object', properties: { sha256: { type: 'string' }, bytes: { type: 'integer' }, attached: { type: 'boolean' } } },
              signers: { type: 'array', items: signer },
            },
          }),
          400: errorResponse('ERR_MALFORMED (not a CMS signature, truncated), ERR_DOCUMENT_REQUIRED (detached without document or sha256), ERR_WRONG_CONTENT_TYPE, ERR_VALIDATION (no signature part, bad sha256 or digest, unexpected part)'),
          413: errorResponse('ERR_TOO_LARGE: the declared Content-Length or the bytes sent pass the limit (refused before the body is read when declared)'),
          415: errorResponse('ERR_UNSUPPORTED_MEDIA_TYPE: the body is not multipart/form-data'),
          429: errorResponse('ERR_RATE_LIMITED'),
        },
      },
    },
  },
}
