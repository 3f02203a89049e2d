/**
 * GET /api/docs: the OpenAPI 3.1 document of the public API, written by hand so it says what the
 * routes promise (codes included) rather than what a generator infers.
 */
import type { FastifyInstance } from 'fastify'
import { version } from '../version.ts'
import { submissionSchema } from '../applications/submission.ts'

const error = { $ref: '#/components/schemas/Error' }
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: error } } })
const json = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } })
const numberParam = { name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{12}$' }, description: 'Application number (12 digits, Luhn check digit)' }
const accessCode = { name: 'X-Access-Code', in: 'header', required: true, schema: { type: 'string' }, description: 'Access code returned at submission' }
/** Operator endpoints: the session of a certificate sign-in by an active operator account. */
const operatorSession = [{ sessionCookie: [] }]

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Qoltanba Registration Center API',
    version,
    description:
      'Errors are `{error:{code,message}}` with a stable `code`. Input problems are 4xx. JSON bodies must have the types this document gives (a number or an array where a string is expected is 400 ERR_VALIDATION, never converted); query and path parameters are text and convert to their schema type. Status endpoints and person lookup are rate limited (429 ERR_RATE_LIMITED).',
  },
  components: {
    securitySchemes: {
      sessionCookie: {
        type: 'apiKey',
        in: 'cookie',
        name: '__Host-qoltanba-session',
        description: 'Set by POST /api/v1/auth/login (named qoltanba-session on a plain-http origin); from a script: `qoltanba operator sign-in --p12 …`',
      },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', examples: ['ERR_VALIDATION'] }, message: { type: 'string' }, details: { type: 'object' } } } },
      },
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
  },
  paths: {
    '/api/v1/health': { get: { summary: 'Liveness and version', responses: { 200: json({ type: 'object', properties: { status: { const: 'ok' }, version: { type: 'string' } } }) } } },
    '/api/v1/client-config': {
      get: {
        summary: 'Settings this deployment makes for the browser app (never cached)',
        responses: { 200: json({ type: 'object', properties: { kiosk: { type: 'boolean' }, idleSeconds: { type: 'integer' }, warnSeconds: { type: 'integer' } } }) },
      },
    },
    '/api/docs': { get: { summary: 'This OpenAPI document', responses: { 200: json({ type: 'object' }) } } },
    '/api/v1/profiles': { get: { summary: 'Certificate profiles and allowed keys', responses: { 200: json({ type: 'object' }) } } },
    '/api/v1/persons/lookup': {
      post: {
        summary: 'Name of a person by IIN (rate limited)',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['iin'], properties: { iin: { type: 'string' } } } } } },
        responses: {
          200: json({ type: 'object', properties: { iin: { type: 'string' }, surname: { type: 'string' }, name: { type: 'string' }, patronymic: { type: ['string', 'null'] } } }),
          400: errorResponse('ERR_INVALID_IIN, ERR_VALIDATION'),
          404: errorResponse('ERR_PERSON_NOT_FOUND'),
          429: errorResponse('ERR_RATE_LIMITED'),
        },
      },
    },
    '/api/v1/applications': {
      post: {
        summary: 'Submit an application with one PKCS#10 per key',
        description:
          'Each CSR is a proof of possession signed with SHA-256/384/512 RSA (PKCS#1 v1.5) or ECDSA. The issued certificate\'s subject always comes from the person registry, never from the CSR: a CSR may omit the IIN and names (the registry fills them), but one that names somebody else is refused — a SERIALNUMBER with another IIN (ERR_CSR_MISMATCH), or a SURNAME/GIVENNAME that differs from the registry entry (ERR_CSR_NAME_MISMATCH). CN is not compared.',
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,128}$' }, description: 'Random per application; a retry with the same key and body returns the same application and access code' }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Submission' } } } },
        responses: {
          201: json({ $ref: '#/components/schemas/SubmitResult' }, 'Created'),
          200: json({ $ref: '#/components/schemas/SubmitResult' }, 'A retry: the application created earlier under this Idempotency-Key'),
          400: errorResponse('ERR_VALIDATION, ERR_IDEMPOTENCY_KEY_REQUIRED, ERR_UNKNOWN_PROFILE, ERR_INVALID_IIN, ERR_INVALID_BIN, ERR_MALFORMED, ERR_SIGNATURE_INVALID, ERR_WEAK_KEY, ERR_WEAK_ALGORITHM (CSR signed with SHA-1/MD5), ERR_UNSUPPORTED_ALGORITHM, ERR_GOST_KEY, ERR_DUPLICATE_KEY, ERR_CSR_MISMATCH (CSR SERIALNUMBER names another IIN), ERR_CSR_NAME_MISMATCH (CSR SURNAME/GIVENNAME is not the registry\'s for this IIN)'),
          409: errorResponse('ERR_KEY_ALREADY_CERTIFIED, ERR_KEY_PENDING, ERR_IDEMPOTENCY_CONFLICT'),
          413: errorResponse('ERR_TOO_LARGE'),
          422: errorResponse('ERR_PERSON_NOT_FOUND'),
        },
      },
    },
    '/api/v1/applications/{number}': {
      get: {
        summary: 'Application status (rate limited)',
        parameters: [numberParam, accessCode],
        responses: { 200: json({ type: 'object', properties: { number: { type: 'string' }, status: { $ref: '#/components/schemas/ApplicationStatus' } } }), 403: errorResponse('ERR_ACCESS_DENIED (unknown number or wrong code)'), 429: errorResponse('ERR_RATE_LIMITED') },
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
    '/api/v1/operator/me': {
      get: {
        summary: 'The signed-in operator',
        security: operatorSession,
        responses: {
          200: json({ type: 'object', properties: { iin: { type: 'string' }, surname: { type: 'string' }, name: { type: 'string' }, patronymic: { type: ['string', 'null'] }, role: { enum: ['operator', 'admin'] } } }),
          401: errorResponse('ERR_SESSION_REQUIRED'),
          403: errorResponse('ERR_FORBIDDEN'),
        },
      },
    },
    '/api/v1/operator/applications': {
      get: {
        summary: 'List / search applications',
        security: operatorSession,
        parameters: [
          { name: 'number', in: 'query', schema: { type: 'string' } },
          { name: 'iin', in: 'query', schema: { type: 'string' } },
          { name: 'status', in: 'query', schema: { $ref: '#/components/schemas/ApplicationStatus' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 200 } },
          { name: 'offset', in: 'query', schema: { type: 'integer' } },
        ],
        responses: { 200: json({ type: 'object' }), 401: errorResponse('ERR_SESSION_REQUIRED'), 403: errorResponse('ERR_FORBIDDEN') },
      },
    },
    '/api/v1/operator/applications/{number}': {
      get: { summary: 'Full view with certificates and history', security: operatorSession, parameters: [numberParam], responses: { 200: json({ type: 'object' }), 404: errorResponse('ERR_NOT_FOUND') } },
    },
    '/api/v1/operator/applications/{number}/approve': {
      post: {
        summary: 'Approve: issues both certificates in one transaction',
        description:
          'Validity: 1 year, or 3 years for an application with storage "token" only when the operator confirms with tokenChecked: true that the keys are on a hardware token (checked at the registration center). The confirmation is recorded in the approve audit row.',
        security: operatorSession,
        parameters: [numberParam],
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { tokenChecked: { type: 'boolean', default: false, description: 'The operator checked that the keys are on a hardware token (storage "token" only)' } } } } } },
        responses: { 200: json({ type: 'object' }), 400: errorResponse('ERR_VALIDATION (tokenChecked for an application whose keys are not on a token)'), 409: errorResponse('ERR_INVALID_STATE, ERR_APPLICATION_EXPIRED'), 503: errorResponse('ERR_CA_UNAVAILABLE') },
      },
    },
    '/api/v1/operator/applications/{number}/reject': {
      post: {
        summary: 'Reject with a reason',
        security: operatorSession,
        parameters: [numberParam],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', maxLength: 1000 } } } } } },
        responses: { 200: json({ type: 'object' }), 409: errorResponse('ERR_INVALID_STATE') },
      },
    },
  } as Record<string, unknown>,
}

/** Other modules (revocation, sign-in) add their paths here before the app starts listening. */
export function addOpenApiPaths(paths: Record<string, unknown>): void {
  Object.assign(openApiDocument.paths, paths)
}

export async function openApiRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/docs', async (_req, reply) => {
    reply.header('Cache-Control', 'no-cache')
    return openApiDocument
  })
}
