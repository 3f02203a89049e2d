/**
 * Applicant endpoints: submit (POST /api/v1/applications), status, certificates, installed.
 * Status endpoints need the access code in `X-Access-Code` and are rate limited per client.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { sessionOf } from '../auth/require-session.ts'
import { toPem } from '../../src/pki/pem.ts'
import type { AppContext } from '../context.ts'
import { ApiErrorCode, badRequest, conflict } from '../errors.ts'
import { checkSubmission, submissionSchema, type SubmissionBody } from './submission.ts'
import { certificatesOfApplication, requestsOfApplication } from './queries.ts'
import { findByAccessCode, markInstalled, submitApplication } from './service.ts'
import { applicantView, certificateView } from './views.ts'
import { findCenter } from '../centers/queries.ts'

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,128}$/

const numberParams = {
  type: 'object',
  required: ['number'],
  properties: { number: { type: 'string', maxLength: 32 } },
} as const

export interface ApplicationRoutesOptions {
  readonly ctx: AppContext
  readonly statusRateLimit: { max: number; timeWindow: number }
  readonly submitRateLimit: { max: number; timeWindow: number }
}

export async function applicationRoutes(app: FastifyInstance, opts: ApplicationRoutesOptions): Promise<void> {
  const { ctx } = opts

  app.post<{ Body: SubmissionBody }>(
    '/api/v1/applications',
    { schema: { body: submissionSchema }, config: { rateLimit: opts.submitRateLimit } },
    async (req, reply) => {
      const key = req.headers['idempotency-key']
      if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
        throw badRequest(ApiErrorCode.IdempotencyKeyRequired, 'an Idempotency-Key header of 16–128 characters [A-Za-z0-9_-] is required')
      }
      const checked = await checkSubmission(req.body)
      const result = await submitApplication(ctx, checked, key)
      reply.header('Cache-Control', 'no-store')
      reply.code(result.created ? 201 : 200)
      return { number: result.number, accessCode: result.accessCode, status: result.status }
    },
  )

  const statusConfig = { config: { rateLimit: opts.statusRateLimit }, schema: { params: numberParams } }

  app.get<{ Params: { number: string } }>('/api/v1/applications/:number', statusConfig, async (req, reply) => {
    const a = await findApplication(ctx, req)
    const requests = await requestsOfApplication(ctx.db, a.number)
    const center = a.registration_center_id ? await findCenter(ctx.db, a.registration_center_id) : undefined
    reply.header('Cache-Control', 'no-store')
    return applicantView(a, requests, center)
  })

  app.get<{ Params: { number: string } }>('/api/v1/applications/:number/certificates', statusConfig, async (req, reply) => {
    const a = await findApplication(ctx, req)
    if (a.status !== 'issued' && a.status !== 'installed') {
      throw conflict(ApiErrorCode.InvalidState, `no certificates: the application is "${a.status}"`, { status: a.status })
    }
    const certs = await certificatesOfApplication(ctx.db, a.number)
    const ca = await ctx.getCa()
    reply.header('Cache-Control', 'no-store')
    return {
      number: a.number,
      status: a.status,
      certificates: certs.map(certificateView),
      // Issuing CA first, then the root: the order PKCS#12 writers and TLS stacks expect.
      chain: [ca.hierarchy.issuing.der, ca.hierarchy.root.der].map((d) => toPem(new Uint8Array(d), 'CERTIFICATE')),
    }
  })

  app.post<{ Params: { number: string } }>('/api/v1/applications/:number/installed', statusConfig, async (req, reply) => {
    const a = await findApplication(ctx, req)
    const after = await markInstalled(ctx, a.number)
    reply.header('Cache-Control', 'no-store')
    return { number: after.number, status: after.status, installedAt: after.installed_at?.toISOString() ?? null }
  })
}

function accessCodeHeader(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' && v.length <= 64 ? v : undefined
}

/** By access code, or — without one — for the signed-in holder of the application's IIN. */
async function findApplication(ctx: AppContext, req: FastifyRequest<{ Params: { number: string } }>) {
  const code = accessCodeHeader(req.headers['x-access-code'])
  const session = code ? undefined : await sessionOf(ctx, req)
  return findByAccessCode(ctx, req.params.number, code, session?.iin)
}
