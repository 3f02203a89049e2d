/**
 * The wizard's directory against the real server (PGlite): loaded and saved in IndexedDB, then
 * read from the saved copy when the server cannot be reached; nothing saved and offline is
 * ERR_NETWORK. fake-indexeddb stands in for the browser's IndexedDB.
 */
import 'fake-indexeddb/auto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadCenters, CENTERS_DB_NAME } from '../../src/api/centers-client.ts'
import { seedDemoCenters } from '../../server/centers/seed.ts'
import { startTestServer, type TestServer } from '../server/helpers/app.ts'

let server: TestServer
let baseUrl: string
const offline: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'))

beforeAll(async () => {
  server = await startTestServer('pglite')
  await seedDemoCenters(server.t.db)
  baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await server?.close()
})

describe('loadCenters', () => {
  it('offline with nothing saved: ERR_NETWORK', async () => {
    await expect(loadCenters({ baseUrl, fetch: offline })).rejects.toMatchObject({ code: 'ERR_NETWORK' })
  })

  it('saves what the server sends and gives it back offline, saying so', async () => {
    const online = await loadCenters({ baseUrl })
    expect(online.offline).toBe(false)
    expect(online.centers.map((c) => c.id)).toContain('astana-1')
    const copy = await loadCenters({ baseUrl, fetch: offline })
    expect(copy).toEqual({ ...online, offline: true })
    // A gateway error is "unreachable" too.
    const gateway: typeof fetch = async () => new Response('<html>502</html>', { status: 502 })
    expect((await loadCenters({ baseUrl, fetch: gateway })).offline).toBe(true)
    expect((await indexedDB.databases()).map((d) => d.name)).toContain(CENTERS_DB_NAME)
  })
})
