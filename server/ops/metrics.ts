/**
 * Prometheus metrics (prom-client), one registry per app so several apps in one process (tests)
 * never mix their figures. Requests are counted by route pattern (never the raw URL: serials and
 * application numbers would make a series per certificate) and status; the domain counters are
 * read at the HTTP edge or from the services' own tallies, so no domain module imports this one.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { AppContext } from '../context.ts'
import { poolOf } from '../db/database.ts'
import { asCertificateAuthority } from '../ca/authority.ts'
import { unauthorized } from '../errors.ts'

/** The route whose 200 answers carry `certificates: [...]`, the ones just issued. */
const APPROVE_ROUTE = '/api/v1/operator/applications/:number/approve'
/** Certificate sign-in; its outcome is the answer's error code or "success". */
const LOGIN_ROUTE = '/api/v1/auth/login'

export interface AppMetrics {
  readonly registry: Registry
  /** Job runs by job and outcome (ran, skipped: another instance holds it, failed). */
  readonly jobRuns: Counter<'job' | 'outcome'>
  /** Change notifications applied, by kind and source (notify, check, resync). */
  readonly changes: Counter<'kind' | 'source'>
}

function errorCodeOf(payload: unknown): string {
  if (typeof payload !== 'string') return 'unknown'
  try {
    const code = (JSON.parse(payload) as { error?: { code?: unknown } }).error?.code
    return typeof code === 'string' ? code : 'unknown'
  } catch {
    return 'unknown'
  }
}

/** Creates the registry and registers the hooks that feed it. */
export function installMetrics(app: FastifyInstance, ctx: AppContext): AppMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  const requests = new Counter({ name: 'qoltanba_http_requests_total', help: 'HTTP requests by method, route pattern and status', labelNames: ['method', 'route', 'status'] as const, registers })
  const duration = new Histogram({
    name: 'qoltanba_http_request_duration_seconds',
    help: 'HTTP request latency by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  })
  const issued = new Counter({ name: 'qoltanba_certificates_issued_total', help: 'Certificates issued by approvals on this instance', registers })
  const signIns = new Counter({ name: 'qoltanba_sign_ins_total', help: 'Certificate sign-ins by outcome (success or the error code)', labelNames: ['outcome'] as const, registers })
  const jobRuns = new Counter({ name: 'qoltanba_job_runs_total', help: 'Periodic job runs by job and outcome (ran, skipped, failed)', labelNames: ['job', 'outcome'] as const, registers })
  const changes = new Counter({ name: 'qoltanba_changes_applied_total', help: 'Status changes of other instances applied here, by kind and source', labelNames: ['kind', 'source'] as const, registers })
  new Counter({
    name: 'qoltanba_ocsp_answers_total',
    help: 'OCSP answers by certificate status (good, revoked, unknown) or error (malformedRequest, internalError)',
    labelNames: ['status'] as const,
    registers,
    // The responder keeps its own tally (a counter in the hot path costs nothing); read it here.
    async collect() {
      this.reset()
      const ca = await ctx.getCa().then(asCertificateAuthority, () => undefined)
      if (!ca) return
      for (const [status, n] of Object.entries(ca.ocsp.answers)) this.inc({ status }, n)
    },
  })
  const pool = poolOf(ctx.db)
  new Gauge({
    name: 'qoltanba_db_pool_connections',
    help: 'Database pool connections by state (total, idle, waiting clients); absent on the embedded database',
    labelNames: ['state'] as const,
    registers,
    collect() {
      if (!pool) return
      this.set({ state: 'total' }, pool.totalCount)
      this.set({ state: 'idle' }, pool.idleCount)
      this.set({ state: 'waiting' }, pool.waitingCount)
    },
  })

  app.addHook('onSend', async (req, reply, payload) => {
    const route = req.routeOptions.url
    if (route === APPROVE_ROUTE && reply.statusCode === 200 && typeof payload === 'string') {
      try {
        issued.inc((JSON.parse(payload) as { certificates?: unknown[] }).certificates?.length ?? 0)
      } catch {
        // not the JSON we expect: nothing to count
      }
    } else if (route === LOGIN_ROUTE) {
      signIns.inc({ outcome: reply.statusCode < 300 ? 'success' : errorCodeOf(payload) })
    }
    return payload
  })
  app.addHook('onResponse', async (req, reply) => {
    // Unmatched paths share one label: a scanner's URLs must not become series.
    const route = req.routeOptions.url ?? 'unmatched'
    requests.inc({ method: req.method, route, status: String(reply.statusCode) })
    duration.observe({ method: req.method, route }, reply.elapsedTime / 1000)
  })
  return { registry, jobRuns, changes }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The text exposition of `registry`, for a route or a separate listener. */
export async function sendMetrics(registry: Registry, reply: FastifyReply): Promise<string> {
  reply.header('content-type', registry.contentType).header('cache-control', 'no-store')
  return registry.metrics()
}

/** GET /metrics on the app's port, answered only with `Authorization: Bearer <METRICS_TOKEN>`. */
export function metricsRoute(app: FastifyInstance, metrics: AppMetrics, token: string): void {
  app.get('/metrics', async (req: FastifyRequest, reply) => {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    if (!given || !sameToken(given, token)) throw unauthorized('a metrics token is required')
    return sendMetrics(metrics.registry, reply)
  })
}
