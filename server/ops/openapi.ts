/** Readiness and metrics in the OpenAPI document (`GET /api/docs`). */
import { jsonContent as json, type OpenApiFragment } from '../http/openapi.ts'

const checks = { type: 'object', properties: { database: { enum: ['ok', 'failed'] }, migrations: { enum: ['ok', 'failed'] }, keys: { enum: ['ok', 'failed'] } } }

export const opsOpenApi: OpenApiFragment = {
  paths: {
    '/api/v1/ready': {
      get: {
        summary: 'Readiness: database reachable, migrations current, CA keys open, not shutting down (for load balancers)',
        responses: {
          200: json({ type: 'object', properties: { status: { const: 'ready' }, checks } }),
          503: json({ type: 'object', properties: { error: { type: 'object' }, checks } }, 'ERR_NOT_READY, with Retry-After'),
        },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics (text format); only with METRICS_TOKEN set, as `Authorization: Bearer <token>` (or on METRICS_PORT without a token)',
        responses: {
          200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
          401: json({ type: 'object' }, 'ERR_UNAUTHORIZED: no or wrong token'),
        },
      },
    },
  },
}
