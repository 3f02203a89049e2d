/** The hand-off endpoints in the OpenAPI document (`GET /api/docs`). */
import { errorResponse, jsonContent, type OpenApiFragment } from '../http/openapi.ts'
import { createBody, resultBody, secretBody } from './schemas.ts'

const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' } }
const token = { name: 'X-Handoff-Token', in: 'header', required: true, schema: { type: 'string' }, description: 'The `token` returned when the hand-off was registered' }
const state = {
  type: 'object',
  required: ['state', 'expiresAt'],
  properties: { state: { type: 'string', enum: ['waiting', 'opened', 'signed', 'declined', 'failed', 'expired'] }, expiresAt: { type: 'string', format: 'date-time' }, failure: { type: 'string', description: 'With `failed`: the code of the refusal of the phone\u2019s answer (ERR_CERT_REVOKED, ERR_DOCUMENT_CHANGED, …)' } },
}
const notFound = errorResponse('ERR_HANDOFF_NOT_FOUND: no such hand-off (unknown, completed, swept), or the secret or token is wrong (deliberately not told apart)')
const phoneRefusals = {
  404: notFound,
  409: errorResponse('ERR_HANDOFF_USED (details.reason "used"): the QR code was already opened, or the hand-off answered, refused or collected'),
  410: errorResponse('ERR_HANDOFF_EXPIRED: the hand-off\u2019s lifetime (at most 5 minutes) is over; the requesting screen shows a new QR code'),
  429: errorResponse('ERR_RATE_LIMITED'),
}

