/**
 * The registration-center directory on PGlite and PostgreSQL: migration 006, the demo seed
 * (first start only, idempotent), GET /api/v1/centers with its ETag, the operator console's
 * add/update/deactivate (validation codes, audit rows, nothing changed on refusal), and
 * submissions that name a center (exists, active, region derived, retries stay retries).
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countRows } from '../../../server/applications/service.ts'
import { seedDemoCenters } from '../../../server/centers/seed.ts'
import { DEMO_CENTERS } from '../../../server/centers/demo-directory.ts'
import { REGION_CODES } from '../../../server/applications/regions.ts'
import { ENGINES } from '../helpers/database.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { opensslCsr, type OpensslCsr } from '../helpers/csr.ts'

const IIN = '900101300017'

const newCenter = (over: Record<string, unknown> = {}) => ({
  id: 'test-center-1',
  region: 'KZ-55',
  name: { kk: 'Сынақ орталығы', ru: 'Тестовый центр', en: 'Test center' },
  address: { kk: 'Павлодар қ., Толстой көшесі, 1', ru: 'г. Павлодар, улица Толстого, 1', en: '1 Tolstoy Street, Pavlodar' },
  hours: { kk: 'Дс–Жм 09:00–18:00', ru: 'Пн–Пт 09:00–18:00', en: 'Mon–Fri 09:00–18:00' },
  phone: '+7 7182 55 00 11',
  mapUrl: 'https://www.openstreetmap.org/?mlat=52.28&mlon=76.96',
  ...over,
})

describe.each(ENGINES)('registration centers on %s', (engine) => {
  let s: TestServer
  let cookie: string
  let csrs: OpensslCsr[]
  beforeAll(async () => {
    s = await startTestServer(engine)
    cookie = await s.operatorCookie()
    csrs = [0, 1, 2, 3, 4, 5].map(() => opensslCsr('p256'))
  })
  afterAll(async () => {
    await s?.close()
  })

  const centerCount = async () => (await s.t.db.selectFrom('registration_centers').select('id').execute()).length
  const audits = () => s.t.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'registration_center').orderBy('id').execute()
  const console = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    s.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) })

  it('migration 006 makes the table and the applications column', async () => {
    const tables = await s.t.db.introspection.getTables()
    const centers = tables.find((t) => t.name === 'registration_centers')
    expect(centers?.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['id', 'region', 'name_kk', 'hours_en', 'phone', 'map_url', 'active', 'updated_at']))
    expect(tables.find((t) => t.name === 'applications')?.columns.map((c) => c.name)).toContain('registration_center_id')
    // The database itself refuses a non-https map link and a bad slug.
    const row = { region: 'KZ-71', name_kk: 'a', name_ru: 'a', name_en: 'a', address_kk: 'a', address_ru: 'a', address_en: 'a', hours_kk: 'a', hours_ru: 'a', hours_en: 'a', phone: '1', updated_by: 't' }
    await expect(s.t.db.insertInto('registration_centers').values({ ...row, id: 'x-1', map_url: 'http://example.kz' }).execute()).rejects.toMatchObject({ code: '23514' })
    await expect(s.t.db.insertInto('registration_centers').values({ ...row, id: 'Bad Id', map_url: 'https://example.kz' }).execute()).rejects.toMatchObject({ code: '23514' })
  })

  it('seeds the demo directory into an empty one, once (one center per region at least)', async () => {
    expect((await s.app.inject({ url: '/api/v1/centers' })).json()).toEqual({ centers: [] })
    const lines: string[] = []
    expect(await seedDemoCenters(s.t.db, (l) => lines.push(l))).toBe(DEMO_CENTERS.length)
    expect(lines.join()).toMatch(/DEMO/)
    expect(await seedDemoCenters(s.t.db)).toBe(0)
    const rows = await s.t.db.selectFrom('registration_centers').selectAll().execute()
    expect(rows).toHaveLength(DEMO_CENTERS.length)
    expect(new Set(rows.map((r) => r.region))).toEqual(new Set(REGION_CODES))
    for (const r of rows) {
      expect(r.name_kk).toContain('демо')
      expect(r.name_ru).toContain('демо')
      expect(r.name_en).toContain('demo')
    }
    const seedAudits = (await audits()).filter((a) => a.action === 'center.seed_demo')
    expect(seedAudits).toHaveLength(1)
  })

  it('does not seed again when every center is deactivated', async () => {
    await s.t.db.updateTable('registration_centers').set({ active: false }).execute()
    expect(await seedDemoCenters(s.t.db)).toBe(0)
    await s.t.db.updateTable('registration_centers').set({ active: true }).execute()
  })

  it('GET /api/v1/centers lists active centers with a revalidating ETag', async () => {
    const res = await s.app.inject({ url: '/api/v1/centers' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('public, no-cache')
    const etag = res.headers.etag as string
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/)
    const { centers } = res.json() as { centers: Array<{ id: string; region: string; name: { kk: string }; active: boolean }> }
    expect(centers.map((c) => c.id)).toContain('astana-1')
    expect(centers.every((c) => c.active)).toBe(true)
    const again = await s.app.inject({ url: '/api/v1/centers', headers: { 'if-none-match': etag } })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
    expect((await s.app.inject({ url: '/api/v1/centers', headers: { 'if-none-match': '"other"' } })).statusCode).toBe(200)
  })

  it('console routes need an operator session', async () => {
    expect((await s.app.inject({ url: '/api/v1/operator/centers' })).json().error.code).toBe('ERR_SESSION_REQUIRED')
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/operator/centers', payload: newCenter() })
    expect(res.statusCode).toBe(401)
    expect(await s.t.db.selectFrom('registration_centers').select('id').where('id', '=', 'test-center-1').executeTakeFirst()).toBeUndefined()
  })

  it.each([
    ['a non-https map link', { mapUrl: 'http://maps.example.kz/x' }, 'mapUrl', 'https'],
    ['a javascript: map link', { mapUrl: 'javascript:alert(1)' }, 'mapUrl', 'https'],
    ['an unknown region', { region: 'KZ-99' }, 'region', 'unknown_region'],
    ['an empty Kazakh name', { name: { kk: '  ', ru: 'Центр', en: 'Center' } }, 'name.kk', 'required'],
    ['a phone with letters', { phone: 'call us' }, 'phone', 'pattern'],
    ['an id with capitals', { id: 'Astana-9' }, 'id', 'pattern'],
  ])('refuses %s with ERR_CENTER_INVALID and stores nothing', async (_what, over, field, rule) => {
    const before = { centers: await centerCount(), audit: await countRows(s.t.db, 'audit_log') }
    const res = await console('POST', '/api/v1/operator/centers', newCenter(over))
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'ERR_CENTER_INVALID', details: { field, rule } })
    expect({ centers: await centerCount(), audit: await countRows(s.t.db, 'audit_log') }).toEqual(before)
  })

  it('adds, updates and deactivates a center, one audit row each, and the public list follows', async () => {
    const created = await console('POST', '/api/v1/operator/centers', newCenter())
    expect(created.statusCode).toBe(201)
    expect(created.json().center).toMatchObject({ id: 'test-center-1', region: 'KZ-55', active: true })
    expect((await console('POST', '/api/v1/operator/centers', newCenter())).json().error.code).toBe('ERR_CENTER_EXISTS')

    const etag = (await s.app.inject({ url: '/api/v1/centers' })).headers.etag as string
    const hours = { kk: 'Дс–Сб 08:00–20:00', ru: 'Пн–Сб 08:00–20:00', en: 'Mon–Sat 08:00–20:00' }
    const updated = await console('PATCH', '/api/v1/operator/centers/test-center-1', { hours })
    expect(updated.statusCode).toBe(200)
    expect(updated.json().center.hours).toEqual(hours)
    // The change reaches the public list: the old ETag no longer matches.
    const after = await s.app.inject({ url: '/api/v1/centers', headers: { 'if-none-match': etag } })
    expect(after.statusCode).toBe(200)
    expect((after.json().centers as Array<{ id: string; hours: unknown }>).find((c) => c.id === 'test-center-1')?.hours).toEqual(hours)

    // The same values again change nothing and write no audit row.
    const n = (await audits()).length
    expect((await console('PATCH', '/api/v1/operator/centers/test-center-1', { hours })).statusCode).toBe(200)
    expect(await audits()).toHaveLength(n)

    expect((await console('PATCH', '/api/v1/operator/centers/test-center-1', { phone: 'x' })).json().error).toMatchObject({ code: 'ERR_CENTER_INVALID', details: { field: 'phone' } })
    expect((await console('PATCH', '/api/v1/operator/centers/nope', { phone: '+7 700 000 00 00' })).json().error.code).toBe('ERR_CENTER_NOT_FOUND')
    expect((await console('PATCH', '/api/v1/operator/centers/test-center-1', { id: 'renamed' })).json().error.code).toBe('ERR_VALIDATION')

    const off = await console('PATCH', '/api/v1/operator/centers/test-center-1', { active: false })
    expect(off.json().center.active).toBe(false)
    const publicIds = ((await s.app.inject({ url: '/api/v1/centers' })).json().centers as Array<{ id: string }>).map((c) => c.id)
    expect(publicIds).not.toContain('test-center-1')
    const all = (await console('GET', '/api/v1/operator/centers')).json().centers as Array<{ id: string; active: boolean }>
    expect(all.find((c) => c.id === 'test-center-1')?.active).toBe(false)

    const rows = (await audits()).filter((a) => a.entity_id === 'test-center-1')
    expect(rows.map((r) => [r.action, r.actor])).toEqual([
      ['center.create', 'operator:700611300018'],
      ['center.update', 'operator:700611300018'],
      ['center.deactivate', 'operator:700611300018'],
    ])
    expect(rows[1]!.before).toMatchObject({ hours: { ru: 'Пн–Пт 09:00–18:00' } })
    expect(rows[1]!.after).toMatchObject({ hours })
  })

  describe('submissions', () => {
    const submit = (over: Record<string, unknown>, key: string = randomUUID(), pair = 0) =>
      s.app.inject({
        method: 'POST',
        url: '/api/v1/applications',
        headers: { 'idempotency-key': key },
        payload: {
          profile: 'individual',
          iin: IIN,
          storage: 'file',
          requests: [
            { purpose: 'auth', csr: csrs[pair * 2]!.pem },
            { purpose: 'sign', csr: csrs[pair * 2 + 1]!.pem },
          ],
          ...over,
        },
      })

    it('refuses an unknown or deactivated center, a region that is not the center\'s, and neither', async () => {
      const before = await countRows(s.t.db, 'applications')
      expect((await submit({ registrationCenterId: 'nowhere-1' })).json().error.code).toBe('ERR_CENTER_NOT_FOUND')
      const inactive = await submit({ registrationCenterId: 'test-center-1' })
      expect(inactive.statusCode).toBe(422)
      expect(inactive.json().error.code).toBe('ERR_CENTER_INACTIVE')
      expect((await submit({ registrationCenterId: 'astana-1', region: 'KZ-75' })).json().error.code).toBe('ERR_VALIDATION')
      expect((await submit({})).json().error.code).toBe('ERR_VALIDATION')
      expect(await countRows(s.t.db, 'applications')).toBe(before)
    })

    it('stores the center with the region derived from it; a retry after deactivation is still a retry', async () => {
      await console('PATCH', '/api/v1/operator/centers/test-center-1', { active: true })
      const key = randomUUID()
      const first = await submit({ registrationCenterId: 'test-center-1' }, key)
      expect(first.statusCode).toBe(201)
      const { number, accessCode } = first.json() as { number: string; accessCode: string }
      const row = await s.t.db.selectFrom('applications').select(['region', 'registration_center_id']).where('number', '=', number).executeTakeFirstOrThrow()
      expect(row).toEqual({ region: 'KZ-55', registration_center_id: 'test-center-1' })

      await console('PATCH', '/api/v1/operator/centers/test-center-1', { active: false })
      const retry = await submit({ registrationCenterId: 'test-center-1' }, key)
      expect(retry.statusCode).toBe(200)
      expect(retry.json()).toMatchObject({ number, accessCode })
      // Same key, another center: a different request.
      expect((await submit({ registrationCenterId: 'astana-1' }, key)).json().error.code).toBe('ERR_IDEMPOTENCY_CONFLICT')

      // The status page gets the center as it is now.
      const status = await s.app.inject({ url: `/api/v1/applications/${number}`, headers: { 'x-access-code': accessCode } })
      expect(status.json()).toMatchObject({ region: 'KZ-55', registrationCenterId: 'test-center-1', registrationCenter: { id: 'test-center-1', active: false, phone: '+7 7182 55 00 11' } })
      // …and so does the operator's view of the application.
      const detail = await console('GET', `/api/v1/operator/applications/${number}`)
      expect(detail.json()).toMatchObject({ registrationCenterId: 'test-center-1', registrationCenter: { id: 'test-center-1', name: { ru: 'Тестовый центр' } } })
    })

    it('still takes a region-only body from older clients', async () => {
      const res = await submit({ region: 'KZ-75' }, randomUUID(), 1)
      expect(res.statusCode).toBe(201)
      const number = (res.json() as { number: string }).number
      const row = await s.t.db.selectFrom('applications').select(['region', 'registration_center_id']).where('number', '=', number).executeTakeFirstOrThrow()
      expect(row).toEqual({ region: 'KZ-75', registration_center_id: null })
    })
  })
})
