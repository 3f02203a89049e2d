/**
 * PostgreSQL goes away and comes back (a paused TCP proxy between the instance and the shared
 * test server, which the other suites keep using): /api/v1/ready says 503 ERR_NOT_READY while it
 * is gone and 200 again once it is back, without restarting the instance; liveness stays 200.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../../server/app.ts'
import type { CertificateAuthority } from '../../../server/ca/authority.ts'
import { loadConfig } from '../../../server/config.ts'
import { openDatabase } from '../../../server/db/database.ts'
import type { Db } from '../../../server/db/schema.ts'
import { loadOpsConfig } from '../../../server/ops/index.ts'
import { TEST_DATABASE_URL } from '../helpers/database.ts'
import { createTestDatabase } from './instances.ts'

/** A TCP proxy to PostgreSQL that can cut every connection and refuse new ones. */
function pausableProxy(target: URL): Promise<{ server: Server; port: number; pause(): void; resume(): void }> {
  const sockets = new Set<Socket>()
  let paused = false
  const server = createServer((client) => {
    if (paused) return void client.destroy()
    const upstream = createConnection(Number(target.port || 5432), target.hostname)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as { port: number }).port,
        pause() {
          paused = true
          for (const s of sockets) s.destroy()
        },
        resume() {
          paused = false
        },
      }),
    ),
  )
}

describe('readiness while PostgreSQL is unreachable', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let proxy: Awaited<ReturnType<typeof pausableProxy>>
  let db: Db
  beforeAll(async () => {
    database = await createTestDatabase('qoltanba_ready')
    proxy = await pausableProxy(new URL(TEST_DATABASE_URL))
  })
  afterAll(async () => {
    await db?.destroy()
    proxy?.server.close()
    await database?.drop()
  })

  it('is 503 while the database is gone and ready again when it is back, with no restart', { timeout: 60_000 }, async () => {
    const url = new URL(database.url)
    url.host = `127.0.0.1:${proxy.port}`
    const config = { ...loadConfig({ DATA_DIR: '/nonexistent-qoltanba', DIST_DIR: '/nonexistent-qoltanba/dist', LOG_LEVEL: 'silent' }), databaseUrl: url.toString() }
    db = await openDatabase(config, { poolSize: 2 })
    // Readiness needs "keys open": a provider that has a CA (the checks here are the database's).
    const app = await buildApp(config, { db, logger: false, ca: async () => ({}) as CertificateAuthority, ops: loadOpsConfig({ CHANGE_CHECK_MS: '0' }) })
    const ready = async () => (await app.inject({ method: 'GET', url: '/api/v1/ready' })).statusCode
    try {
      expect(await ready()).toBe(200)
      proxy.pause()
      const gone = await app.inject({ method: 'GET', url: '/api/v1/ready' })
      expect(gone.statusCode).toBe(503)
      expect(gone.json()).toMatchObject({ error: { code: 'ERR_NOT_READY' }, checks: { database: 'failed', keys: 'ok' } })
      expect((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200)
      proxy.resume()
      let status = await ready()
      for (let i = 0; i < 100 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 50))
        status = await ready()
      }
      expect(status).toBe(200)
    } finally {
      await app.close()
    }
  })
})
