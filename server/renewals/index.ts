/**
 * installRenewals(app, ctx, policy): the renewal routes and the superseded-revocation job (a
 * singleton under an advisory lock, hourly, on the context's clock; stopped when the app closes).
 */
import type { FastifyInstance } from 'fastify'
import { nowOf, type AppContext } from '../context.ts'
import { SingletonJob } from '../ops/singleton-job.ts'
import type { RenewalPolicy } from './policy.ts'
import { renewalRoutes } from './routes.ts'
import { supersedeDueRenewals } from './supersede.ts'

export { loadRenewalPolicy, DEFAULT_RENEWAL_POLICY, type RenewalPolicy } from './policy.ts'
export { renewalsOpenApi } from './openapi.ts'
export { supersedeDueRenewals } from './supersede.ts'

export interface InstallRenewalsOptions {
  readonly rateLimit: { max: number; timeWindow: number }
  /** Start the job (default true; tests run supersedeDueRenewals with their own clock). */
  readonly start?: boolean
  readonly intervalMs?: number
}

export async function installRenewals(app: FastifyInstance, ctx: AppContext, policy: RenewalPolicy, options: InstallRenewalsOptions): Promise<void> {
  await app.register(renewalRoutes, { ctx, policy, rateLimit: options.rateLimit })
  const job = new SingletonJob({
    name: 'renewal-supersede',
    intervalMs: options.intervalMs ?? 3_600_000,
    databaseUrl: ctx.config.databaseUrl,
    run: async () => void (await supersedeDueRenewals(ctx.db, await ctx.getCa(), policy, nowOf(ctx))),
  })
  // A test clock moved ahead (server/clock.ts): run the job at the new time before the move answers.
  // A run already going may have read the old time, so a second tick follows it.
  const unsubscribe = ctx.clock?.onChange?.(async () => {
    await job.tick()
    await job.tick()
  })
  if (options.start !== false) app.addHook('onReady', async () => job.start())
  // A holder who asked for "at once" should not wait for the hourly tick: an installation
  // (POST /api/v1/applications/:number/installed) runs the job right after it answers.
  app.addHook('onResponse', async (req, reply) => {
    if (req.method !== 'POST' || reply.statusCode !== 200 || !req.routeOptions.url?.endsWith('/installed')) return
    void job.tick()
  })
  app.addHook('onClose', async () => {
    unsubscribe?.()
    await job.stop()
  })
}
