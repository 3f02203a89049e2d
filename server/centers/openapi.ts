/** The registration-center directory in the OpenAPI document (`GET /api/docs`). */
import { errorResponse, jsonContent as json, sessionSecurity, type OpenApiFragment } from '../http/openapi.ts'
import { centerCreateSchema, centerPatchSchema } from './console-routes.ts'

const center = { $ref: '#/components/schemas/RegistrationCenter' }
const text = { type: 'object', required: ['kk', 'ru', 'en'], properties: { kk: { type: 'string' }, ru: { type: 'string' }, en: { type: 'string' } } }
const invalid = errorResponse('ERR_CENTER_INVALID (details.field: id, region, name.kk …, phone, mapUrl; details.rule: required, too_long, pattern, https, unknown_region) or ERR_VALIDATION')

export const centersOpenApi: OpenApiFragment = {
  schemas: {
    RegistrationCenter: {
      type: 'object',
      required: ['id', 'region', 'name', 'address', 'hours', 'phone', 'mapUrl', 'active', 'updatedAt'],
      properties: {
        id: { type: 'string', examples: ['astana-1'] },
        region: { type: 'string', description: 'ISO 3166-2 code', examples: ['KZ-71'] },
        name: text,
        address: text,
        hours: text,
        phone: { type: 'string' },
        mapUrl: { type: 'string', format: 'uri', description: 'https only' },
        active: { type: 'boolean' },
        updatedAt: { type: 'string', format: 'date-time' },
      },
    },
  },
  paths: {
    '/api/v1/centers': {
      get: {
        summary: 'The active registration centers (public)',
        description: 'Sorted by region and id. Cache-Control: public, no-cache with a strong ETag: send If-None-Match to get 304 while the directory is unchanged. A new installation starts with a DEMO directory (made-up addresses) until an operator replaces it.',
        parameters: [{ name: 'If-None-Match', in: 'header', schema: { type: 'string' } }],
        responses: { 200: json({ type: 'object', properties: { centers: { type: 'array', items: center } } }), 304: { description: 'Not modified' } },
      },
    },
    '/api/v1/operator/centers': {
      get: {
        summary: 'Every registration center, deactivated ones included (operator console)',
        security: sessionSecurity,
        responses: { 200: json({ type: 'object', properties: { centers: { type: 'array', items: center } } }), 401: errorResponse('ERR_SESSION_REQUIRED'), 403: errorResponse('ERR_FORBIDDEN') },
      },
      post: {
        summary: 'Add a registration center (audited)',
        security: sessionSecurity,
        requestBody: { required: true, content: { 'application/json': { schema: centerCreateSchema } } },
        responses: { 201: json({ type: 'object', properties: { center } }, 'Created'), 400: invalid, 409: errorResponse('ERR_CENTER_EXISTS') },
      },
    },
    '/api/v1/operator/centers/{id}': {
      patch: {
        summary: 'Change a registration center (any field but id; active: false deactivates it). Audited; a change that changes nothing writes nothing.',
        security: sessionSecurity,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: centerPatchSchema } } },
        responses: { 200: json({ type: 'object', properties: { center } }), 400: invalid, 404: errorResponse('ERR_CENTER_NOT_FOUND') },
      },
    },
  },
}
