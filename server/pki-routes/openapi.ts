/** The PKI endpoints (/ca, /crl, /ocsp) and the revocation routes in the OpenAPI document (`GET /api/docs`). */
import { errorResponse as error, sessionSecurity as operatorSession, type OpenApiFragment } from '../http/openapi.ts'

const serialParam = { name: 'serial', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9A-Fa-f:]{2,95}$' }, description: 'Certificate serial number in hex' }
const reason = {
  anyOf: [
    { type: 'integer', minimum: 0, maximum: 10 },
    { type: 'string', maxLength: 40 },
  ],
  description: 'RFC 5280 CRLReason, as its code or its name (keyCompromise, affiliationChanged, superseded, cessationOfOperation, …)',
}
const statusChange = {
  description: 'The new status',
  content: {
    'application/json': {
      schema: { type: 'object', properties: { serial: { type: 'string' }, status: { enum: ['good', 'revoked', 'hold'] }, reason: { type: ['integer', 'null'] }, revokedAt: { type: ['string', 'null'], format: 'date-time' } } },
    },
  },
}
const ocspResponse = { description: 'A DER OCSPResponse (malformed requests get an OCSP malformedRequest answer, still 200)', content: { 'application/ocsp-response': { schema: { type: 'string', contentEncoding: 'binary' } } } }
const ocspPost = {
  summary: 'OCSP (RFC 6960): POST a DER OCSPRequest (at most 16 KiB), get a signed response',
  requestBody: { required: true, content: { 'application/ocsp-request': { schema: { type: 'string', contentEncoding: 'binary' } } } },
  responses: { 200: ocspResponse },
}

const operatorAction = (summary: string, withReason: boolean) => ({
  post: {
    summary,
    security: operatorSession,
    parameters: [serialParam],
    requestBody: {
      required: withReason,
      content: {
        'application/json': {
          schema: { type: 'object', ...(withReason ? { required: ['reason'] } : {}), additionalProperties: false, properties: { ...(withReason ? { reason } : {}), comment: { type: 'string', maxLength: 500, description: 'The operator\u2019s why, kept in the audit row' } } },
        },
      },
    },
    responses: {
      200: statusChange,
      400: error(withReason ? 'ERR_VALIDATION, ERR_INVALID_REASON (certificateHold and removeFromCRL go through hold/release)' : 'ERR_VALIDATION'),
      401: error('ERR_SESSION_REQUIRED'),
      403: error('ERR_FORBIDDEN'),
      404: error('ERR_NOT_ISSUED_HERE (not a certificate of this registration center\u2019s CA)'),
      409: error(withReason ? 'ERR_ALREADY_REVOKED, ERR_EXPIRED_NOT_REVOCABLE' : 'ERR_INVALID_STATE, ERR_EXPIRED_NOT_REVOCABLE (hold)'),
      503: error('ERR_CA_UNAVAILABLE'),
    },
  },
})

export const pkiOpenApi: OpenApiFragment = {
  paths: {
    '/ca/{file}': {
      get: {
        summary: 'A CA certificate named in our certificates (AIA caIssuers): root, issuing or ocsp, as .crt/.cer/.der (DER) or .pem',
        parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]+\\.(crt|cer|der|pem)$' } }],
        responses: {
          200: { description: 'The certificate', content: { 'application/pkix-cert': { schema: { type: 'string', contentEncoding: 'binary' } }, 'application/x-pem-file': { schema: { type: 'string' } } } },
          404: error('ERR_NOT_FOUND'),
        },
      },
    },
    '/crl/{file}': {
      get: {
        summary: 'The current CRL of the issuing CA (issuing.crl) or the root\u2019s ARL (root.crl), as named in certificates\u2019 CRL distribution points',
        parameters: [{ name: 'file', in: 'path', required: true, schema: { enum: ['issuing.crl', 'root.crl'] } }],
        responses: { 200: { description: 'A DER CRL (ETag, Last-Modified, max-age up to 5 minutes)', content: { 'application/pkix-crl': { schema: { type: 'string', contentEncoding: 'binary' } } } }, 404: error('ERR_NOT_FOUND') },
      },
    },
    '/ocsp': { post: ocspPost },
    '/ocsp/': { post: { ...ocspPost, summary: 'The same as POST /ocsp (clients that append a slash to the AIA URL)' } },
    '/ocsp/{request}': {
      get: {
        summary: 'OCSP over GET (RFC 6960 Appendix A.1): the URL-encoded base64 DER request as the rest of the path; cacheable until nextUpdate',
        parameters: [{ name: 'request', in: 'path', required: true, schema: { type: 'string' }, description: 'URL-encoded base64 of the DER OCSPRequest (it may contain /)' }],
        responses: { 200: ocspResponse },
      },
    },
    '/api/v1/certificates/{serial}/revoke': {
      post: {
        summary:
          'The holder revokes their certificate: from a signed-in session whose IIN is the certificate\u2019s (body { reason }), or without a session by a CMS SignedData ' +
          'signed with the certificate\u2019s own key over {"action":"revoke","serial":"<lowercase hex>","reason":<code>,"time":"<ISO 8601, within 10 minutes>"} (body { reason, cms })',
        security: [{ sessionCookie: [] }, {}],
        parameters: [serialParam],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason, cms: { type: 'string', minLength: 16, maxLength: 60000, description: 'base64 of the attached CMS' } } },
            },
          },
        },
        responses: {
          200: statusChange,
          400: error('ERR_VALIDATION, ERR_INVALID_REASON (a holder may use unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation), ERR_MALFORMED, ERR_SIGNATURE_INVALID, ERR_REQUEST_MISMATCH, ERR_REQUEST_EXPIRED'),
          401: error('ERR_UNAUTHORIZED (no session and no cms)'),
          403: error('ERR_ACCESS_DENIED (another person\u2019s certificate, or a CMS not signed with this certificate)'),
          404: error('ERR_NOT_ISSUED_HERE (not issued by this registration center\u2019s CA, e.g. an NCA certificate: revoke it there)'),
          409: error('ERR_ALREADY_REVOKED, ERR_EXPIRED_NOT_REVOCABLE (the certificate has expired: nothing to revoke)'),
          503: error('ERR_CA_UNAVAILABLE'),
        },
      },
    },
    '/api/v1/operator/certificates/{serial}/revoke': operatorAction('Revoke a certificate (operator console); the CRL and OCSP answer it at once', true),
    '/api/v1/operator/certificates/{serial}/hold': operatorAction('Suspend a valid certificate (certificateHold)', false),
    '/api/v1/operator/certificates/{serial}/release': operatorAction('Lift a suspension (removeFromCRL)', false),
  },
}
