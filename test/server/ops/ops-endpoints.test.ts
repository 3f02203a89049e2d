/**
 * The operations endpoints of one instance, in-process: /api/v1/ready (ready with a database and
 * a CA; 503 ERR_NOT_READY with the failed checks when the CA is missing, when PostgreSQL is
 * unreachable, and while shutting down), /metrics (401 without the token; the text is parsed by a
 * Prometheus text-format parser and its counters move with requests), and load shedding (503
 * ERR_OVERLOADED with Retry-After, probes still answered).
 */
import { createServer } from 'node:net'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../../server/app.ts'
import { loadConfig } from '../../../server/config.ts'
import { openDatabase } from '../../../server/db/database.ts'
import { loadOpsConfig } from '../../../server/ops/index.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'

const TOKEN = 'metrics-token-0123456789'

interface Family { name: string; type: string; metrics: Array<{ value?: string; labels?: Record<string, string> }> }

function sample(families: Family[], name: string, labels: Record<string, string>): number {
  const f = families.find((x) => x.name === name)
  const m = f?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v))
  return Number(m?.value ?? 0)
}

/** A TCP port nothing listens on (taken and released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

describe.each(['pglite', 'postgres'] as const)('operations endpoints (%s)', (engine) => {
  let s: TestServer
  beforeAll(async () => {
    // buildApp reads the operations settings from the environment, as a deployment sets them.
    process.env.METRICS_TOKEN = TOKEN
    try {
      s = await startTestServer(engine)
    } finally {
      delete process.env.METRICS_TOKEN
    }
  })
  afterAll(async () => {
    await s?.close()
  })

  it('is ready with a database, its migrations and the CA; says not ready while draining', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/api/v1/ready' })
    expect(r.statusCode, r.body).toBe(200)
    expect(r.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', keys: 'ok' } })
    s.app.qoltanbaOps.ready.draining = true
    try {
      const d = await s.app.inject({ method: 'GET', url: '/api/v1/ready' })
      expect(d.statusCode).toBe(503)
      expect(d.json().error.code).toBe('ERR_NOT_READY')
      expect(d.json().error.message).toContain('shutting-down')
    } finally {
      s.app.qoltanbaOps.ready.draining = false
    }
  })

  it('serves Prometheus metrics only with the token, and its counters move', async () => {
    expect((await s.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401)
    expect((await s.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode).toBe(401)
    const scrape = async () => {
      const r = await s.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
      expect(r.statusCode).toBe(200)
      expect(r.headers['content-type']).toContain('text/plain')
      return parsePrometheusTextFormat(r.body) as Family[]
    }
    const before = await scrape()
    for (let i = 0; i < 3; i++) await s.app.inject({ method: 'GET', url: '/api/v1/profiles' })
    await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: {} })
    const after = await scrape()
    const profiles = { method: 'GET', route: '/api/v1/profiles', status: '200' }
    expect(sample(after, 'qoltanba_http_requests_total', profiles) - sample(before, 'qoltanba_http_requests_total', profiles)).toBe(3)
    // parse-prometheus-text-format drops a labelled histogram's labels: read it through prom-client.
    const json = await s.app.qoltanbaOps.metrics.registry.getMetricsAsJSON()
    const latency = json.find((m) => m.name === 'qoltanba_http_request_duration_seconds')?.values ?? []
    const count = latency.find((v) => (v as { metricName?: string }).metricName === 'qoltanba_http_request_duration_seconds_count' && v.labels.route === '/api/v1/profiles')
    expect(count?.value).toBeGreaterThanOrEqual(3)
    const failedSignIns = after.find((f) => f.name === 'qoltanba_sign_ins_total')?.metrics.filter((m) => m.labels?.outcome !== 'success') ?? []
    expect(failedSignIns.reduce((n, m) => n + Number(m.value), 0)).toBeGreaterThanOrEqual(1)
    for (const name of ['qoltanba_ocsp_answers_total', 'qoltanba_certificates_issued_total', 'qoltanba_job_runs_total', 'process_cpu_seconds_total']) {
      expect(after.map((f) => f.name)).toContain(name)
    }
    if (engine === 'postgres') expect(sample(after, 'qoltanba_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1)
  })
})

describe('readiness failures', () => {
  const base = () => loadConfig({ DATA_DIR: '/nonexistent-qoltanba', DIST_DIR: '/nonexistent-qoltanba/dist', LOG_LEVEL: 'silent' })

  it('answers 503 ERR_NOT_READY (keys) without a CA, and ERR_NOT_READY (database) when PostgreSQL is unreachable', async () => {
    const db = await openDatabase({ dataDir: '/nonexistent', databaseUrl: undefined }, { memory: true })
    const noCa = await buildApp(base(), { db, logger: false, ops: loadOpsConfig({}) })
    try {
      const r = await noCa.inject({ method: 'GET', url: '/api/v1/ready' })
      expect(r.statusCode).toBe(503)
      expect(r.headers['retry-after']).toBe('5')
      expect(r.json()).toMatchObject({ error: { code: 'ERR_NOT_READY' }, checks: { database: 'ok', migrations: 'ok', keys: 'failed' } })
    } finally {
      await noCa.close()
      await db.destroy()
    }

    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/test`
    const unreachable = await openDatabase({ dataDir: '/nonexistent', databaseUrl: url }, { migrate: false, poolSize: 1 })
    const app = await buildApp({ ...base(), databaseUrl: url }, { db: unreachable, logger: false, ops: loadOpsConfig({ CHANGE_CHECK_MS: '0' }) })
    try {
      const r = await app.inject({ method: 'GET', url: '/api/v1/ready' })
      expect(r.statusCode).toBe(503)
      expect(r.json().checks.database).toBe('failed')
      // Liveness is not readiness: the process is alive, only its database is not.
      expect((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200)
    } finally {
      await app.close()
      await unreachable.destroy()
    }
  })
})

describe('load shedding', () => {
  it('answers 503 ERR_OVERLOADED with Retry-After over the limit, and still answers the probes', async () => {
    const db = await openDatabase({ dataDir: '/nonexistent', databaseUrl: undefined }, { memory: true })
    // A heap limit of one byte: every sample is over it.
    const app = await buildApp(loadConfig({ DATA_DIR: '/nonexistent-qoltanba', DIST_DIR: '/nonexistent-qoltanba/dist', LOG_LEVEL: 'silent' }), {
      db, logger: false, ops: loadOpsConfig({ LOAD_MAX_HEAP_BYTES: '1', LOAD_RETRY_AFTER_S: '7' }),
    })
    try {
      await app.ready()
      let r = await app.inject({ method: 'GET', url: '/api/v1/profiles' })
      // under-pressure samples the heap once a second: poll until the first sample is in.
      for (let i = 0; i < 100 && r.statusCode !== 503; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        r = await app.inject({ method: 'GET', url: '/api/v1/profiles' })
      }
      expect(r.statusCode).toBe(503)
      expect(r.headers['retry-after']).toBe('7')
      expect(r.json().error.code).toBe('ERR_OVERLOADED')
      expect((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200)
    } finally {
      await app.close()
      await db.destroy()
    }
  })
})
