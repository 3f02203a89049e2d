/**
 * Graceful shutdown on SIGTERM/SIGINT: readiness turns 503 at once (the load balancer stops
 * sending), jobs stop and hand their locks over, the server stops accepting and waits for the
 * requests in flight (and so their transactions), then the CA and the pool close. If that takes
 * longer than SHUTDOWN_TIMEOUT_MS the process exits anyway (status 1) rather than hang a rolling
 * upgrade.
 */
import type { FastifyInstance } from 'fastify'

export interface ShutdownSteps {
  readonly app: FastifyInstance
  /** Everything after the server has stopped: jobs, CA, database, extra listeners. */
  readonly closeRest: () => Promise<void>
  readonly timeoutMs: number
}

export function installGracefulShutdown({ app, closeRest, timeoutMs }: ShutdownSteps): void {
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.qoltanbaOps.ready.draining = true
    app.log.info({ signal, timeoutMs }, 'shutting down: finishing requests in flight')
    const timer = setTimeout(() => {
      app.log.error({ timeoutMs }, 'shutdown took too long; exiting with requests still open')
      process.exit(1)
    }, timeoutMs)
    timer.unref()
    try {
      // Fastify answers new requests 503 while closing and waits for those in flight.
      await app.close()
      await closeRest()
    } catch (err) {
      app.log.error({ err }, 'shutdown failed')
      process.exit(1)
    }
    clearTimeout(timer)
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}
