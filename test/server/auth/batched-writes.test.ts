/**
 * The batched sign-in writes on both databases, called in one turn so that every call lands in
 * the same batch: single use of a nonce inside a batch, a nonce claimed with another browser's
 * cookie, sessions and audit rows written in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordAudits } from '../../../server/audit/audit.ts'
import { challengeConsumer, createChallenge } from '../../../server/auth/challenges.ts'
import { createSessions, DEFAULT_SESSION_POLICY, findSession } from '../../../server/auth/sessions.ts'
import { randomToken } from '../../../server/auth/tokens.ts'
import { ENGINES, openTestDatabase, type TestDatabase } from '../helpers/database.ts'

const ORIGIN = 'https://rc.example.kz'

describe.each(ENGINES)('batched sign-in writes (%s)', (engine) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await openTestDatabase(engine)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('hands a nonce out once when one batch asks for it five times', async () => {
    const consume = challengeConsumer(t.db)
    const prelogin = randomToken()
    const c = await createChallenge(t.db, prelogin, ORIGIN, new Date())
    const now = new Date()
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => consume(prelogin, c.nonce, now)))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const won = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Uint8Array>
    expect(Buffer.from(won.value).equals(Buffer.from(c.bytes))).toBe(true)
    for (const r of results.filter((x) => x.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_NONCE_UNKNOWN' })
  })

  it("gives the nonce to its own browser even when another browser's claim comes first in the batch", async () => {
    const consume = challengeConsumer(t.db)
    const prelogin = randomToken()
    const c = await createChallenge(t.db, prelogin, ORIGIN, new Date())
    const now = new Date()
    const [stranger, owner] = await Promise.allSettled([consume(randomToken(), c.nonce, now), consume(prelogin, c.nonce, now)])
    expect(stranger).toMatchObject({ status: 'rejected', reason: { code: 'ERR_NONCE_UNKNOWN' } })
    expect(owner.status).toBe('fulfilled')
  })

  it('refuses an expired challenge in a batch while the others in it succeed', async () => {
    const consume = challengeConsumer(t.db)
    const old = randomToken()
    const fresh = randomToken()
    const stale = await createChallenge(t.db, old, ORIGIN, new Date(Date.now() - 10 * 60_000))
    const ok = await createChallenge(t.db, fresh, ORIGIN, new Date())
    const now = new Date()
    const [a, b] = await Promise.allSettled([consume(old, stale.nonce, now), consume(fresh, ok.nonce, now)])
    expect(a).toMatchObject({ status: 'rejected', reason: { code: 'ERR_NONCE_EXPIRED' } })
    expect(b.status).toBe('fulfilled')
  })

  it('creates sessions with their own clocks and finds each by its cookie', async () => {
    const base = { bin: null, role: 'holder' as const, subjectDn: 'CN=X', certificateSerial: '01', certificateIssuer: 'issuing' }
    const t0 = new Date(Date.now() - 1000)
    const t1 = new Date()
    const created = await createSessions(t.db, [{ input: { ...base, iin: '870101300001' }, now: t0 }, { input: { ...base, iin: '870101300002', bin: '123456789021' }, now: t1 }], DEFAULT_SESSION_POLICY)
    expect(created.map((c) => c.session.iin)).toEqual(['870101300001', '870101300002'])
    const found = await Promise.all(created.map((c) => findSession(t.db, c.id, new Date(), DEFAULT_SESSION_POLICY)))
    expect(found.map((s) => [s?.iin, s?.bin, s?.created_at.getTime(), s?.expires_at.getTime()])).toEqual([
      ['870101300001', null, t0.getTime(), t0.getTime() + DEFAULT_SESSION_POLICY.absoluteMs],
      ['870101300002', '123456789021', t1.getTime(), t1.getTime() + DEFAULT_SESSION_POLICY.absoluteMs],
    ])
  })

  it('writes several audit rows in order with SQL NULL for missing states', async () => {
    const tag = randomToken()
    await recordAudits(t.db, [
      { actor: 'a', action: 'test.batch', entityType: 'test', entityId: tag },
      { actor: 'b', action: 'test.batch', entityType: 'test', entityId: tag, before: { quote: `it's "q" ü` }, after: [1, 2] },
    ])
    const rows = await t.db.selectFrom('audit_log').selectAll().where('entity_id', '=', tag).orderBy('id').execute()
    expect(rows.map((r) => [r.actor, r.before, r.after])).toEqual([
      ['a', null, null],
      ['b', { quote: `it's "q" ü` }, [1, 2]],
    ])
    const nulls = await t.db.selectFrom('audit_log').select('id').where('entity_id', '=', tag).where('before', 'is', null).execute()
    expect(nulls).toHaveLength(1)
  })
})
