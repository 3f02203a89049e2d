import type { FastifyInstance } from 'fastify'
import { PROFILES } from './profiles.ts'

/** GET /api/v1/profiles: the certificate profiles and allowed keys, for the application wizard. */
export async function profileRoutes(app: FastifyInstance): Promise<void> {
  const body = {
    profiles: PROFILES.map((p) => ({
      id: p.id,
      kind: p.kind,
      ...(p.role ? { role: p.role } : {}),
      title: p.title,
      requiresOrganization: p.requiresOrganization,
      validityDays: p.validityDays,
      allowedKeys: p.allowedKeys,
      certificates: p.certificates,
    })),
  }
  app.get('/api/v1/profiles', async (_req, reply) => {
    reply.header('Cache-Control', 'public, max-age=3600')
    return body
  })
}
