/** Health and client settings in the OpenAPI document (`GET /api/docs`). */
import { jsonContent as json, type OpenApiFragment } from '../http/openapi.ts'

export const serviceOpenApi: OpenApiFragment = {
  paths: {
    '/api/v1/health': { get: { summary: 'Liveness and version', responses: { 200: json({ type: 'object', properties: { status: { const: 'ok' }, version: { type: 'string' } } }) } } },
    '/api/v1/client-config': {
      get: {
        summary: 'Settings this deployment makes for the browser app (never cached)',
        responses: { 200: json({ type: 'object', properties: { kiosk: { type: 'boolean' }, idleSeconds: { type: 'integer' }, warnSeconds: { type: 'integer' } } }) },
      },
    },
  },
}
