/** The person lookup in the OpenAPI document (`GET /api/docs`). */
import { errorResponse, jsonContent as json, type OpenApiFragment } from '../http/openapi.ts'

export const personsOpenApi: OpenApiFragment = {
  paths: {
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
  },
}
