/** The sign-in endpoints, GET /api/v1/me and my sessions in the OpenAPI document (`GET /api/docs`). */
import { sessionSecurity as session, type OpenApiFragment } from '../http/openapi.ts'

const refusals =
  'ERR_NONCE_EXPIRED, ERR_NONCE_UNKNOWN, ERR_ORIGIN_MISMATCH, ERR_PAYLOAD_MISMATCH, ERR_SIGNATURE_INVALID, ERR_SIGNING_CERT_MISMATCH, ERR_UNTRUSTED_CHAIN, ' +
  'ERR_CERT_EXPIRED, ERR_CERT_NOT_YET_VALID, ERR_CERT_REVOKED, ERR_CERT_ON_HOLD, ERR_REVOCATION_UNKNOWN, ERR_WRONG_KEY_USAGE, ERR_WEAK_KEY, ' +
  'ERR_WEAK_ALGORITHM, ERR_UNSUPPORTED_ALGORITHM, ERR_PATH_LEN, ERR_NOT_A_CA, ERR_UNKNOWN_CRITICAL_EXTENSION, ' +
  'ERR_WRONG_CONTENT_TYPE (the CMS signs something other than id-data, e.g. a timestamp token)'

export const signInOpenApi: OpenApiFragment = {
  paths: {
    '/api/v1/auth/challenge': {
      post: {
        summary: 'A one-time sign-in challenge (5 minutes, bound to the pre-login cookie it sets)',
        responses: { 200: { description: '{ nonce, payload (base64 of the exact bytes to sign as CMS), origin, issuedAt, expiresAt }' } },
      },
    },
    '/api/v1/auth/login': {
      post: {
        summary: 'Sign in with a CMS SignedData over the challenge payload (attached; base64 DER or PEM)',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'object', required: ['cms'], properties: { cms: { type: 'string' }, payload: { type: 'string' } } } } },
        },
        responses: {
          200: { description: '{ iin, bin, role, subject, identity, expiresAt } and the session cookie' },
          400: { description: 'ERR_MALFORMED, ERR_VALIDATION, ERR_NONCE_UNKNOWN, ERR_NONCE_EXPIRED' },
          401: {
            description: `${refusals}. The status of every certificate of the path but the root is checked: for ERR_CERT_REVOKED, ERR_CERT_ON_HOLD and ` +
              'ERR_REVOCATION_UNKNOWN, error.details.depth says which (0 the signer, 1 its issuing CA, …), with its subject and serial',
          },
          403: { description: 'ERR_ACCOUNT_UNKNOWN (no IIN in the certificate)' },
        },
      },
    },
    '/api/v1/auth/logout': { post: { summary: 'End the session', responses: { 204: { description: 'Signed out' } } } },
    '/api/v1/auth/session': {
      get: { summary: 'The current session', security: session, responses: { 200: { description: 'Session' }, 401: { description: 'ERR_SESSION_REQUIRED' } } },
    },
    '/api/v1/me': {
      get: {
        summary: 'Who I am (personal cabinet): IIN, name read from the certificate ({ surname, name, patronymic, full }), role, the certificate used',
        security: session,
        responses: { 200: { description: 'Me' }, 401: { description: 'ERR_SESSION_REQUIRED' } },
      },
    },
    '/api/v1/me/sessions': {
      get: {
        summary: 'My live sessions, most recently used first: { sessions: [{ ref, current, userAgent, role, signedInAt, lastSeenAt, expiresAt }] }',
        security: session,
        responses: { 200: { description: 'Sessions' }, 401: { description: 'ERR_SESSION_REQUIRED' } },
      },
    },
    '/api/v1/me/sessions/others': {
      delete: {
        summary: 'Sign out everywhere else: ends all my live sessions but this one → { ended }',
        security: session,
        responses: { 200: { description: '{ ended }: how many sessions ended' }, 401: { description: 'ERR_SESSION_REQUIRED' } },
      },
    },
    '/api/v1/me/sessions/{ref}': {
      delete: {
        summary: 'End one of my sessions by its ref (this one too: the session cookie is then cleared)',
        security: session,
        parameters: [{ name: 'ref', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' } }],
        responses: {
          204: { description: 'Ended' },
          400: { description: 'ERR_VALIDATION' },
          401: { description: 'ERR_SESSION_REQUIRED' },
          404: { description: 'ERR_NOT_FOUND: no live session of mine has this ref' },
        },
      },
    },
  },
}
