/** The applicant endpoints and the personal cabinet's lists in the OpenAPI document (`GET /api/docs`). */
import { errorResponse, jsonContent as json, sessionSecurity, type OpenApiFragment } from '../http/openapi.ts'
import { submissionSchema } from './submission.ts'

/** The application number in a path (shared with the operator console's fragment). */
export const numberParam = { name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{12}$' }, description: 'Application number (12 digits, Luhn check digit)' }
const accessCode = { name: 'X-Access-Code', in: 'header', required: true, schema: { type: 'string' }, description: 'Access code returned at submission' }

export const applicationsOpenApi: OpenApiFragment = {
  schemas: {
    Submission: submissionSchema,
    SubmitResult: { type: 'object', properties: { number: { type: 'string' }, accessCode: { type: 'string' }, status: { type: 'string' } } },
    Certificate: {
      type: 'object',
      properties: {
        serial: { type: 'string' }, purpose: { enum: ['auth', 'sign'] }, profile: { type: 'string' }, issuer: { type: 'string' }, subjectDn: { type: 'string' },
        notBefore: { type: 'string', format: 'date-time' }, notAfter: { type: 'string', format: 'date-time' }, status: { enum: ['good', 'revoked', 'hold'] }, pem: { type: 'string' },
      },
    },
    ApplicationStatus: { enum: ['submitted', 'issued', 'installed', 'rejected', 'expired'] },
  },
  paths: {
    '/api/v1/applications': {
      post: {
        summary: 'Submit an application with one PKCS#10 per key',
        description:
          'Each CSR is a proof of possession signed with SHA-256/384/512 RSA (PKCS#1 v1.5) or ECDSA. The issued certificate\'s subject always comes from the person registry, never from the CSR: a CSR may omit the IIN and names (the registry fills them), but one that names somebody else is refused — a SERIALNUMBER with another IIN (ERR_CSR_MISMATCH), or a SURNAME/GIVENNAME that differs from the registry entry (ERR_CSR_NAME_MISMATCH). CN is compared when the CSR carries the IIN (it must then be "SURNAME NAME", patronymic optional). registrationCenterId names the chosen registration center (GET /api/v1/centers): it must exist and be active, and the application\'s region is the center\'s; a body without it must carry a region (older clients). A retry under the same Idempotency-Key returns the stored application even if its center was deactivated since.',
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$' }, description: 'Random per application; a retry with the same key and body returns the same application and access code' }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Submission' } } } },
        responses: {
          201: json({ $ref: '#/components/schemas/SubmitResult' }, 'Created'),
          200: json({ $ref: '#/components/schemas/SubmitResult' }, 'A retry: the application created earlier under this Idempotency-Key'),
          400: errorResponse('ERR_VALIDATION, ERR_IDEMPOTENCY_KEY_REQUIRED, ERR_UNKNOWN_PROFILE, ERR_INVALID_IIN, ERR_INVALID_BIN, ERR_MALFORMED, ERR_SIGNATURE_INVALID, ERR_WEAK_KEY, ERR_WEAK_ALGORITHM (CSR signed with SHA-1/MD5), ERR_UNSUPPORTED_ALGORITHM, ERR_GOST_KEY, ERR_DUPLICATE_KEY, ERR_CSR_MISMATCH (CSR SERIALNUMBER names another IIN), ERR_CSR_NAME_MISMATCH (CSR SURNAME/GIVENNAME is not the registry\'s for this IIN)'),
          409: errorResponse('ERR_KEY_ALREADY_CERTIFIED, ERR_KEY_PENDING, ERR_IDEMPOTENCY_CONFLICT'),
          413: errorResponse('ERR_TOO_LARGE'),
          422: errorResponse('ERR_PERSON_NOT_FOUND, ERR_CENTER_NOT_FOUND (no such registration center), ERR_CENTER_INACTIVE (the center was deactivated)'),
        },
      },
    },
    '/api/v1/applications/{number}': {
      get: {
        summary: 'Application status (rate limited)',
        parameters: [numberParam, accessCode],
        responses: { 200: json({ type: 'object', properties: { number: { type: 'string' }, status: { $ref: '#/components/schemas/ApplicationStatus' }, region: { type: 'string' }, registrationCenterId: { type: ['string', 'null'] }, registrationCenter: { oneOf: [{ $ref: '#/components/schemas/RegistrationCenter' }, { type: 'null' }], description: 'The chosen center as it is now (deactivated ones included)' } } }), 403: errorResponse('ERR_ACCESS_DENIED (unknown number or wrong code)'), 429: errorResponse('ERR_RATE_LIMITED') },
      },
    },
    '/api/v1/applications/{number}/certificates': {
      get: {
        summary: 'Issued certificates and the CA chain (PEM)',
        parameters: [numberParam, accessCode],
        responses: {
          200: json({ type: 'object', properties: { certificates: { type: 'array', items: { $ref: '#/components/schemas/Certificate' } }, chain: { type: 'array', items: { type: 'string' } } } }),
          403: errorResponse('ERR_ACCESS_DENIED'),
          409: errorResponse('ERR_INVALID_STATE (not issued yet)'),
        },
      },
    },
    '/api/v1/applications/{number}/installed': {
      post: { summary: 'Confirm installation (issued → installed)', parameters: [numberParam, accessCode], responses: { 200: json({ type: 'object' }), 403: errorResponse('ERR_ACCESS_DENIED'), 409: errorResponse('ERR_INVALID_STATE') } },
    },
  },
}

/** `/api/v1/me/*` (cabinet-routes.ts); listed after sign-in's `/api/v1/me`. */
export const cabinetOpenApi: OpenApiFragment = {
  paths: {
    '/api/v1/me/certificates': {
      get: { summary: 'My certificates as the Registration Center knows them', security: sessionSecurity, responses: { 200: { description: '{ certificates }' }, 401: { description: 'ERR_SESSION_REQUIRED' } } },
    },
    '/api/v1/me/applications': {
      get: { summary: 'My applications', security: sessionSecurity, responses: { 200: { description: '{ applications }' }, 401: { description: 'ERR_SESSION_REQUIRED' } } },
    },
  },
}
