/**
 * The personal cabinet's "Portals you signed in to": the consents the person chose to remember
 * (GET /api/v1/me/consents) and their withdrawal (DELETE …/:clientId), which also ends the portal's
 * tokens for this person (consents.ts).
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { ApiError } from '../errors.ts'
import { ErrorCode } from '../../src/core/errors.ts'
import { requireSession } from '../auth/require-session.ts'
import { listConsents, withdrawConsent } from './consents.ts'

const clientParams = { type: 'object', required: ['clientId'], properties: { clientId: { type: 'string', minLength: 1, maxLength: 64 } } } as const

export async function oidcConsentRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts
  app.addHook('preHandler', requireSession(ctx))

  app.get('/api/v1/me/consents', async (req) => ({
    consents: (await listConsents(ctx.db, req.authSession!.iin)).map((c) => ({
      clientId: c.clientId,
      name: { kk: c.nameKk, ru: c.nameRu, en: c.nameEn },
      ...(c.logoUri ? { logoUri: c.logoUri } : {}),
      scopes: c.scopes,
      claims: c.claims,
      grantedAt: c.grantedAt.toISOString(),
    })),
  }))

  app.delete<{ Params: { clientId: string } }>('/api/v1/me/consents/:clientId', { schema: { params: clientParams } }, async (req, reply) => {
    const done = await withdrawConsent(ctx.db, req.authSession!.iin, req.params.clientId)
    if (!done) throw new ApiError(404, ErrorCode.NotFound, 'no consent for this portal')
    return reply.code(204).send()
  })
}
