/**
 * GET /api/docs: the OpenAPI 3.1 document of the public API, written by hand so it says what the
 * routes promise (codes included) rather than what a generator infers. Each feature exports its
 * part (`{ paths, schemas }`, in its own openapi.ts) and the composition root (server/app.ts)
 * hands them here in the order they appear; this module imports no feature.
 */
import type { FastifyInstance } from 'fastify'
import { version } from '../version.ts'

/** One feature's part of the document: its paths and the component schemas they refer to. */
export interface OpenApiFragment {
  readonly paths: Record<string, unknown>
  readonly schemas?: Record<string, unknown>
}

const error = { $ref: '#/components/schemas/Error' }
/** A response with the error model, described by the codes it may carry. */
export const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: error } } })
/** A JSON response with `schema`. */
export const jsonContent = (schema: object, description = 'OK') => ({ description, content: { 'application/json': { schema } } })
/** Routes behind certificate sign-in (operators included: an active operator account on top). */
export const sessionSecurity = [{ sessionCookie: [] }]

/** This document's own path; listed where the fragments before it end (health and settings). */
export const docsOpenApi: OpenApiFragment = {
  paths: {
    '/api/docs': { get: { summary: 'This OpenAPI document', responses: { 200: jsonContent({ type: 'object' }) } } },
  },
}

/** The document from the features' fragments, in order (a later path of the same name wins). */
export function buildOpenApiDocument(fragments: readonly OpenApiFragment[]) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Qoltanba Registration Center API',
      version,
      description:
        'Errors are `{error:{code,message}}` with a stable `code`. Input problems are 4xx. JSON bodies must have the types this document gives (a number or an array where a string is expected is 400 ERR_VALIDATION, never converted); query and path parameters are text and convert to their schema type. Status endpoints and person lookup are rate limited (429 ERR_RATE_LIMITED).',
    },
    components: {
      securitySchemes: {
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: '__Host-qoltanba-session',
          description: 'Set by POST /api/v1/auth/login (named qoltanba-session on a plain-http origin); from a script: `qoltanba operator sign-in --p12 …`',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', examples: ['ERR_VALIDATION'] }, message: { type: 'string' }, details: { type: 'object' } } } },
        },
        ...Object.assign({}, ...fragments.map((f) => f.schemas ?? {})),
      },
    },
    paths: Object.assign({}, ...fragments.map((f) => f.paths)) as Record<string, unknown>,
  }
}

export async function openApiRoutes(app: FastifyInstance, opts: { fragments: readonly OpenApiFragment[] }): Promise<void> {
  const document = buildOpenApiDocument(opts.fragments)
  app.get('/api/docs', async (_req, reply) => {
    reply.header('Cache-Control', 'no-cache')
    return document
  })
}
