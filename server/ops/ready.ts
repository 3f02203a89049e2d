/**
 * GET /api/v1/ready: may this instance take traffic? The database answers (within a deadline,
 * so a paused network gives a quick "no" instead of a hung probe), every migration this version
 * ships is applied, the CA keys are open, and the instance is not shutting down. 503 with
 * ERR_NOT_READY and the failed checks otherwise; the load balancer then sends traffic elsewhere.
 * Liveness stays /api/v1/health: a dead database is no reason to restart the process.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { ErrorCode } from '../../src/core/errors.ts'

const MIGRATIONS_DIR = fileURLToPath(new URL('../db/migrations/', import.meta.url))
const DB_DEADLINE_MS = 2000

type Check = 'ok' | 'failed'

export interface ReadyState {
  /** Set when SIGTERM arrived: the instance finishes its requests and takes no more. */
  draining: boolean
}

/** Migration names this version ships (the file names without .ts), read once. */
function shippedMigrations(): string[] {
  return readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{3}_[A-Za-z0-9_-]+\.ts$/.test(f)).map((f) => f.slice(0, -3))
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer))
}

export function readyRoute(app: FastifyInstance, ctx: AppContext, state: ReadyState): void {
  const shipped = shippedMigrations()
  app.get('/api/v1/ready', async (req, reply) => {
    const checks: Record<'database' | 'migrations' | 'keys', Check> = { database: 'failed', migrations: 'failed', keys: 'failed' }
    try {
      const r = await withDeadline(sql<{ name: string }>`select name from kysely_migration`.execute(ctx.db), DB_DEADLINE_MS)
      checks.database = 'ok'
      const applied = new Set(r.rows.map((x) => x.name))
      if (shipped.every((m) => applied.has(m))) checks.migrations = 'ok'
    } catch (err) {
      req.log.warn({ err }, 'readiness: database check failed')
    }
    try {
      await ctx.getCa()
      checks.keys = 'ok'
    } catch {
      // ERR_CA_UNAVAILABLE: no CA loaded
    }
    const failed = Object.entries(checks).filter(([, v]) => v !== 'ok').map(([k]) => k)
    if (state.draining) failed.push('shutting-down')
    if (!failed.length) return { status: 'ready', checks }
    reply.code(503).header('retry-after', '5')
    return { error: { code: ErrorCode.NotReady, message: `not ready: ${failed.join(', ')}` }, checks }
  })
}
