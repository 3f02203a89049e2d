/**
 * The operations layer of one instance: load shedding, metrics, readiness, and (on PostgreSQL)
 * the change feed that keeps cached statuses in step with the other instances. buildApp
 * installs it; server/main.ts adds the process concerns (signals, jobs, the metrics port).
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { installLoadShedding } from './load-shedding.ts'
import { installMetrics, metricsRoute, type AppMetrics } from './metrics.ts'
import type { OpsConfig } from './ops-config.ts'
import { startPropagation } from './propagation.ts'
import { readyRoute, type ReadyState } from './ready.ts'
import type { ChangeFeed } from './change-feed.ts'

export { loadOpsConfig, type OpsConfig } from './ops-config.ts'
export { opsOpenApi } from './openapi.ts'
export { sendMetrics, type AppMetrics } from './metrics.ts'
export { SingletonJob, type JobOutcome } from './singleton-job.ts'
export { AdvisoryLock } from './advisory-lock.ts'
export { JobLocks } from './job-locks.ts'

export interface Ops {
  readonly config: OpsConfig
  readonly metrics: AppMetrics
  readonly ready: ReadyState
  /** Present with DATABASE_URL. */
  readonly changeFeed: ChangeFeed | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Operations state (metrics registry, readiness, change feed). */
    qoltanbaOps: Ops
  }
}

export async function installOps(app: FastifyInstance, ctx: AppContext, config: OpsConfig): Promise<Ops> {
  await installLoadShedding(app, config)
  const metrics = installMetrics(app, ctx)
  const ready: ReadyState = { draining: false }
  readyRoute(app, ctx, ready)
  // While draining, every answer closes its connection: a keep-alive connection left idle after
  // its last answer would hold the server's close open until the keep-alive timeout.
  app.addHook('onSend', async (_req, reply, payload) => {
    if (ready.draining) reply.header('connection', 'close')
    return payload
  })
  if (config.metricsToken) metricsRoute(app, metrics, config.metricsToken)
  const changeFeed = startPropagation(ctx, metrics, config.changeCheckMs, (msg, err) => (err ? app.log.warn({ err }, msg) : app.log.info(msg)))
  if (changeFeed) app.addHook('onClose', () => changeFeed.close())
  const ops: Ops = { config, metrics, ready, changeFeed }
  app.decorate('qoltanbaOps', ops)
  return ops
}
