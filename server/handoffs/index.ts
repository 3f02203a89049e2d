/** Hand-offs to the phone (issue 17): routes, and the sweep that deletes what expired. See README.md. */
import type { FastifyInstance } from 'fastify'
import { lazySignInSetup, loadAuthConfig, type AuthConfig } from '../auth/index.ts'
import { createLoginService } from '../auth/login.ts'
import type { AppContext } from '../context.ts'
import { SingletonJob } from '../ops/singleton-job.ts'
import { normalizeOrigin } from '../../src/verifier/index.ts'
import { HandoffSignals } from './live.ts'
import { handoffRoutes, type HandoffRoutesOptions } from './routes.ts'
import { deleteExpiredHandoffs } from './store.ts'

export { handoffsOpenApi } from './openapi.ts'
export { deleteExpiredHandoffs } from './store.ts'

export type HandoffOptions = Partial<Pick<HandoffRoutesOptions, 'maxContentBytes' | 'now' | 'pollMs' | 'rateLimit'>>

/**
 * Registers the routes and starts the sweep (every minute, on one instance: SingletonJob).
 * The login service is the one POST /api/v1/auth/login uses, so a phone's sign-in is checked
 * exactly as a local one.
 */
export async function registerHandoffs(app: FastifyInstance, ctx: AppContext, config: AuthConfig = loadAuthConfig(), options: HandoffOptions = {}): Promise<void> {
  const setup = lazySignInSetup(ctx, config)
  const login = createLoginService({ db: ctx.db, setup, policy: config.session, origin: normalizeOrigin(ctx.config.publicUrl), mail: ctx.mail })
  const rateLimit = options.rateLimit ?? { max: ctx.config.rateLimit.submitMax * 2, timeWindow: ctx.config.rateLimit.windowMs }
  await app.register(handoffRoutes, { ctx, login, setup, policy: config.session, signals: new HandoffSignals(), ...options, rateLimit })
  const sweep = new SingletonJob({
    name: 'handoff-sweep',
    intervalMs: 60_000,
    databaseUrl: ctx.config.databaseUrl,
    run: async () => {
      await deleteExpiredHandoffs(ctx.db, new Date())
    },
  })
  app.addHook('onReady', async () => sweep.start())
  app.addHook('onClose', async () => sweep.stop())
}
