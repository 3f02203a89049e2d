/**
 * Load shedding (@fastify/under-pressure): when the event loop lags or the heap passes its limit,
 * new requests get 503 ERR_OVERLOADED with Retry-After at once, instead of queueing until every
 * client times out. Liveness and readiness probes are never shed (a probe that times out under
 * load would get a healthy instance restarted), nor is /metrics (overload is when it matters).
 */
import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorCode } from '../../src/core/errors.ts'
import type { OpsConfig } from './ops-config.ts'

const NEVER_SHED = new Set(['/api/v1/health', '/api/v1/ready', '/metrics'])

type PressureHandler = NonNullable<FastifyUnderPressureOptions['pressureHandler']>

export async function installLoadShedding(app: FastifyInstance, ops: OpsConfig): Promise<void> {
  // under-pressure sends a handler's non-null return value (index.js, handlePressure); its types
  // say void, hence the cast.
  const shed = (req: FastifyRequest, reply: FastifyReply, type: string) => {
    if (NEVER_SHED.has(req.routeOptions.url ?? '')) return undefined
    req.log.warn({ type }, 'shedding load')
    // A returned value is what under-pressure sends; undefined lets the request through.
    reply.code(503).header('retry-after', String(ops.retryAfterSeconds))
    return { error: { code: ErrorCode.Overloaded, message: `the server is overloaded; retry in ${ops.retryAfterSeconds} s` } }
  }
  await app.register(underPressure, {
    maxEventLoopDelay: ops.maxEventLoopDelayMs,
    maxHeapUsedBytes: ops.maxHeapUsedBytes,
    retryAfter: ops.retryAfterSeconds,
    pressureHandler: shed as unknown as PressureHandler,
  })
}
