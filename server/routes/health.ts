import type { FastifyInstance } from 'fastify'
import { version } from '../version.ts'

/** GET /api/v1/health: liveness and version, for load balancers and the app's About page. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/v1/health', async () => ({ status: 'ok', version }))
}
