/**
 * `npm start`: builds the PWA when its sources are newer than the build, then serves the app and
 * the Registration Center API on one port.
 */
import { existsSync, statSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig, ConfigError } from './config.ts'
import { buildApp } from './app.ts'
import { openDatabase } from './db/database.ts'
import { ensureCertificateAuthority } from './ca/authority.ts'
import { CaHierarchyMissingError } from './ca/ca-import.ts'
import { expireOverdueApplications } from './applications/service.ts'
import { createDemoOperator } from './operators/credential.ts'
import { seedDemoCenters } from './centers/seed.ts'
import { JobLocks, loadOpsConfig, sendMetrics, SingletonJob } from './ops/index.ts'
import { installGracefulShutdown } from './ops/shutdown.ts'
import Fastify from 'fastify'

/** How often overdue applications are moved to "expired" (they also expire lazily on access). */
const EXPIRY_SWEEP_MS = 60 * 60 * 1000

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  return readdirSync(path).reduce((m, name) => Math.max(m, newestMtime(join(path, name))), st.mtimeMs)
}

async function buildIfNeeded(distDir: string): Promise<void> {
  const built = newestMtime(join(distDir, 'index.html'))
  const sources = Math.max(...['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map(newestMtime))
  if (built >= sources) return
  console.info('Building the app (sources changed since the last build)…')
  const { build } = await import('vite')
  await build({ logLevel: 'warn' })
}

async function main(): Promise<void> {
  let config
  let ops
  try {
    config = loadConfig()
    ops = loadOpsConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      process.exit(2)
    }
    throw e
  }
  if (process.argv.includes('--build-if-needed')) await buildIfNeeded(config.distDir)
  const db = await openDatabase(config)
  // First start on an empty DATA_DIR creates a development CA (and says so loudly) with a demo operator.
  // The OCSP and TSA certificates are renewed, and the root CRL re-signed, by one instance each
  // (the holder of the job's advisory lock); the others take the result up.
  // With DATABASE_URL the hierarchy is the database's (no shared DATA_DIR): none there is a
  // setup step the administrator missed, said in one stable line (CA_HIERARCHY_MISSING).
  const caJobLocks = new JobLocks(config.databaseUrl)
  const ca = await ensureCertificateAuthority(config, db, {
    onCreated: (created, log) => createDemoOperator(db, created, config.dataDir, log),
    holdsJobLock: (job) => caJobLocks.holds(job),
  }).catch(async (e: unknown) => {
    if (!(e instanceof CaHierarchyMissingError)) throw e
    console.error(e.message)
    await caJobLocks.releaseAll()
    await db.destroy()
    process.exit(2)
  })
  // An empty registration-center directory (first start) gets the DEMO directory, and says so.
  await seedDemoCenters(db, (line) => console.warn(line))
  const app = await buildApp(config, { db, ca, ops })
  const { jobRuns } = app.qoltanbaOps.metrics
  // With several instances on one PostgreSQL, one of them sweeps (server/ops/singleton-job.ts).
  const sweep = new SingletonJob({
    name: 'application-expiry-sweep',
    intervalMs: EXPIRY_SWEEP_MS,
    databaseUrl: config.databaseUrl,
    run: async () => {
      const n = await expireOverdueApplications(db)
      if (n) app.log.info({ expired: n }, 'expired overdue applications')
    },
    onOutcome: (outcome, err) => {
      jobRuns.inc({ job: 'application-expiry-sweep', outcome })
      if (err) app.log.error({ err }, 'expiry sweep failed')
    },
  })
  sweep.start()
  // METRICS_PORT: /metrics on a listener of its own (no token; bind it to a private address).
  const metricsServer = ops.metricsPort === undefined ? undefined : Fastify({ logger: false })
  if (metricsServer) {
    metricsServer.get('/metrics', (_req, reply) => sendMetrics(app.qoltanbaOps.metrics.registry, reply))
    await metricsServer.listen({ port: ops.metricsPort, host: ops.metricsHost })
  }
  installGracefulShutdown({
    app,
    timeoutMs: ops.shutdownTimeoutMs,
    closeRest: async () => {
      await sweep.stop()
      await caJobLocks.releaseAll()
      await metricsServer?.close()
      ca.close()
      await db.destroy()
    },
  })
  await app.listen({ port: config.port, host: config.host })
  console.info(`Qoltanba is running at ${config.publicUrl}`)
}

await main()
