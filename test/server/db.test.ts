import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { ENGINES, openTestDatabase, type TestDatabase } from './helpers/database.ts'
import { json } from '../../server/db/json.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../../server/db/database.ts'

describe.each(ENGINES)('database on %s', (engine) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await openTestDatabase(engine)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('has the platform tables after migration', async () => {
    const tables = (await t.db.introspection.getTables()).map((x) => x.name)
    for (const name of ['applications', 'application_requests', 'certificates', 'operators', 'audit_log']) {
      expect(tables).toContain(name)
    }
  })

  it('round-trips bytea, timestamptz, jsonb and int8 identities', async () => {
    const der = new Uint8Array([0x30, 0x00, 0xff])
    await t.db
      .insertInto('certificates')
      .values({
        serial: '0a1b',
        application_number: null,
        purpose: 'auth',
        profile: 'individual',
        issuer: 'issuing',
        subject_dn: 'CN=X',
        iin: '900101300017',
        bin: null,
        not_before: new Date('2026-01-01T00:00:00Z'),
        not_after: new Date('2027-01-01T00:00:00Z'),
        der,
        spki_sha256: 'ab'.repeat(32),
      })
      .execute()
    const row = await t.db.selectFrom('certificates').selectAll().where('serial', '=', '0a1b').executeTakeFirstOrThrow()
    expect(new Uint8Array(row.der)).toEqual(der)
    expect(row.not_before).toBeInstanceOf(Date)
    expect(row.not_before.toISOString()).toBe('2026-01-01T00:00:00.000Z')
    expect(row.status).toBe('good')

    const audit = await t.db
      .insertInto('audit_log')
      .values({ actor: 'test', action: 'x', entity_type: 'e', entity_id: '1', before: null, after: json({ a: [1, 2] }) })
      .returning(['id', 'after'])
      .executeTakeFirstOrThrow()
    expect(typeof audit.id).toBe('number')
    expect(audit.after).toEqual({ a: [1, 2] })
  })

  it('refuses a second certificate for the same public key', async () => {
    const insert = (serial: string) =>
      t.db
        .insertInto('certificates')
        .values({
          serial,
          application_number: null,
          purpose: 'sign',
          profile: 'individual',
          issuer: 'issuing',
          subject_dn: 'CN=Y',
          iin: null,
          bin: null,
          not_before: new Date(),
          not_after: new Date(),
          der: new Uint8Array([1]),
          spki_sha256: 'cd'.repeat(32),
        })
        .execute()
    await insert('01')
    await expect(insert('02')).rejects.toMatchObject({ code: '23505' })
  })

  it('rolls back a failed transaction completely', async () => {
    const before = await t.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
    await expect(
      t.db.transaction().execute(async (trx) => {
        await trx.insertInto('audit_log').values({ actor: 't', action: 'a', entity_type: 'e', entity_id: '2', before: null, after: null }).execute()
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    const after = await t.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
  })

  it('keeps concurrent transactions apart', async () => {
    // Two transactions in flight at once: the one that fails must not take the other's rows along.
    const ok = t.db.transaction().execute(async (trx) => {
      await trx.insertInto('audit_log').values({ actor: 'ok', action: 'a', entity_type: 'c', entity_id: 'ok', before: null, after: null }).execute()
      await new Promise((r) => setTimeout(r, 5))
    })
    const bad = t.db.transaction().execute(async (trx) => {
      await trx.insertInto('audit_log').values({ actor: 'bad', action: 'a', entity_type: 'c', entity_id: 'bad', before: null, after: null }).execute()
      throw new Error('bad')
    })
    const [okResult, badResult] = await Promise.allSettled([ok, bad])
    expect(okResult.status).toBe('fulfilled')
    expect(badResult.status).toBe('rejected')
    const rows = await t.db.selectFrom('audit_log').select('entity_id').where('entity_type', '=', 'c').execute()
    expect(rows.map((r) => r.entity_id)).toEqual(['ok'])
  })
})

describe('embedded database in DATA_DIR', () => {
  it('keeps its data across restarts and migrates only once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'qt-pgdata-'))
    try {
      const first = await openDatabase({ dataDir, databaseUrl: undefined })
      await first.insertInto('operators').values({ iin: '900101300017', surname: 'ТЕСТОВ', name: 'ТЕСТ', patronymic: null, role: 'admin', created_by: 'test' }).execute()
      await first.destroy()
      const second = await openDatabase({ dataDir, databaseUrl: undefined })
      try {
        const ops = await second.selectFrom('operators').select(['iin', 'surname']).execute()
        expect(ops).toEqual([{ iin: '900101300017', surname: 'ТЕСТОВ' }])
        const migrations = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(second)
        expect(migrations.rows[0]?.name).toBe('001_platform')
        expect(new Set(migrations.rows.map((r) => r.name)).size).toBe(migrations.rows.length)
      } finally {
        await second.destroy()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
