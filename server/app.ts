/**
 * Builds the Fastify application: API routes, PKI endpoints and the static PWA. Kept free of
 * process concerns (ports, signals) so tests build it in-process with `app.inject()`.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { ServerConfig } from './config.ts'
import { registerStatic } from './http/static.ts'
import { healthRoutes } from './routes/health.ts'

export async function buildApp(config: ServerConfig, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: 1024 * 1024,
    trustProxy: false,
  })
  app.addHook('onSend', async (_req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff')
    reply.header('Referrer-Policy', 'no-referrer')
    reply.header('X-Frame-Options', 'DENY')
  })
  await app.register(healthRoutes)
  await registerStatic(app, config.distDir)
  return app
}
