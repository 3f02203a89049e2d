/**
 * POST /api/v1/renewals (submit a renewal signed with the current key; Idempotency-Key),
 * GET /api/v1/renewals/:number and POST /api/v1/renewals/:number/supersede-now (the holder, by
 * application number + access code, or signed in as the holder).
 */
import type { FastifyInstance } from 'fastify'
import { sessionOf } from '../auth/require-session.ts'
import { nowOf, type AppContext } from '../context.ts'
import { ApiErrorCode, badRequest, notFound } from '../errors.ts'
import { findByAccessCode } from '../applications/service.ts'
import { emailSchema, keyRequestsSchema } from '../applications/submission.ts'
import type { RenewalPolicy } from './policy.ts'
import { renewalOf, submitRenewal, type RenewalBody } from './service.ts'
import { askSupersedeNow, supersedeDueRenewals } from './supersede.ts'

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,128}$/

export const renewalBodySchema = {
  type: 'object',
  required: ['serial', 'iin', 'requests', 'cms'],
  additionalProperties: false,
  properties: {
    serial: { type: 'string', pattern: '^[0-9A-Fa-f]{2,64}$' },
    iin: { type: 'string', maxLength: 32 },
    cms: { type: 'string', minLength: 16, maxLength: 60_000 },
    supersedeNow: { type: 'boolean' },
    email: emailSchema,
    language: { type: 'string', enum: ['kk', 'ru', 'en'] },
    requests: keyRequestsSchema,
  },
} as const

const numberParams = { type: 'object', required: ['number'], properties: { number: { type: 'string', maxLength: 32 } } } as const

export interface RenewalRoutesOptions {
  readonly ctx: AppContext
  readonly policy: RenewalPolicy
  readonly rateLimit: { max: number; timeWindow: number }
}

export async function renewalRoutes(app: FastifyInstance, opts: RenewalRoutesOptions): Promise<void> {
  const { ctx, policy } = opts
  app.post<{ Body: RenewalBody }>('/api/v1/renewals', { bodyLimit: 128 * 1024, schema: { body: renewalBodySchema }, config: { rateLimit: opts.rateLimit } }, async (req, reply) => {
    const key = req.headers['idempotency-key']
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
      throw badRequest(ApiErrorCode.IdempotencyKeyRequired, 'an Idempotency-Key header of 16–128 characters [A-Za-z0-9_-] is required')
    }
    const r = await submitRenewal(ctx, policy, req.body, key)
    reply.header('Cache-Control', 'no-store')
    reply.code(r.created ? 201 : 200)
    return { number: r.number, accessCode: r.accessCode, status: r.status, previousNumber: r.previousNumber, graceDays: policy.graceDays }
  })

  const find = async (req: { params: { number: string }; headers: Record<string, string | string[] | undefined> }) => {
    const code = req.headers['x-access-code']
    const accessCode = typeof code === 'string' && code.length <= 64 ? code : undefined
    const session = accessCode ? undefined : await sessionOf(ctx, req as never)
    const a = await findByAccessCode(ctx, req.params.number, accessCode, session?.iin)
    const view = await renewalOf(ctx, policy, a.number)
    if (!view) throw notFound('this application is not a renewal')
    return view
  }
  app.get<{ Params: { number: string } }>('/api/v1/renewals/:number', { schema: { params: numberParams }, config: { rateLimit: opts.rateLimit } }, async (req, reply) => {
    reply.header('Cache-Control', 'no-store')
    return find(req)
  })
  app.post<{ Params: { number: string } }>('/api/v1/renewals/:number/supersede-now', { schema: { params: numberParams }, config: { rateLimit: opts.rateLimit } }, async (req, reply) => {
    const view = await find(req)
    await askSupersedeNow(ctx.db, view.number)
    // Installed already: revoke now rather than at the job's next tick.
    if (view.status === 'installed') await supersedeDueRenewals(ctx.db, await ctx.getCa(), policy, nowOf(ctx))
    reply.header('Cache-Control', 'no-store')
    return renewalOf(ctx, policy, view.number)
  })
}
