/** The operator console endpoints in the OpenAPI document (`GET /api/docs`). */
import { errorResponse, jsonContent as json, sessionSecurity as operatorSession, type OpenApiFragment } from '../http/openapi.ts'
import { numberParam } from '../applications/openapi.ts'

export const operatorsOpenApi: OpenApiFragment = {
  paths: {
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
          'Requires identityChecked: true, the operator\'s statement that the applicant\'s identity document was checked in person (optionally which document); without it nothing is issued (ERR_IDENTITY_NOT_CHECKED). Validity: 1 year, or 3 years for an application with storage "token" only when the operator confirms with tokenChecked: true that the keys are on a hardware token (checked at the registration center). Both statements are recorded in the approve audit row.',
        security: operatorSession,
        parameters: [numberParam],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['identityChecked'],
                properties: {
                  identityChecked: { type: 'boolean', description: 'The operator checked the applicant\'s identity document; must be true' },
                  identityDocument: { type: 'object', properties: { type: { type: 'string', enum: ['id_card', 'passport', 'residence_permit', 'other'] }, number: { type: 'string', maxLength: 32 } } },
                  tokenChecked: { type: 'boolean', default: false, description: 'The operator checked that the keys are on a hardware token (storage "token" only)' },
                },
              },
            },
          },
        },
        responses: { 200: json({ type: 'object' }), 400: errorResponse('ERR_IDENTITY_NOT_CHECKED (no identityChecked: true), ERR_VALIDATION (tokenChecked for an application whose keys are not on a token)'), 409: errorResponse('ERR_INVALID_STATE, ERR_APPLICATION_EXPIRED, ERR_ISSUING_CA_REVOKED (the issuing CA is on the root CRL: nothing is issued, the application stays submitted)'), 503: errorResponse('ERR_CA_UNAVAILABLE') },
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
    '/api/v1/operator/certificates': {
      get: {
        summary: 'Certificate lookup by IIN or serial (operator console)',
        security: operatorSession,
        parameters: [
          { name: 'iin', in: 'query', schema: { type: 'string' } },
          { name: 'serial', in: 'query', schema: { type: 'string' } },
        ],
        responses: { 200: { description: 'Certificates, newest first' }, 400: { description: 'ERR_VALIDATION' }, 401: { description: 'ERR_SESSION_REQUIRED' } },
      },
    },
    '/api/v1/operator/applications/{number}/requests': {
      get: {
        summary: 'The application\u2019s PKCS#10 requests, re-verified (key type, subject, signature valid)',
        security: operatorSession,
        parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'Requests with signatureValid' }, 404: { description: 'ERR_NOT_FOUND' } },
      },
    },
  },
}
