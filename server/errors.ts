/**
 * The HTTP error model: every error response is `{ error: { code, message } }` with a stable
 * `code` (clients map it to translated text, tests assert it). Anything caused by input is a
 * 4xx; a 500 means a bug or an outage, never a bad request.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorCode, QoltanbaError } from '../src/core/errors.ts'

/** The server's named subset of the one code table (src/core/error-codes.ts). */
export const ApiErrorCode = {
  Validation: ErrorCode.Validation,
  TooLarge: ErrorCode.TooLarge,
  UnsupportedMediaType: ErrorCode.UnsupportedMediaType,
  RateLimited: ErrorCode.RateLimited,
  NotFound: ErrorCode.NotFound,
  Internal: ErrorCode.Internal,
  Unauthorized: ErrorCode.Unauthorized,
  Forbidden: ErrorCode.Forbidden,
  AccessDenied: ErrorCode.AccessDenied,
  UnknownProfile: ErrorCode.UnknownProfile,
  PersonNotFound: ErrorCode.PersonNotFound,
  KeyAlreadyCertified: ErrorCode.KeyAlreadyCertified,
  KeyPending: ErrorCode.KeyPending,
  DuplicateKey: ErrorCode.DuplicateKey,
  CsrMismatch: ErrorCode.CsrMismatch,
  CsrNameMismatch: ErrorCode.CsrNameMismatch,
  IdempotencyKeyRequired: ErrorCode.IdempotencyKeyRequired,
  IdempotencyConflict: ErrorCode.IdempotencyConflict,
  InvalidState: ErrorCode.InvalidState,
  ApplicationExpired: ErrorCode.ApplicationExpired,
  CaUnavailable: ErrorCode.CaUnavailable,
  IssuingCaRevoked: ErrorCode.IssuingCaRevoked,
  RegistryUnavailable: ErrorCode.RegistryUnavailable,
  NotIssuedHere: ErrorCode.NotIssuedHere,
  ExpiredNotRevocable: ErrorCode.ExpiredNotRevocable,
  IdentityNotChecked: ErrorCode.IdentityNotChecked,
  CenterNotFound: ErrorCode.CenterNotFound,
  CenterInactive: ErrorCode.CenterInactive,
  CenterExists: ErrorCode.CenterExists,
  CenterInvalid: ErrorCode.CenterInvalid,
  MailNotRequested: ErrorCode.MailNotRequested,
  MailCodeWrong: ErrorCode.MailCodeWrong,
  MailCodeLocked: ErrorCode.MailCodeLocked,
  MailResendTooSoon: ErrorCode.MailResendTooSoon,
  MailResendLimit: ErrorCode.MailResendLimit,
  RenewalWrongKey: ErrorCode.RenewalWrongKey,
  RenewalTooEarly: ErrorCode.RenewalTooEarly,
  RenewalExpired: ErrorCode.RenewalExpired,
  RenewalRevoked: ErrorCode.RenewalRevoked,
  RenewalOtherPerson: ErrorCode.RenewalOtherPerson,
  AlreadyRenewed: ErrorCode.AlreadyRenewed,
} as const

/** HTTP status for codes thrown by src/pki (QoltanbaError) when they reach a route. */
const PKI_STATUS: Readonly<Record<string, number>> = {
  ERR_MALFORMED: 400,
  ERR_TOO_LARGE: 413,
  ERR_SIGNATURE_INVALID: 400,
  ERR_UNSUPPORTED_ALGORITHM: 400,
  ERR_GOST_KEY: 400,
  ERR_WEAK_KEY: 400,
  ERR_WEAK_ALGORITHM: 400,
  ERR_INVALID_IIN: 400,
  ERR_INVALID_BIN: 400,
  ERR_KEY_MISMATCH: 400,
  ERR_NOT_FOUND: 404,
  ERR_INTERNAL: 500,
}

/** An error with an HTTP status and a stable code; throw it from any route or service. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, string | number | boolean>> = {},
  ) {
    super(message)
  }
}

/** 400 with a specific code. */
export const badRequest = (code: ErrorCode, message: string, details?: Record<string, string | number | boolean>) =>
  new ApiError(400, code, message, details)
