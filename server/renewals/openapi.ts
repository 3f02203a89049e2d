/** The renewal endpoints in the OpenAPI document (`GET /api/docs`). */
import { errorResponse, jsonContent as json, type OpenApiFragment } from '../http/openapi.ts'
import { numberParam } from '../applications/openapi.ts'
import { renewalBodySchema } from './routes.ts'

const renewalView = {
  type: 'object',
  properties: {
    number: { type: 'string' },
    status: { type: 'string', enum: ['submitted', 'issued', 'installed', 'rejected', 'expired'] },
    previousNumber: { type: 'string' },
    previousCertificates: { type: 'array', items: { type: 'object', properties: { serial: { type: 'string' }, purpose: { type: 'string' }, status: { type: 'string' }, reason: { type: ['integer', 'null'] } } } },
    supersedeNow: { type: 'boolean' },
    graceDays: { type: 'integer' },
    supersedeAfter: { type: ['string', 'null'], format: 'date-time' },
    supersededAt: { type: ['string', 'null'], format: 'date-time' },
  },
}
const accessCodeHeader = { name: 'X-Access-Code', in: 'header', required: false, schema: { type: 'string' }, description: 'The application\u2019s access code (or sign in as the holder)' }

export const renewalsOpenApi: OpenApiFragment = {
  paths: {
    '/api/v1/renewals': {
      post: {
        summary: 'Renew a certificate pair online, authorised by its current signing key',
        description:
          '`cms` is base64 of an attached CMS SignedData made with the key of the signing certificate `serial`, whose content is renewalRequestPayload (src/core/renewal-wire.ts): ' +
          '`{"action":"renew","serial","iin","requests":[["auth",sha256(csr)],["sign",sha256(csr)]],"supersedeNow","time"}`. The registry is read again; profile, IIN/BIN, organization and storage kind are the old application\u2019s. ' +
          'Policy: RENEWAL_WINDOW_DAYS before the end (default 60), once per certificate pair; RENEWAL_AUTO_ISSUE (default true) issues at once, else the application waits for an operator. ' +
          'Idempotent: the same body under the same Idempotency-Key returns the same application (200).',
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$' } }],
        requestBody: { required: true, content: { 'application/json': { schema: renewalBodySchema } } },
        responses: {
          201: json({ type: 'object', properties: { number: { type: 'string' }, accessCode: { type: 'string' }, status: { type: 'string' }, previousNumber: { type: 'string' }, graceDays: { type: 'integer' } } }, 'The renewal application (issued when the policy allows)'),
          200: json({ type: 'object' }, 'A retry: the application stored earlier'),
          400: errorResponse('ERR_MALFORMED, ERR_SIGNATURE_INVALID, ERR_REQUEST_MISMATCH, ERR_REQUEST_EXPIRED, ERR_IDEMPOTENCY_KEY_REQUIRED, CSR errors as for applications'),
          403: errorResponse('ERR_RENEWAL_WRONG_KEY (not signed by this signing certificate\u2019s key), ERR_RENEWAL_OTHER_PERSON'),
          404: errorResponse('ERR_NOT_ISSUED_HERE'),
          409: errorResponse('ERR_RENEWAL_TOO_EARLY (details.opensAt), ERR_RENEWAL_EXPIRED, ERR_RENEWAL_REVOKED (details.status), ERR_ALREADY_RENEWED, ERR_KEY_ALREADY_CERTIFIED, ERR_IDEMPOTENCY_CONFLICT'),
          422: errorResponse('ERR_PERSON_NOT_FOUND (no longer in the registry)'),
        },
      },
    },
    '/api/v1/renewals/{number}': {
      get: {
        summary: 'A renewal: its old certificates and when they become superseded (RENEWAL_GRACE_DAYS after installation, default 7)',
        parameters: [numberParam, accessCodeHeader],
        responses: { 200: json(renewalView, 'The renewal'), 403: errorResponse('ERR_ACCESS_DENIED'), 404: errorResponse('ERR_NOT_FOUND (not a renewal)') },
      },
    },
    '/api/v1/renewals/{number}/supersede-now': {
      post: {
        summary: 'Revoke the old certificates as superseded at once (once the new ones are installed) instead of after the grace period',
        parameters: [numberParam, accessCodeHeader],
        responses: { 200: json(renewalView, 'The renewal'), 403: errorResponse('ERR_ACCESS_DENIED'), 404: errorResponse('ERR_NOT_FOUND (not a renewal)') },
      },
    },
  },
}
