/**
 * `qoltanba centers list|add|update|deactivate` in-process on a PGlite DATA_DIR (as the other CLI
 * tests): the same rules and audit rows as the console, refusals with their code and exit 1.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../server/db/database.ts'
import { runCli } from '../helpers/cli.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'qt-centers-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const run = (...argv: string[]) => runCli(argv, { DATA_DIR: dataDir })

const ADD = [
  'centers', 'add', '--id', 'pavlodar-9', '--region', 'KZ-55',
  '--name-kk', '№9 тіркеу орталығы', '--name-ru', 'Центр регистрации №9', '--name-en', 'Registration center No. 9',
  '--address-kk', 'Павлодар қ., Лермонтов көшесі, 9', '--address-ru', 'г. Павлодар, улица Лермонтова, 9', '--address-en', '9 Lermontov Street, Pavlodar',
  '--hours-kk', 'Дс–Жм 09:00–18:00', '--hours-ru', 'Пн–Пт 09:00–18:00', '--hours-en', 'Mon–Fri 09:00–18:00',
  '--phone', '+7 7182 55 09 09', '--map-url', 'https://www.openstreetmap.org/?mlat=52.28&mlon=76.96',
]

async function auditOf(id: string) {
  const db = await openDatabase({ dataDir, databaseUrl: undefined })
  try {
    return await db.selectFrom('audit_log').select(['action', 'actor']).where('entity_id', '=', id).orderBy('id').execute()
  } finally {
    await db.destroy()
  }
}

describe('qoltanba centers', () => {
  it('lists nothing before anything is added (the demo seed is the server\'s first start, not the CLI\'s)', async () => {
    const r = await run('centers', 'list')
    expect(r.code).toBe(0)
    expect(r.out).toContain('no registration centers')
  })

  it('adds a center; a second add of the id and bad fields are refused with their code', async () => {
    const added = await run(...ADD)
    expect(added.code).toBe(0)
    expect(added.out).toContain('center pavlodar-9 added (active)')
    const again = await run(...ADD)
    expect(again.code).toBe(1)
    expect(again.err).toContain('ERR_CENTER_EXISTS')
    const http = await run(...ADD.map((a) => (a === 'pavlodar-9' ? 'pavlodar-10' : a.startsWith('https://') ? 'http://maps.example.kz' : a)))
    expect(http.code).toBe(1)
    expect(http.err).toContain('refused (ERR_CENTER_INVALID): field mapUrl — https')
    const missing = await run('centers', 'add', '--id', 'pavlodar-11', '--region', 'KZ-55')
    expect(missing.err).toContain('field name.kk — required')
    expect((await run('centers', 'add')).code).toBe(2)
    const list = await run('centers', 'list')
    expect(list.out).toMatch(/pavlodar-9\s+KZ-55\s+active\s+Центр регистрации №9 · Пн–Пт 09:00–18:00/)
    expect(list.out).not.toContain('pavlodar-10')
  })

  it('updates one language of the hours (the others kept), deactivates, lists with --all and --json', async () => {
    const upd = await run('centers', 'update', '--id', 'pavlodar-9', '--hours-ru', 'Пн–Сб 08:00–20:00')
    expect(upd.code).toBe(0)
    const json = JSON.parse((await run('centers', 'list', '--json')).out) as Array<{ id: string; hours: Record<string, string> }>
    expect(json.find((c) => c.id === 'pavlodar-9')?.hours).toEqual({ kk: 'Дс–Жм 09:00–18:00', ru: 'Пн–Сб 08:00–20:00', en: 'Mon–Fri 09:00–18:00' })
    expect((await run('centers', 'update', '--id', 'nope-1', '--phone', '+7 700 000 00 00')).err).toContain('ERR_CENTER_NOT_FOUND')

    expect((await run('centers', 'deactivate', '--id', 'pavlodar-9')).out).toContain('deactivated (inactive)')
    expect((await run('centers', 'list')).out).not.toContain('pavlodar-9')
    expect((await run('centers', 'list', '--all')).out).toMatch(/pavlodar-9\s+KZ-55\s+inactive/)
    expect((await run('centers', 'update', '--id', 'pavlodar-9', '--activate')).out).toContain('(active)')

    // The actor is the CLI's user (read from the process environment, as `operator` does).
    const audit = await auditOf('pavlodar-9')
    expect(audit.map((a) => a.action)).toEqual(['center.create', 'center.update', 'center.deactivate', 'center.activate'])
    for (const a of audit) expect(a.actor).toMatch(/^cli:/)
  })
})