/** 401: no or invalid credentials. */
export const unauthorized = (message = 'Authentication required') => new ApiError(401, ApiErrorCode.Unauthorized, message)
/** 403 with a specific code (default ERR_FORBIDDEN). */
export const forbidden = (message = 'Forbidden', code: ErrorCode = ApiErrorCode.Forbidden) => new ApiError(403, code, message)
/** 404. */
export const notFound = (message = 'Not found', code: ErrorCode = ApiErrorCode.NotFound) => new ApiError(404, code, message)
/** 409: the request conflicts with the current state. */
export const conflict = (code: ErrorCode, message: string, details?: Record<string, string | number | boolean>) =>
  new ApiError(409, code, message, details)
/** 422: well-formed but refused by a business rule. */
export const unprocessable = (code: ErrorCode, message: string, details?: Record<string, string | number | boolean>) =>
  new ApiError(422, code, message, details)

/** The JSON body of an error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, string | number | boolean> }
}

export function errorBody(code: string, message: string, details?: Readonly<Record<string, string | number | boolean>>): ErrorBody {
  return { error: { code, message, ...(details && Object.keys(details).length ? { details: { ...details } } : {}) } }
}

/** Maps anything thrown to a status and body. Exported for tests and for non-Fastify callers. */
export function toHttpError(err: unknown): { status: number; body: ErrorBody; log: boolean } {
  if (err instanceof ApiError) return { status: err.statusCode, body: errorBody(err.code, err.message, err.details), log: err.statusCode >= 500 }
  if (err instanceof QoltanbaError) {
    const status = PKI_STATUS[err.code] ?? 400
    return { status, body: errorBody(err.code, err.message, err.details), log: status >= 500 }
  }
  const fe = err as Partial<FastifyError> & { validation?: unknown }
  if (fe && typeof fe === 'object') {
    if (fe.validation) return { status: 400, body: errorBody(ApiErrorCode.Validation, fe.message ?? 'Invalid request'), log: false }
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return { status: 413, body: errorBody(ApiErrorCode.TooLarge, 'Request body is too large'), log: false }
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return { status: 415, body: errorBody(ApiErrorCode.UnsupportedMediaType, 'Unsupported content type'), log: false }
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return { status: 400, body: errorBody(ApiErrorCode.Validation, 'Request body is not valid JSON'), log: false }
    }
    if (fe.statusCode === 429) return { status: 429, body: errorBody(ApiErrorCode.RateLimited, 'Too many requests, try again later'), log: false }
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : undefined
    if (status !== undefined && status >= 400 && status < 500) {
      return { status, body: errorBody(ApiErrorCode.Validation, fe.message ?? 'Bad request'), log: false }
    }
  }
  return { status: 500, body: errorBody(ApiErrorCode.Internal, 'Internal error'), log: true }
}

/**
 * Fastify's `frameworkErrors`: the router's own refusals (a path parameter longer than
 * maxParamLength: 414; a URL that cannot be decoded: 400) get the same `{error: {code}}` body as
 * every other refusal, instead of Fastify's `{error, code: 'FST_…'}` written before any handler.
 */
export function frameworkErrors(err: unknown, _req: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toHttpError(err)
  void reply.code(status).send(body)
}

/** Installs the error handler (all routes) and a JSON 404 for unknown API paths. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const { status, body, log } = toHttpError(err)
    if (log) req.log.error({ err }, 'request failed')
    else req.log.info({ code: body.error.code, status }, 'request refused')
    const retryAfter = (err as { headers?: Record<string, unknown> })?.headers?.['retry-after']
    if (status === 429 && retryAfter !== undefined) reply.header('Retry-After', String(retryAfter))
    return reply.code(status).send(body)
  })
}

/** JSON 404 for every unknown route (used when no SPA fallback is installed). */
export function installJsonNotFound(app: FastifyInstance): void {
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(errorBody(ApiErrorCode.NotFound, 'Not found')))
}
