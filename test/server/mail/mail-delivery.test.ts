/**
 * Delivery through a relay that goes away: messages wait in the outbox and arrive once when it
 * is back; after MAIL_MAX_ATTEMPTS a message is given up with the reason. On PostgreSQL, two
 * senders on separate connection pools (two instances) drain one outbox together and every
 * message arrives exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../server/db/database.ts'
import type { Db } from '../../../server/db/schema.ts'
import { MailSender } from '../../../server/mail/sender.ts'
import { mailDb } from '../../../server/mail/schema.ts'
import { TEST_DATABASE_URL, openTestDatabase, type Engine, type TestDatabase } from '../helpers/database.ts'
import { testMailConfig } from './mail-config.ts'
import { SmtpInbox } from './smtp-inbox.ts'

/** Applications with a confirmed recipient and `n` pending messages each, straight in the tables. */
async function seed(db: Db, count: number, prefix: string): Promise<void> {
  const now = new Date()
  for (let i = 0; i < count; i++) {
    const number = `${prefix}${String(i).padStart(6, '0')}`
    await db
      .insertInto('applications')
      .values({
        number, idempotency_key: `k-${number}`, request_hash: 'h', profile: 'individual', iin: '900101300017', bin: null, organization: null, email: `${number}@example.kz`,
        region: 'KZ-75', city: null, storage: 'file', surname: 'ТЕСТОВ', name: 'ТЕСТ', patronymic: null, status: 'submitted', access_code_hash: '0'.repeat(64),
        submitted_by: 'test', expires_at: new Date(now.getTime() + 86_400_000), status_changed_at: now, status_changed_by: 'test',
      })
      .execute()
    const m = mailDb(db)
    await m.insertInto('mail_recipients').values({ application_number: number, address: `${number}@example.kz`, language: 'en', code_hash: '0', confirmed_at: now }).execute()
    await m.insertInto('mail_outbox').values({ application_number: number, kind: 'received', dedupe_key: null, data: JSON.stringify({ number }), status: 'pending' }).execute()
  }
}

const ENGINE_LIST: readonly Engine[] = ['pglite', 'postgres']

describe.each(ENGINE_LIST)('mail delivery on %s', (engine) => {
  let t: TestDatabase
  const inbox = new SmtpInbox()
  beforeAll(async () => {
    await inbox.start()
    t = await openTestDatabase(engine)
  })
  afterAll(async () => {
    await t?.close()
    await inbox.stop()
  })

  it('a relay down for a while delays messages and loses none; none arrives twice', async () => {
    await seed(t.db, 5, '260001')
    const sender = new MailSender(t.db, testMailConfig(inbox.url, { retryBaseMs: 60_000 }) as never, 'http://localhost:8080')
    await inbox.stop()
    // A millisecond ahead: the rows' next_attempt_at is the database's now() in microseconds, and a
    // JavaScript Date of the same millisecond is earlier than a row made in it (the full run saw 4).
    const down = await sender.tick(new Date(Date.now() + 1))
    expect(down).toEqual({ sent: 0, retried: 5, failed: 0 })
    const waiting = await mailDb(t.db).selectFrom('mail_outbox').select(['status', 'attempts', 'last_error']).execute()
    expect(waiting.every((r) => r.status === 'pending' && r.attempts === 1 && r.last_error)).toBe(true)
    await inbox.start()
    // Not yet due (backoff): nothing is tried before the delay.
    expect(await sender.tick()).toEqual({ sent: 0, retried: 0, failed: 0 })
    expect(await sender.tick(new Date(Date.now() + 61_000))).toEqual({ sent: 5, retried: 0, failed: 0 })
    expect(await sender.tick(new Date(Date.now() + 3600_000))).toEqual({ sent: 0, retried: 0, failed: 0 })
    const got = inbox.messages.filter((m) => m.to.startsWith('260001')).map((m) => m.to).sort()
    expect(got).toEqual([0, 1, 2, 3, 4].map((i) => `260001${String(i).padStart(6, '0')}@example.kz`))
    await sender.stop()
  })

  it('gives a message up after MAIL_MAX_ATTEMPTS with the last reason', async () => {
    await seed(t.db, 1, '260002')
    const sender = new MailSender(t.db, testMailConfig(inbox.url, { retryBaseMs: 0, maxAttempts: 2 }) as never, 'http://localhost:8080')
    // Each tick a millisecond ahead of the row's microsecond timestamps, as above.
    const tick = () => sender.tick(new Date(Date.now() + 1))
    await inbox.stop()
    await tick()
    await tick()
    await inbox.start()
    await tick()
    const row = await mailDb(t.db).selectFrom('mail_outbox').select(['status', 'attempts', 'last_error']).where('application_number', '=', '260002000000').executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'failed', attempts: 2 })
    expect(row.last_error).toMatch(/ECONNREFUSED|connect/i)
    expect(inbox.to('260002000000@example.kz')).toEqual([])
    await sender.stop()
  })
})

describe('two instances on PostgreSQL', () => {
  let t: TestDatabase
  let second: Db
  const inbox = new SmtpInbox()
  beforeAll(async () => {
    await inbox.start()
    t = await openTestDatabase('postgres')
    second = await openDatabase({ dataDir: '/nonexistent', databaseUrl: TEST_DATABASE_URL }, { schema: t.schema!, poolSize: 4, migrate: false })
  })
  afterAll(async () => {
    await second?.destroy()
    await t?.close()
    await inbox.stop()
  })

  it('drain one outbox together, through a relay outage, and every message arrives exactly once', async () => {
    await seed(t.db, 120, '260003')
    const config = testMailConfig(inbox.url, { retryBaseMs: 0 }) as never
    const a = new MailSender(t.db, config, 'http://localhost:8080')
    const b = new MailSender(second, config, 'http://localhost:8080')
    await inbox.stop()
    await Promise.all([a.tick(), b.tick()])
    await inbox.start()
    const [ta, tb] = await Promise.all([a.tick(), b.tick()])
    const [ta2, tb2] = await Promise.all([a.tick(), b.tick()])
    expect(ta.sent + tb.sent + ta2.sent + tb2.sent).toBe(120)
    const to = inbox.messages.map((m) => m.to)
    expect(new Set(to).size).toBe(120)
    expect(to).toHaveLength(120)
    expect(await mailDb(t.db).selectFrom('mail_outbox').select('id').where('status', '!=', 'sent').execute()).toEqual([])
    await Promise.all([a.stop(), b.stop()])
  })
})