export const handoffsOpenApi: OpenApiFragment = {
  paths: {
    '/api/v1/handoffs': {
      post: {
        summary: 'Hand a sign-in or the signing of documents to the user\u2019s phone (QR code)',
        description:
          'Registers a hand-off for at most 5 minutes. A sign-in (`kind: "sign-in"`) is accepted only from this site\u2019s own origin and binds the sign-in challenge to the ' +
          'caller\u2019s pre-login cookie. A signing (`kind: "sign"`) lists documents by name, size and SHA-256 (optionally a preview, or the content itself: at most 1 MiB in all). ' +
          'The answer holds `qr` and `deepLink`: a URL whose fragment carries the one-time secret (never sent to a server in a URL); `token` lets the requester follow and collect; ' +
          '`code` is shown on both screens. An application (`kind: "application"`, only from this site\u2019s own origin: a registration-center kiosk) carries the wizard\u2019s answers ' +
          'in `application` and never a key; they are checked as an application\u2019s and completed from the person registry (422 ERR_PERSON_NOT_FOUND, ERR_CENTER_NOT_FOUND, ERR_CENTER_INACTIVE).',
        requestBody: { required: true, content: { 'application/json': { schema: createBody } } },
        responses: {
          201: jsonContent({
            type: 'object',
            required: ['id', 'token', 'code', 'expiresAt', 'qr', 'deepLink'],
            properties: { id: { type: 'string' }, token: { type: 'string' }, code: { type: 'string', pattern: '^[0-9]{2}$' }, expiresAt: { type: 'string', format: 'date-time' }, qr: { type: 'string' }, deepLink: { type: 'string' } },
          }),
          400: errorResponse('ERR_VALIDATION (a content that does not match its size and sha256, a signing without documents)'),
          403: errorResponse('ERR_ORIGIN_MISMATCH: a sign-in hand-off from another origin'),
          413: errorResponse('ERR_TOO_LARGE: the documents\u2019 content passes the limit'),
          429: errorResponse('ERR_RATE_LIMITED'),
        },
      },
    },
    '/api/v1/handoffs/{id}': {
      get: {
        summary: 'The hand-off\u2019s state (long-poll: with `after`, answers when the state differs from it, at most 25 s later)',
        parameters: [id, token, { name: 'after', in: 'query', required: false, schema: { type: 'string' } }],
        responses: { 200: jsonContent(state), 404: notFound },
      },
    },
    '/api/v1/handoffs/{id}/events': {
      get: {
        summary: 'The hand-off\u2019s state as Server-Sent Events (`event: state`, data as GET /api/v1/handoffs/{id}); the stream ends at signed, declined, failed or expired',
        parameters: [id, token],
        responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, 404: notFound },
      },
    },
    '/api/v1/handoffs/{id}/open': {
      post: {
        summary: 'The phone fetches the request with the secret from the QR code (once)',
        parameters: [id],
        requestBody: { required: true, content: { 'application/json': { schema: secretBody } } },
        responses: {
          200: jsonContent({
            type: 'object',
            properties: {
              kind: { type: 'string' },
              requester: { type: 'object', properties: { name: { type: 'string' }, origin: { type: 'string' } } },
              code: { type: 'string' },
              expiresAt: { type: 'string', format: 'date-time' },
              payload: { type: 'string', description: 'Sign-in: base64 of the exact bytes to sign (attached CMS)' },
              documents: { type: 'array', items: { type: 'object' } },
              application: { type: 'object', description: 'Application: the kiosk\u2019s answers with the registry\u2019s names (src/core/handoff-application-wire.ts); the phone makes keys for it' },
            },
          }),
          ...phoneRefusals,
        },
      },
    },
    '/api/v1/handoffs/{id}/result': {
      post: {
        summary: 'The phone returns the signed result: `cms` for a sign-in, `signatures` (one detached CMS per document) for a signing',
        description:
          'The result passes the decisive check here, before the phone is told it is done: a sign-in\u2019s CMS goes through the checks of POST /api/v1/auth/login (signature, path, purpose, ' +
          'revocation, an IIN to sign in as) without taking the challenge; each document\u2019s signature is verified against its SHA-256. A refusal answers the phone with its code and ends ' +
          'the hand-off as `failed` with that code in `failure`, which the requesting screen shows; a body of the wrong shape (ERR_VALIDATION) changes nothing. ' +
          'An application is answered with `requests` (the CSRs of the keys the phone made): the application is submitted as POST /api/v1/applications (storage `browser`, Idempotency-Key ' +
          '`handoff-<id>`) and the phone gets its number and access code (200); the same requests again return the same application, other ones ERR_IDEMPOTENCY_CONFLICT (409); ' +
          'a refusal of the CSRs, the key policy, the registry or the holder\u2019s signature (`cms`) ends the hand-off as `failed` with its code, as above (the kiosk offers a new QR code); ' +
          'ERR_VALIDATION and outages leave it open.',
        parameters: [id],
        requestBody: { required: true, content: { 'application/json': { schema: resultBody } } },
        responses: {
          200: jsonContent({
            type: 'object',
            description: 'Application: submitted',
            required: ['number', 'accessCode', 'status'],
            properties: { number: { type: 'string' }, accessCode: { type: 'string' }, status: { type: 'string' } },
          }),
          204: { description: 'Accepted; the requester is told' },
          400: errorResponse('ERR_VALIDATION, ERR_MALFORMED, ERR_PAYLOAD_MISMATCH (not this challenge), a signer\u2019s refusal (ERR_DOCUMENT_CHANGED, ERR_CERT_REVOKED, …)'),
          401: errorResponse('A sign-in refused by the login checks (ERR_CERT_REVOKED, ERR_UNTRUSTED_CHAIN, ERR_WRONG_KEY_USAGE, …)'),
          403: errorResponse('ERR_ACCOUNT_UNKNOWN: the certificate names no IIN to sign in as'),
          ...phoneRefusals,
        },
      },
    },
    '/api/v1/handoffs/{id}/decline': {
      post: {
        summary: 'The phone declines',
        parameters: [id],
        requestBody: { required: true, content: { 'application/json': { schema: secretBody } } },
        responses: { 204: { description: 'Declined; the requester is told' }, ...phoneRefusals },
      },
    },
    '/api/v1/handoffs/{id}/complete': {
      post: {
        summary: 'The requester collects: the signatures (once, then the hand-off is deleted), or its sign-in (the session cookie, checked exactly as POST /api/v1/auth/login)',
        parameters: [id, token],
        responses: {
          200: jsonContent({ type: 'object', description: '{ signatures } for a signing; { application: { number, accessCode, status } } for an application; the session as POST /api/v1/auth/login answers for a sign-in' }),
          401: errorResponse('A sign-in refused by the login checks (ERR_CERT_REVOKED, ERR_UNTRUSTED_CHAIN, …)'),
          400: errorResponse('ERR_NONCE_UNKNOWN: the sign-in is collected by another browser than the one that asked'),
          404: notFound,
          409: errorResponse('ERR_INVALID_STATE (details.state): nothing signed yet; ERR_HANDOFF_USED: already collected'),
          429: errorResponse('ERR_RATE_LIMITED'),
        },
      },
    },
  },
}
