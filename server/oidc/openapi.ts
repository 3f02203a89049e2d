/** The OpenID Connect provider's JSON API in the OpenAPI document (the provider's own endpoints are described by its discovery document). */
import { errorResponse, jsonContent as json, sessionSecurity, type OpenApiFragment } from '../http/openapi.ts'
import { disableBodySchema } from './console-routes.ts'
import { consentBodySchema } from './interaction-routes.ts'

const names = { type: 'object', required: ['kk', 'ru', 'en'], properties: { kk: { type: 'string' }, ru: { type: 'string' }, en: { type: 'string' } } }
const uid = [{ name: 'uid', in: 'path', required: true, schema: { type: 'string' } }]
const clientId = [{ name: 'clientId', in: 'path', required: true, schema: { type: 'string' } }]
const redirect = json({ type: 'object', required: ['redirectTo'], properties: { redirectTo: { type: 'string', description: 'Navigate the top window here' } } })
const gone = errorResponse('ERR_INTERACTION_NOT_FOUND (unknown or expired uid, or the portal was disabled)')
const client = { $ref: '#/components/schemas/OidcClient' }
/** An endpoint of oidc-provider itself: OAuth errors are `{error, error_description}` (RFC 6749 §5.2), not our error model. */
const provider = (summary: string) => ({
  summary,
  description: 'Served by oidc-provider (OpenID Certified); see docs/oidc.md. Refusals are OAuth/OIDC errors: JSON `{error, error_description}` from back-channel endpoints, a redirect with `error` to a registered redirect URI, or an error page when no redirect is safe.',
  responses: { 200: { description: 'OK' }, 302: { description: 'Redirect (authorization, logout)' }, 400: { description: 'invalid_request, invalid_grant, …' }, 401: { description: 'invalid_client, invalid_token' } },
})

