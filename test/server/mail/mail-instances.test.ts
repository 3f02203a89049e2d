/**
 * Two real server processes on one PostgreSQL outbox (issue 18: "the server down for a while →
 * messages arrive after it returns, none twice, including with two server instances"): the SMTP
 * relay is down while applications are submitted on both instances, and again while their
 * addresses are confirmed and the applications approved across them; each time the relay comes
 * back, every message arrives, and exactly once (one X-Qoltanba-Message per outbox row).
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInWithPkcs12 } from '../../../server/cli/sign-in-client.ts'
import { opensslCsr } from '../helpers/csr.ts'
import { clusterEnv, createTestDatabase, startInstance, type Instance } from '../ops/instances.ts'
import { SmtpInbox } from './smtp-inbox.ts'

const IIN = '900101300017'
const PER_INSTANCE = 4

/** Polls `check` until it returns true (each poll waits 100 ms); fails after `limitMs`. */
async function until(what: string, check: () => Promise<boolean> | boolean, limitMs = 60_000): Promise<void> {
  const since = Date.now()
  while (!(await check())) {
    if (Date.now() - since > limitMs) throw new Error(`not within ${limitMs} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('mail with two instances on PostgreSQL', () => {
  const inbox = new SmtpInbox()
  let dir: string
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  let pool: pg.Pool
  const instances: Instance[] = []
  let A: Instance, B: Instance
  let auth: Record<string, string>

  beforeAll(async () => {
    await inbox.start()
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-mail-cluster-'))
    database = await createTestDatabase('qoltanba_mail')
    pool = new pg.Pool({ connectionString: database.url, max: 2 })
    // Fast polls and retries (a retry waits 200 ms, doubling), enough attempts for the outages.
    const env = clusterEnv(dir, database.url, { SMTP_URL: inbox.url, MAIL_POLL_MS: '100', MAIL_RETRY_BASE_MS: '200', MAIL_MAX_ATTEMPTS: '30' })
    A = await startInstance('A', env)
    instances.push(A)
    B = await startInstance('B', env)
    instances.push(B)
    const password = readFileSync(join(dir, 'demo-operator.p12.password'), 'utf8').trim()
    const { cookie } = await signInWithPkcs12({ baseUrl: A.url, fetch, p12: readFileSync(join(dir, 'demo-operator.p12')), password })
    auth = { cookie, 'content-type': 'application/json' }
  }, 120_000)

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop('SIGKILL')))
    await pool?.end()
    await database?.drop()
    await inbox.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const outbox = async () =>
    (await pool.query<{ id: string; application_number: string; kind: string; status: string; attempts: number; last_error: string | null }>('select id, application_number, kind, status, attempts, last_error from mail_outbox')).rows
  /** Every message due is tried at least once by a sender, and failed for the relay's absence. */
  const allTriedWhileDown = async (kinds: string[]) => {
    const rows = (await outbox()).filter((r) => kinds.includes(r.kind))
    return rows.length > 0 && rows.every((r) => r.status === 'pending' && r.attempts >= 1 && r.last_error !== null)
  }
  /** `count` messages of `kinds`, all sent. */
  const allSent = async (kinds: string[], count: number) => {
    const rows = (await outbox()).filter((r) => kinds.includes(r.kind))
    return rows.length === count && rows.every((r) => r.status === 'sent')
  }
  const post = (on: Instance, path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${on.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })

  async function submit(on: Instance, email: string): Promise<string> {
    const r = await post(
      on,
      '/api/v1/applications',
      { profile: 'individual', iin: IIN, email, language: 'ru', region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: opensslCsr('p256').pem }, { purpose: 'sign', csr: opensslCsr('p256').pem }] },
      { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    )
    expect(r.status, await r.clone().text()).toBe(201)
    return ((await r.json()) as { number: string }).number
  }

  /** Each sent row arrived once and nothing else did: the messages' X-Qoltanba-Message headers are the sent rows' ids, no repeats. */
  async function expectEachSentRowOnce(count: number): Promise<void> {
    const ids = (await outbox()).filter((r) => r.status === 'sent').map((r) => r.id)
    expect(ids).toHaveLength(count)
    expect(inbox.messages.map((m) => m.messageId).sort()).toEqual(ids.sort())
  }

  it('messages queued on both instances while the relay is down arrive once it is back, none twice', { timeout: 180_000 }, async () => {
    await inbox.stop()
    // Applications on both instances: each queues its confirmation (sent) and "received" (held).
    const addresses = Array.from({ length: 2 * PER_INSTANCE }, (_, i) => `cluster-${i}@example.kz`)
    const numbers = await Promise.all(addresses.map((a, i) => submit(i % 2 ? B : A, a)))
    await until('both senders tried every confirmation while the relay was down', () => allTriedWhileDown(['confirm']))
    await inbox.start()
    await until('every confirmation arrived', async () => (await allSent(['confirm'], 2 * PER_INSTANCE)) && inbox.messages.length >= 2 * PER_INSTANCE)
    await expectEachSentRowOnce(2 * PER_INSTANCE)
    const codes = addresses.map((a) => /: (\d{6})/.exec(inbox.to(a)[0]!.text)![1]!)

    // Down again: addresses confirmed on one instance, applications approved on the other.
    await inbox.stop()
    for (const [i, number] of numbers.entries()) {
      const [here, there] = i % 2 ? [A, B] : [B, A]
      expect((await post(here, `/api/v1/applications/${number}/email/confirm`, { code: codes[i] })).status).toBe(200)
      const approved = await post(there, `/api/v1/operator/applications/${number}/approve`, { identityChecked: true }, auth)
      expect(approved.status, await approved.clone().text()).toBe(200)
    }
    await until('both senders tried every "received" and "issued" while the relay was down', () => allTriedWhileDown(['received', 'issued']))
    await inbox.start()
    await until('every message arrived', async () => (await allSent(['confirm', 'received', 'issued'], 3 * 2 * PER_INSTANCE)) && inbox.messages.length >= 3 * 2 * PER_INSTANCE)
    await expectEachSentRowOnce(3 * 2 * PER_INSTANCE)
    for (const [i, a] of addresses.entries()) {
      expect(inbox.to(a).map((m) => m.subject).sort()).toEqual(
        [`Подтвердите адрес электронной почты — заявка ${numbers[i]}`, `Заявка ${numbers[i]} принята`, `Сертификаты выпущены — заявка ${numbers[i]}`].sort(),
      )
    }
  })
})
