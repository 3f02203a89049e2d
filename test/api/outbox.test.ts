/**
 * The outbox against a real Registration Center (Fastify on a local port, PGlite): a prepared
 * application becomes exactly one application on the server, whatever happens in between —
 * server unreachable, a lost answer, two tabs sending at once, a refusal.
 */
import 'fake-indexeddb/auto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApplicationOutbox, createApiClient, type ApiClient, type ApplicationDraft, type SubmissionBody } from '../../src/api/index.ts'
import { QoltanbaError } from '../../src/core/errors.ts'
import { startTestServer, type TestServer } from '../server/helpers/app.ts'
import { opensslCsr } from '../server/helpers/csr.ts'

let server: TestServer
let baseUrl: string
let dbCounter = 0

beforeAll(async () => {
  server = await startTestServer('pglite')
  baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await server?.close()
})

const IIN = '010203600014'

function body(): SubmissionBody {
  return {
    profile: 'individual',
    iin: IIN,
    region: 'KZ-71',
    storage: 'browser',
    requests: [
      { purpose: 'auth', csr: opensslCsr('p256').pem },
      { purpose: 'sign', csr: opensslCsr('p256').pem },
    ],
  }
}

const draft: ApplicationDraft = {
  applicant: {
    kind: 'individual', profile: 'individual', iin: IIN, surname: 'ОМАРОВА', name: 'ДИНАРА', patronymic: 'БОЛАТОВНА',
    email: null, bin: null, organization: null, region: 'KZ-71',
  },
  keys: { storage: 'browser', algorithm: 'P-256' },
  preparedAt: 0,
}

async function countOnServer(): Promise<number> {
  const rows = await server.ctx.db.selectFrom('applications').select('number').where('iin', '=', IIN).execute()
  return rows.length
}

function outbox(client: ApiClient, dbName = `outbox-test-${++dbCounter}`): ApplicationOutbox {
  return new ApplicationOutbox({ client, dbName })
}

/** A client whose submit reaches the server but whose answer is lost once (a dropped connection). */
function losingFirstAnswer(real: ApiClient): ApiClient & { calls: string[] } {
  const calls: string[] = []
  return {
    ...real,
    calls,
    async submitApplication(b, key) {
      calls.push(key)
      const result = await real.submitApplication(b, key)
      if (calls.length === 1) throw new QoltanbaError('ERR_NETWORK', 'connection reset')
      return result
    },
  }
}

