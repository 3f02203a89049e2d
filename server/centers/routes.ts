/**
 * GET /api/v1/centers: the active registration centers, public and cacheable. The ETag is a hash
 * of the body, so a client (the wizard, the public directory) revalidates with If-None-Match and
 * gets 304 until an operator changes something; `no-cache` makes every use revalidate, so an
 * edit shows at once while an unchanged directory costs one empty answer.
 */
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { listCenters } from './queries.ts'
import { centerView } from './views.ts'

/** True when an If-None-Match header lists `etag` (or is `*`); weak comparison, RFC 9110 §13.1.2. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '')
    return tag === '*' || tag === etag
  })
}

export async function centerRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts
  app.get('/api/v1/centers', async (req, reply) => {
    const centers = (await listCenters(ctx.db, { activeOnly: true })).map(centerView)
    const body = JSON.stringify({ centers })
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
    reply.header('ETag', etag)
    reply.header('Cache-Control', 'public, no-cache')
    if (matches(req.headers['if-none-match'], etag)) return reply.code(304).send()
    return reply.type('application/json; charset=utf-8').send(body)
  })
}
