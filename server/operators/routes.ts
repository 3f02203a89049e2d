/**
 * Operator console API under /api/v1/operator/…, every route behind requireOperatorSession (certificate sign-in).
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import type { ApplicationStatus } from '../db/schema.ts'
import { notFound } from '../errors.ts'
import { approveApplication, rejectApplication, searchApplications } from '../applications/review.ts'
import { IDENTITY_DOCUMENT_TYPES, type ApprovalDecision } from '../../src/core/operator-wire.ts'
import { applicationByNumber, certificatesOfApplication, historyOfApplication, requestsOfApplication } from '../applications/queries.ts'
import { expireIfDue } from '../applications/service.ts'
import { certificateView, listItem, operatorView } from '../applications/views.ts'
import { requireOperatorSession } from '../auth/require-session.ts'
import { findCenter } from '../centers/queries.ts'
import { renewalLinks, renewalNumbers } from '../renewals/service.ts'

const numberParams = { type: 'object', required: ['number'], properties: { number: { type: 'string', pattern: '^[0-9]{12}$' } } } as const

/**
 * Approve body: `identityChecked` = the operator checked the applicant's identity document
 * (required to be true, else ERR_IDENTITY_NOT_CHECKED), optionally which document;
 * `tokenChecked` = the operator saw the keys on a hardware token (3-year validity, review.ts).
 */
const approveBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    identityChecked: { type: 'boolean' },
    identityDocument: {
      type: 'object',
      additionalProperties: false,
      properties: { type: { type: 'string', enum: IDENTITY_DOCUMENT_TYPES }, number: { type: 'string', maxLength: 32, pattern: '^[0-9A-Za-z /-]*$' } },
    },
    tokenChecked: { type: 'boolean' },
  },
} as const


export async function operatorRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts
  app.addHook('preHandler', requireOperatorSession(ctx))

  app.get('/api/v1/operator/me', async (req) => {
    const op = req.operator!
    return { iin: op.iin, surname: op.surname, name: op.name, patronymic: op.patronymic, role: op.role }
  })

  app.get<{ Querystring: { number?: string; iin?: string; status?: ApplicationStatus; limit?: number; offset?: number } }>(
    '/api/v1/operator/applications',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            number: { type: 'string', maxLength: 32 },
            iin: { type: 'string', pattern: '^[0-9]{12}$' },
            status: { type: 'string', enum: ['submitted', 'issued', 'installed', 'rejected', 'expired'] },
            limit: { type: 'integer', minimum: 1, maximum: 200 },
            offset: { type: 'integer', minimum: 0, maximum: 100000 },
          },
        },
      },
    },
    async (req) => {
      const rows = await searchApplications(ctx, req.query)
      const renewals = await renewalNumbers(ctx.db, rows.map((r) => r.number))
      return { applications: rows.map((r) => ({ ...listItem(r), renewal: renewals.has(r.number) })) }
    },
  )

  app.get<{ Params: { number: string } }>('/api/v1/operator/applications/:number', { schema: { params: numberParams } }, async (req) => {
    const number = req.params.number
    await expireIfDue(ctx.db, number)
    const a = await applicationByNumber(ctx.db, number)
    if (!a) throw notFound('no such application')
    const [requests, certificates, audit, center] = await Promise.all([
      requestsOfApplication(ctx.db, number),
      certificatesOfApplication(ctx.db, number),
      historyOfApplication(ctx.db, number),
      a.registration_center_id ? findCenter(ctx.db, a.registration_center_id) : undefined,
    ])
    // The center the applicant chose, so the operator sees where the applicant was to come;
    // the renewal chain (server/renewals), so a renewal is badged and linked both ways.
    return { ...operatorView(a, requests, certificates, audit, center), renewal: await renewalLinks(ctx.db, number) }
  })

  app.post<{ Params: { number: string }; Body: Partial<ApprovalDecision> }>(
    '/api/v1/operator/applications/:number/approve',
    {
      schema: { params: numberParams, body: approveBody },
      // An absent body validates as {} and is then refused for the missing identity check.
      preValidation: async (req) => {
        req.body ??= {}
      },
    },
    async (req) => {
      const { identityChecked, identityDocument: doc, tokenChecked } = req.body
      const identity = { checked: identityChecked === true, ...(doc?.type ? { documentType: doc.type } : {}), ...(doc?.number ? { documentNumber: doc.number } : {}) }
      const { application, certificates } = await approveApplication(ctx, req.params.number, req.operator!, { identity, tokenChecked: tokenChecked === true })
      return { number: application.number, status: application.status, certificates: certificates.map(certificateView) }
    },
  )

  app.post<{ Params: { number: string }; Body: { reason: string } }>(
    '/api/v1/operator/applications/:number/reject',
    {
      schema: {
        params: numberParams,
        body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } } },
      },
    },
    async (req) => {
      const a = await rejectApplication(ctx, req.params.number, req.operator!, req.body.reason.trim())
      return { number: a.number, status: a.status, rejectionReason: a.rejection_reason }
    },
  )
}