describe('ApplicationOutbox', () => {
  it('keeps an application waiting while the server is unreachable, then sends it once', async () => {
    const before = await countOnServer()
    const dbName = `outbox-test-${++dbCounter}`
    const offline = outbox(createApiClient({ baseUrl: 'http://127.0.0.1:9' }), dbName)
    const item = await offline.enqueue(body(), draft)
    const first = await offline.flush()
    expect(first.sent).toEqual([])
    expect(first.waiting.map((w) => [w.id, w.state, w.lastError, w.attempts])).toEqual([[item.id, 'waiting', 'ERR_NETWORK', 1]])
    expect(await countOnServer()).toBe(before)
    await offline.close()

    const online = outbox(createApiClient({ baseUrl }), dbName)
    const second = await online.flush()
    expect(second.sent).toHaveLength(1)
    expect(second.sent[0]!.submissionId).toBe(item.id)
    expect(second.sent[0]!.number).toMatch(/^\d{12}$/)
    expect(await online.pending()).toEqual([])
    expect((await online.applications()).map((a) => a.number)).toEqual([second.sent[0]!.number])
    expect(await countOnServer()).toBe(before + 1)
    // Nothing left to send: another flush sends nothing.
    expect((await online.flush()).sent).toEqual([])
    expect(await countOnServer()).toBe(before + 1)
    await online.close()
  })

  it('a lost answer is retried with the same idempotency key and yields the same application', async () => {
    const before = await countOnServer()
    const client = losingFirstAnswer(createApiClient({ baseUrl }))
    const box = outbox(client)
    const item = await box.enqueue(body(), draft)
    expect((await box.flush()).waiting).toHaveLength(1)
    const { sent } = await box.flush()
    expect(client.calls).toEqual([item.id, item.id])
    expect(sent).toHaveLength(1)
    expect(await countOnServer()).toBe(before + 1)
    await box.close()
  })

  it('two tabs flushing the same outbox at once make one application', async () => {
    const before = await countOnServer()
    const dbName = `outbox-test-${++dbCounter}`
    const tabA = outbox(createApiClient({ baseUrl }), dbName)
    const tabB = outbox(createApiClient({ baseUrl }), dbName)
    await tabA.enqueue(body(), draft)
    const [a, b] = await Promise.all([tabA.flush(), tabB.flush()])
    const numbers = new Set([...a.sent, ...b.sent].map((r) => r.number))
    expect(numbers.size).toBe(1)
    expect(await countOnServer()).toBe(before + 1)
    expect(await tabA.applications()).toHaveLength(1)
    await tabA.close()
    await tabB.close()
  })

  it('one flush at a time within a tab: each item is sent once', async () => {
    const before = await countOnServer()
    const real = createApiClient({ baseUrl })
    const calls: string[] = []
    const box = outbox({ ...real, submitApplication: (b, key) => (calls.push(key), real.submitApplication(b, key)) })
    const items = [await box.enqueue(body(), draft), await box.enqueue(body(), draft)]
    const results = await Promise.all([box.flush(), box.flush(), box.flush()])
    expect(results.flatMap((r) => r.sent)).toHaveLength(2)
    expect(calls.sort()).toEqual(items.map((i) => i.id).sort())
    expect(await countOnServer()).toBe(before + 2)
    await box.close()
  })

  it('a refused application is kept as failed with the code, and can be retried or discarded', async () => {
    const before = await countOnServer()
    const box = outbox(createApiClient({ baseUrl }))
    const bad = { ...body(), iin: '900101300018' }
    const item = await box.enqueue(bad, draft)
    const { failed } = await box.flush()
    expect(failed.map((f) => [f.id, f.state, f.lastError])).toEqual([[item.id, 'failed', 'ERR_INVALID_IIN']])
    // Failed items are not resent by a plain flush.
    expect((await box.flush()).failed).toEqual([])
    expect((await box.pending())[0]!.attempts).toBe(1)
    await box.retry(item.id)
    expect((await box.flush()).failed).toHaveLength(1)
    await box.discard(item.id)
    expect(await box.pending()).toEqual([])
    expect(await countOnServer()).toBe(before)
    await box.close()
  })

  it('remembers the last known status with its time, and keeps it when the server is unreachable', async () => {
    let now = 1_000
    const dbName = `outbox-test-${++dbCounter}`
    const box = new ApplicationOutbox({ client: createApiClient({ baseUrl }), dbName, now: () => now })
    await box.enqueue(body(), draft)
    const [sent] = (await box.flush()).sent
    now = 2_000
    const view = await box.refreshStatus(sent!.number, sent!.accessCode)
    expect(view.status).toBe('submitted')
    expect(await box.application(sent!.number)).toMatchObject({ lastStatus: { status: 'submitted' }, lastCheckedAt: 2_000 })
    await box.close()

    now = 3_000
    const unreachable = new ApplicationOutbox({ client: createApiClient({ baseUrl: 'http://127.0.0.1:9' }), dbName, now: () => now })
    await expect(unreachable.refreshStatus(sent!.number, sent!.accessCode)).rejects.toMatchObject({ code: 'ERR_NETWORK' })
    expect(await unreachable.application(sent!.number)).toMatchObject({ lastStatus: { status: 'submitted' }, lastCheckedAt: 2_000 })
    await unreachable.close()
  })
})

describe('ApplicationOutbox and the kiosk wipe', () => {
  it('steps aside when its database is deleted, and works again on next use', async () => {
    const dbName = `outbox-test-${++dbCounter}`
    const box = outbox(createApiClient({ baseUrl: 'http://127.0.0.1:9' }), dbName)
    await box.enqueue(body(), draft)
    expect(await box.pending()).toHaveLength(1)
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(dbName)
      request.onsuccess = () => resolve()
      request.onerror = () => reject(request.error ?? new Error('delete failed'))
      request.onblocked = () => reject(new Error('the outbox held the database open'))
    })
    expect(await box.pending()).toEqual([])
    await box.close()
  })
})

describe('createApiClient', () => {
  it('maps the server error codes and non-API answers', async () => {
    const client = createApiClient({ baseUrl })
    await expect(client.getApplication('000000000000', 'nope')).rejects.toMatchObject({ code: 'ERR_ACCESS_DENIED' })
    await expect(client.lookupPerson('900101300018')).rejects.toMatchObject({ code: 'ERR_INVALID_IIN' })
    await expect(client.submitApplication(body(), 'short')).rejects.toMatchObject({ code: 'ERR_IDEMPOTENCY_KEY_REQUIRED' })
    const gateway = createApiClient({ fetch: async () => new Response('<html>Bad gateway</html>', { status: 502 }) })
    await expect(gateway.getProfiles()).rejects.toMatchObject({ code: 'ERR_NETWORK', details: { status: 502 } })
    await expect(createApiClient({ baseUrl: 'http://127.0.0.1:9' }).getProfiles()).rejects.toBeInstanceOf(QoltanbaError)
  })

  it('reads profiles, persons and CA certificates', async () => {
    const client = createApiClient({ baseUrl })
    expect((await client.getProfiles()).map((p) => p.id)).toContain('legal_head')
    expect(await client.lookupPerson('900101300017')).toMatchObject({ surname: 'ТЕСТОВ', name: 'ТЕСТ' })
    const root = await client.getCaCertificate('root')
    expect(root[0]).toBe(0x30)
  })
})
