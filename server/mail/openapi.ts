/** The mail endpoints in the OpenAPI document (`GET /api/docs`). */
import { errorResponse, jsonContent as json, type OpenApiFragment } from '../http/openapi.ts'
import { numberParam } from '../applications/openapi.ts'

export const mailOpenApi: OpenApiFragment = {
  paths: {
    '/api/v1/mail/settings': {
      get: {
        summary: 'Whether this deployment sends e-mail (SMTP_URL set) and tells of sign-ins from new devices',
        responses: { 200: json({ type: 'object', properties: { enabled: { type: 'boolean' }, newDeviceSignIn: { type: 'boolean' } } }, 'The mail settings') },
      },
    },
    '/api/v1/applications/{number}/email/confirm': {
      post: {
        summary: 'Confirm the application\u2019s e-mail address with the 6-digit code sent to it',
        description:
          'Until the address is confirmed, only the confirmation message is sent to it; the right code releases the messages held since (application received, …). ' +
          'Five wrong codes lock the address (ERR_MAIL_CODE_LOCKED). Confirming again answers 200. An unknown number and one without an address answer alike.',
        parameters: [numberParam],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', pattern: '^[0-9]{6}$' } } } } } },
        responses: {
          200: json({ type: 'object', properties: { confirmed: { const: true }, confirmedAt: { type: 'string', format: 'date-time' } } }, 'The address is confirmed'),
          400: errorResponse('ERR_VALIDATION (not 6 digits), ERR_MAIL_CODE_WRONG (details.attemptsLeft)'),
          404: errorResponse('ERR_MAIL_NOT_REQUESTED'),
          429: errorResponse('ERR_MAIL_CODE_LOCKED (five wrong codes), ERR_RATE_LIMITED'),
        },
      },
    },
    '/api/v1/applications/{number}/email/resend': {
      post: {
        summary: 'Send a new confirmation code to the application\u2019s address (X-Access-Code: the application\u2019s access code)',
        description:
          'The new code replaces the old one; a confirmation not yet sent is dropped. At most one message a minute (MAIL_RESEND_COOLDOWN_MS) and five in all; wrong codes entered before stay counted.',
        parameters: [numberParam, { name: 'X-Access-Code', in: 'header', required: true, schema: { type: 'string', maxLength: 64 } }],
        responses: {
          200: json({ type: 'object', properties: { sent: { const: true } } }, 'A new code is queued'),
          403: errorResponse('ERR_ACCESS_DENIED (wrong number or access code)'),
          404: errorResponse('ERR_MAIL_NOT_REQUESTED (no address, or it is already confirmed)'),
          429: errorResponse('ERR_MAIL_RESEND_TOO_SOON (details.retryAfterMs), ERR_MAIL_RESEND_LIMIT, ERR_MAIL_CODE_LOCKED, ERR_RATE_LIMITED'),
        },
      },
    },
  },
}