export const oidcOpenApi: OpenApiFragment = {
  schemas: {
    OidcClient: {
      type: 'object',
      required: ['clientId', 'name', 'redirectUris', 'scopes', 'authMethod', 'disabled', 'createdAt'],
      properties: {
        clientId: { type: 'string' },
        name: names,
        redirectUris: { type: 'array', items: { type: 'string' } },
        scopes: { type: 'array', items: { type: 'string' } },
        authMethod: { enum: ['client_secret_basic', 'private_key_jwt', 'none'] },
        disabled: { type: 'boolean' },
        disabledReason: { type: 'string' },
        requireHardwareKey: { type: 'boolean' },
        createdAt: { type: 'string', format: 'date-time' },
      },
    },
  },
  paths: {
    '/.well-known/openid-configuration': {
      get: { summary: 'OpenID Connect discovery (oidc-provider): endpoints, scopes, claims, acr values, algorithms', responses: { 200: json({ type: 'object' }) } },
      options: provider('CORS preflight'),
    },
    '/oidc/token': {
      post: provider('Token endpoint (RFC 6749 §3.2): authorization_code with PKCE, refresh_token; rate limited (429 ERR_RATE_LIMITED)'),
      options: provider('CORS preflight'),
    },
    '/oidc/par': {
      post: provider('Pushed authorization requests (RFC 9126); rate limited (429 ERR_RATE_LIMITED)'),
      options: provider('CORS preflight'),
    },
    '/oidc/auth': {
      get: provider('Authorization endpoint: response_type=code only, PKCE S256 (required for public portals), request_uri from PAR; the login and consent happen in the PWA at /authorize/{uid}'),
      post: provider('Authorization endpoint (form post)'),
    },
    '/oidc/auth/{uid}': { get: provider('Where the PWA sends the browser back after the login or consent step (resumes the authorization)') },
    '/oidc/me': {
      get: provider('UserInfo (bearer access token): the claims of the granted scopes'),
      post: provider('UserInfo by POST'),
      options: provider('CORS preflight'),
    },
    '/oidc/jwks': { get: provider('The signing keys (ES256, RS256), retired ones included until their tokens expire') },
    '/oidc/session/end': {
      get: provider('RP-initiated logout (id_token_hint, post_logout_redirect_uri): asks the person to confirm'),
      post: provider('RP-initiated logout (form post)'),
    },
    '/oidc/session/end/confirm': { post: provider('The logout confirmation form; ends the session and sends back-channel logout tokens') },
    '/oidc/session/end/success': { get: provider('Signed-out page when no post_logout_redirect_uri was given') },
    '/oidc/token/revocation': { post: provider('Token revocation (RFC 7009)'), options: provider('CORS preflight') },
    '/api/v1/oidc/interactions/{uid}': {
      get: {
        summary: 'A portal sign-in in progress (the PWA route /authorize/:uid shows it)',
        parameters: uid,
        responses: {
          200: json({
            type: 'object',
            required: ['uid', 'prompt', 'client', 'scopes', 'claims', 'requireHardwareKey', 'signedIn'],
            properties: {
              uid: { type: 'string' },
              prompt: { enum: ['login', 'consent'] },
              client: { type: 'object', properties: { clientId: { type: 'string' }, name: names, logoUri: { type: 'string' }, uri: { type: 'string' } } },
              scopes: { type: 'array', items: { type: 'string' } },
              claims: { type: 'array', items: { type: 'string' } },
              requireHardwareKey: { type: 'boolean' },
              signedIn: { oneOf: [{ type: 'null' }, { type: 'object', properties: { name: { type: 'string' }, hardwareKey: { type: 'boolean' } } }] },
              uiLocales: { type: 'array', items: { enum: ['kk', 'ru', 'en'] }, description: "The portal's ui_locales that the PWA supports, in the portal's order (first wins when the person has not chosen a language)" },
            },
          }),
          400: errorResponse('ERR_VALIDATION'),
          404: gone,
        },
      },
    },
    '/api/v1/oidc/interactions/{uid}/login': {
      post: {
        summary: 'Complete the login step with the certificate sign-in of this browser (made during the interaction or within 5 minutes)',
        security: sessionSecurity,
        parameters: uid,
        responses: {
          200: redirect,
          401: errorResponse('ERR_FRESH_SIGNIN_REQUIRED'),
          403: errorResponse('ERR_CERT_REVOKED, ERR_CERT_ON_HOLD, ERR_HARDWARE_KEY_REQUIRED'),
          404: gone,
          409: errorResponse('ERR_INVALID_STATE (not at the login step)'),
        },
      },
    },
    '/api/v1/oidc/interactions/{uid}/consent': {
      post: {
        summary: 'Allow the portal the requested claims; remember: true keeps the decision for this portal',
        parameters: uid,
        requestBody: { required: true, content: { 'application/json': { schema: consentBodySchema } } },
        responses: { 200: redirect, 400: errorResponse('ERR_VALIDATION'), 404: gone, 409: errorResponse('ERR_INVALID_STATE (not at the consent step)') },
      },
    },
    '/api/v1/oidc/interactions/{uid}/abort': {
      post: { summary: 'Decline: the portal receives access_denied', parameters: uid, responses: { 200: redirect, 404: gone } },
    },
    '/api/v1/me/consents': {
      get: {
        summary: 'Portals the person chose to remember consent for (personal cabinet)',
        security: sessionSecurity,
        responses: {
          200: json({
            type: 'object',
            properties: {
              consents: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    clientId: { type: 'string' },
                    name: names,
                    logoUri: { type: 'string' },
                    scopes: { type: 'array', items: { type: 'string' } },
                    claims: { type: 'array', items: { type: 'string' } },
                    grantedAt: { type: 'string', format: 'date-time' },
                  },
                },
              },
            },
          }),
          401: errorResponse('ERR_SESSION_REQUIRED'),
        },
      },
    },
    '/api/v1/me/consents/{clientId}': {
      delete: {
        summary: "Withdraw the consent: the remembered decision and the portal's tokens for this person end",
        security: sessionSecurity,
        parameters: clientId,
        responses: { 204: { description: 'Withdrawn' }, 401: errorResponse('ERR_SESSION_REQUIRED'), 404: errorResponse('ERR_NOT_FOUND') },
      },
    },
    '/api/v1/operator/oidc-clients': {
      get: {
        summary: 'Every registered portal (operator console)',
        security: sessionSecurity,
        responses: { 200: json({ type: 'object', properties: { clients: { type: 'array', items: client } } }), 401: errorResponse('ERR_SESSION_REQUIRED'), 403: errorResponse('ERR_FORBIDDEN') },
      },
    },
    '/api/v1/operator/oidc-clients/{clientId}/disable': {
      post: {
        summary: 'Disable a portal (its sign-ins and tokens stop working); audited',
        security: sessionSecurity,
        parameters: clientId,
        requestBody: { required: true, content: { 'application/json': { schema: disableBodySchema } } },
        responses: { 200: json(client), 400: errorResponse('ERR_VALIDATION'), 401: errorResponse('ERR_SESSION_REQUIRED'), 403: errorResponse('ERR_FORBIDDEN'), 404: errorResponse('ERR_NOT_FOUND') },
      },
    },
    '/api/v1/operator/oidc-clients/{clientId}/enable': {
      post: {
        summary: 'Enable a disabled portal again; audited',
        security: sessionSecurity,
        parameters: clientId,
        responses: { 200: json(client), 401: errorResponse('ERR_SESSION_REQUIRED'), 403: errorResponse('ERR_FORBIDDEN'), 404: errorResponse('ERR_NOT_FOUND') },
      },
    },
  },
}
