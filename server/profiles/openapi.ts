/** The certificate profiles endpoint in the OpenAPI document (`GET /api/docs`). */
import { jsonContent as json, type OpenApiFragment } from '../http/openapi.ts'

export const profilesOpenApi: OpenApiFragment = {
  paths: {
    '/api/v1/profiles': { get: { summary: 'Certificate profiles and allowed keys', responses: { 200: json({ type: 'object' }) } } },
  },
}
