/**
 * The applicant + operator API end to end through app.inject(), on PGlite and on PostgreSQL:
 * OpenSSL-made CSRs are submitted, retried, refused for bad input (with nothing stored),
 * approved into certificates OpenSSL accepts, and installed.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countRows } from '../../server/applications/service.ts'
import { approveApplication } from '../../server/applications/review.ts'
import { createSession, DEFAULT_SESSION_POLICY } from '../../server/auth/sessions.ts'
import { ENGINES } from './helpers/database.ts'
import { startTestServer, type TestServer } from './helpers/app.ts'
import { opensslCsr, withBadSignature, type OpensslCsr } from './helpers/csr.ts'

const IIN = '900101300017'
const BIN = '220340000015'

function body(auth: string, sign: string, over: Record<string, unknown> = {}) {
  return {
    profile: 'individual',
    iin: IIN,
    email: 'test@example.kz',
    region: 'KZ-75',
    city: 'Алматы',
    storage: 'file',
    requests: [
      { purpose: 'auth', csr: auth },
      { purpose: 'sign', csr: sign },
    ],
    ...over,
  }
}

describe.each(ENGINES)('applications API on %s', (engine) => {
  let s: TestServer
  /** A holder session stored directly (as certificate sign-in would leave it), for access tests. */
  const session = (iin: string) =>
    createSession(s.t.db, { iin, bin: null, role: 'holder', subjectDn: 'CN=X', certificateSerial: '01', certificateIssuer: 'issuing' }, new Date(), DEFAULT_SESSION_POLICY)
  let rsa: OpensslCsr[]
  let ec: OpensslCsr[]
  beforeAll(async () => {
    s = await startTestServer(engine)
    rsa = [0, 1, 2, 3].map(() => opensslCsr('rsa2048', `/CN=ТЕСТОВ ТЕСТ/serialNumber=IIN${IIN}/C=KZ`))
    ec = [0, 1, 2, 3].map(() => opensslCsr('p256'))
  })
  afterAll(async () => {
    await s?.close()
  })

  const submit = (payload: unknown, key: string = randomUUID()) =>
    s.app.inject({ method: 'POST', url: '/api/v1/applications', headers: { 'idempotency-key': key }, payload: payload as object })

  async function counts() {
    return {
      applications: await countRows(s.t.db, 'applications'),
      requests: await countRows(s.t.db, 'application_requests'),
      certificates: await countRows(s.t.db, 'certificates'),
      audit: await countRows(s.t.db, 'audit_log'),
    }
  }

  it('submits RSA and EC CSRs made by OpenSSL, and a retry returns the same application', async () => {
    const key = randomUUID()
    const first = await submit(body(rsa[0]!.pem, ec[0]!.der.toString('base64')), key)
    expect(first.statusCode).toBe(201)
    const created = first.json() as { number: string; accessCode: string; status: string }
    expect(created.number).toMatch(/^\d{12}$/)
    expect(created.accessCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    expect(created.status).toBe('submitted')

    const before = await counts()
    const retry = await submit(body(rsa[0]!.pem, ec[0]!.der.toString('base64')), key)
    expect(retry.statusCode).toBe(200)
    expect(retry.json()).toEqual(created)
    expect(await counts()).toEqual(before)

    // The access code is stored only hashed.
    const row = await s.t.db.selectFrom('applications').selectAll().where('number', '=', created.number).executeTakeFirstOrThrow()
    expect(JSON.stringify(row)).not.toContain(created.accessCode.replaceAll('-', ''))
    expect(row.access_code_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(row.surname).toBe('ТЕСТОВ')

    const status = await s.app.inject({ url: `/api/v1/applications/${created.number}`, headers: { 'x-access-code': created.accessCode.toLowerCase() } })
    expect(status.statusCode).toBe(200)
    expect(status.json()).toMatchObject({ number: created.number, status: 'submitted' })
    expect(status.json().requests.map((r: { keyAlgorithm: string }) => r.keyAlgorithm)).toEqual(['RSA', 'EC'])

    const audit = await s.t.db.selectFrom('audit_log').selectAll().where('entity_id', '=', created.number).execute()
    expect(audit.map((a) => a.action)).toEqual(['application.submit'])
  })

  it('refuses the same Idempotency-Key with a different body', async () => {
    const key = randomUUID()
    expect((await submit(body(rsa[1]!.pem, ec[1]!.pem), key)).statusCode).toBe(201)
    const before = await counts()
    const other = await submit(body(rsa[1]!.pem, ec[1]!.pem, { city: 'Астана' }), key)
    expect(other.statusCode).toBe(409)
    expect(other.json().error.code).toBe('ERR_IDEMPOTENCY_CONFLICT')
    expect(await counts()).toEqual(before)
  })

  it('answers bad input with specific 4xx codes and stores nothing', async () => {
    const weak = opensslCsr('rsa1024')
    const p521 = opensslCsr('p521')
    const fresh = opensslCsr('p256')
    const cases: Array<[string, () => Promise<{ statusCode: number; json(): { error: { code: string } } }>, number, string]> = [
      ['malformed CSR', () => submit(body('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', fresh.pem)), 400, 'ERR_MALFORMED'],
      ['not base64 at all', () => submit(body('this is not a CSR!', fresh.pem)), 400, 'ERR_MALFORMED'],
      ['bad signature', () => submit(body(withBadSignature(rsa[2]!), fresh.pem)), 400, 'ERR_SIGNATURE_INVALID'],
      ['RSA-1024', () => submit(body(weak.pem, fresh.pem)), 400, 'ERR_WEAK_KEY'],
      ['P-521', () => submit(body(p521.pem, fresh.pem)), 400, 'ERR_UNSUPPORTED_ALGORITHM'],
      ['unknown profile', () => submit(body(rsa[2]!.pem, fresh.pem, { profile: 'wizard' })), 400, 'ERR_UNKNOWN_PROFILE'],
      ['invalid IIN', () => submit(body(rsa[2]!.pem, fresh.pem, { iin: '900101300018' })), 400, 'ERR_INVALID_IIN'],
      ['IIN not in registry', () => submit(body(ec[2]!.pem, fresh.pem, { iin: '000515500012' })), 422, 'ERR_PERSON_NOT_FOUND'],
      ['CSR naming another IIN', () => submit(body(rsa[2]!.pem, fresh.pem, { iin: '850315300019' })), 400, 'ERR_CSR_MISMATCH'],
      ['legal profile without BIN', () => submit(body(rsa[2]!.pem, fresh.pem, { profile: 'legal_head', organization: 'ТОО "ТЕСТ"' })), 400, 'ERR_INVALID_BIN'],
      ['same key twice', () => submit(body(fresh.pem, fresh.pem)), 400, 'ERR_DUPLICATE_KEY'],
      ['key pending in another application', () => submit(body(rsa[0]!.pem, fresh.pem)), 409, 'ERR_KEY_PENDING'],
      ['two auth requests', () => submit({ ...body(rsa[2]!.pem, fresh.pem), requests: [{ purpose: 'auth', csr: rsa[2]!.pem }, { purpose: 'auth', csr: fresh.pem }] }), 400, 'ERR_VALIDATION'],
      ['unknown field', () => submit(body(rsa[2]!.pem, fresh.pem, { extra: 1 })), 400, 'ERR_VALIDATION'],
      ['unknown region', () => submit(body(rsa[2]!.pem, fresh.pem, { region: 'KZ-99' })), 400, 'ERR_VALIDATION'],
      ['no Idempotency-Key', () => s.app.inject({ method: 'POST', url: '/api/v1/applications', payload: body(rsa[2]!.pem, fresh.pem) }), 400, 'ERR_IDEMPOTENCY_KEY_REQUIRED'],
      ['oversized body', () => submit(body(rsa[2]!.pem, fresh.pem, { city: 'x'.repeat(300 * 1024) })), 413, 'ERR_TOO_LARGE'],
      ['not JSON', () => s.app.inject({ method: 'POST', url: '/api/v1/applications', headers: { 'idempotency-key': randomUUID(), 'content-type': 'application/json' }, payload: '{"profile":' }), 400, 'ERR_VALIDATION'],
    ]
    const before = await counts()
    for (const [name, run, status, code] of cases) {
      const res = await run()
      expect({ name, status: res.statusCode, code: res.json().error?.code }).toEqual({ name, status, code })
    }
    expect(await counts()).toEqual(before)
  })

  it('refuses status checks with a wrong access code or an unknown number alike', async () => {
    const created = (await submit(body(rsa[3]!.pem, ec[3]!.pem))).json() as { number: string; accessCode: string }
    const wrong = await s.app.inject({ url: `/api/v1/applications/${created.number}`, headers: { 'x-access-code': 'AAAA-AAAA-AAAA' } })
    expect(wrong.statusCode).toBe(403)
    expect(wrong.json().error.code).toBe('ERR_ACCESS_DENIED')
    const missing = await s.app.inject({ url: `/api/v1/applications/${created.number}` })
    expect(missing.statusCode).toBe(403)
    const n = created.number
    const otherNumber = `${n.slice(0, 10)}${(Number(n[10]) + 1) % 10}`
    const unknown = await s.app.inject({ url: `/api/v1/applications/${otherNumber}0`, headers: { 'x-access-code': created.accessCode } })
    expect(unknown.statusCode).toBe(403)
    expect(unknown.json().error.code).toBe('ERR_ACCESS_DENIED')
    const notIssued = await s.app.inject({ url: `/api/v1/applications/${n}/certificates`, headers: { 'x-access-code': created.accessCode } })
    expect(notIssued.statusCode).toBe(409)
    expect(notIssued.json().error.code).toBe('ERR_INVALID_STATE')
  })

  it('approves: both certificates issued in one go, verified by OpenSSL, then installed', async () => {
    const auth = opensslCsr('rsa2048')
    const sign = opensslCsr('p256')
    const created = (await submit(body(auth.pem, sign.pem))).json() as { number: string; accessCode: string }
    const asOperator = { cookie: await s.operatorCookie() }

    const list = await s.app.inject({ url: `/api/v1/operator/applications?iin=${IIN}&status=submitted`, headers: asOperator })
    expect(list.statusCode).toBe(200)
    expect(list.json().applications.map((a: { number: string }) => a.number)).toContain(created.number)
    const byNumber = await s.app.inject({ url: `/api/v1/operator/applications?number=${created.number}`, headers: asOperator })
    expect(byNumber.json().applications).toHaveLength(1)

    const approve = await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${created.number}/approve`, headers: asOperator, payload: { identityChecked: true } })
    expect(approve.statusCode).toBe(200)
    expect(approve.json().status).toBe('issued')
    const again = await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${created.number}/approve`, headers: asOperator, payload: { identityChecked: true } })
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('ERR_INVALID_STATE')

    const res = await s.app.inject({ url: `/api/v1/applications/${created.number}/certificates`, headers: { 'x-access-code': created.accessCode } })
    expect(res.statusCode).toBe(200)
    const { certificates, chain } = res.json() as { certificates: Array<{ purpose: string; pem: string; serial: string }>; chain: string[] }
    expect(certificates.map((c) => c.purpose)).toEqual(['auth', 'sign'])
    expect(chain).toHaveLength(2)

    const dir = mkdtempSync(join(tmpdir(), 'qt-verify-'))
    try {
      writeFileSync(join(dir, 'root.pem'), chain[1]!)
      writeFileSync(join(dir, 'issuing.pem'), chain[0]!)
      for (const c of certificates) {
        const file = join(dir, `${c.purpose}.pem`)
        writeFileSync(file, c.pem)
        const out = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'issuing.pem'), file], { encoding: 'utf8' })
        expect(out).toContain(': OK')
        const text = execFileSync('openssl', ['x509', '-in', file, '-noout', '-subject', '-serial', '-ext', 'extendedKeyUsage,subjectAltName', '-nameopt', 'utf8,sep_comma_plus'], { encoding: 'utf8' })
        expect(text).toContain(`serialNumber=IIN${IIN}`)
        expect(text).toContain('CN=ТЕСТОВ ТЕСТ')
        expect(text).toContain('test@example.kz')
        expect(text.toLowerCase()).toContain(`serial=${c.serial}`)
        expect(text).toContain(c.purpose === 'auth' ? 'TLS Web Client Authentication' : 'E-mail Protection')
      }
      // Each certificate carries the key of its own request.
      const certKey = execFileSync('openssl', ['x509', '-in', join(dir, 'auth.pem'), '-noout', '-pubkey'], { encoding: 'utf8' })
      const reqKey = execFileSync('openssl', ['pkey', '-pubout'], { input: auth.keyPem, encoding: 'utf8' })
      expect(certKey).toBe(reqKey)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }

    // A certified key can never be submitted again.
    const reuse = await submit(body(auth.pem, opensslCsr('p256').pem))
    expect(reuse.statusCode).toBe(409)
    expect(reuse.json().error.code).toBe('ERR_KEY_ALREADY_CERTIFIED')

    const installed = await s.app.inject({ method: 'POST', url: `/api/v1/applications/${created.number}/installed`, headers: { 'x-access-code': created.accessCode } })
    expect(installed.statusCode).toBe(200)
    expect(installed.json().status).toBe('installed')

    const view = await s.app.inject({ url: `/api/v1/operator/applications/${created.number}`, headers: asOperator })
    expect(view.statusCode).toBe(200)
    const v = view.json()
    expect(v.issuedBy).toBe('operator:700611300018')
    expect(v.installedBy).toBe('applicant')
    expect(v.history.map((h: { action: string }) => h.action)).toEqual(['application.submit', 'application.approve', 'application.installed'])
    expect(v.history[1].before.status).toBe('submitted')
    expect(v.history[1].after.status).toBe('issued')
  })

  it('issues legal-entity certificates with O, OU "BIN…" and the role OID', async () => {
    const created = (await submit(body(opensslCsr('p256').pem, opensslCsr('p256').pem, { profile: 'legal_head', bin: BIN, organization: 'ТОО "ҚОЛТАҢБА"', storage: 'token' }))).json() as { number: string; accessCode: string }
    const asOperator = { cookie: await s.operatorCookie() }
    // The operator saw the token: 3-year validity (test/server/operators/token-validity.test.ts).
    expect((await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${created.number}/approve`, headers: asOperator, payload: { identityChecked: true, tokenChecked: true } })).statusCode).toBe(200)
    const { certificates } = (await s.app.inject({ url: `/api/v1/applications/${created.number}/certificates`, headers: { 'x-access-code': created.accessCode } })).json() as { certificates: Array<{ purpose: string; pem: string; notBefore: string; notAfter: string }> }
    const sign = certificates.find((c) => c.purpose === 'sign')!
    const text = execFileSync('openssl', ['x509', '-noout', '-subject', '-ext', 'extendedKeyUsage,certificatePolicies', '-nameopt', 'utf8,sep_comma_plus'], { input: sign.pem, encoding: 'utf8' })
    expect(text).toContain(`OU=BIN${BIN}`)
    expect(text).toContain('O=ТОО "ҚОЛТАҢБА"')
    expect(text).toContain('1.2.398.3.3.4.1.2.1')
    expect(text).toContain('1.2.398.3.3.2.1')
    // Token keys checked by the operator: 3 years.
    const days = (Date.parse(sign.notAfter) - Date.parse(sign.notBefore)) / 86_400_000
    expect(days).toBe(3 * 365)
  })

  it('rejects with a reason, which frees the keys', async () => {
    const auth = opensslCsr('p256')
    const sign = opensslCsr('p256')
    const created = (await submit(body(auth.pem, sign.pem))).json() as { number: string; accessCode: string }
    const asOperator = { cookie: await s.operatorCookie() }
    const empty = await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${created.number}/reject`, headers: asOperator, payload: {} })
    expect(empty.statusCode).toBe(400)
    const rej = await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${created.number}/reject`, headers: asOperator, payload: { reason: 'Документ не предъявлен' } })
    expect(rej.statusCode).toBe(200)
    const status = await s.app.inject({ url: `/api/v1/applications/${created.number}`, headers: { 'x-access-code': created.accessCode } })
    expect(status.json()).toMatchObject({ status: 'rejected', rejectionReason: 'Документ не предъявлен' })
    expect((await submit(body(auth.pem, sign.pem))).statusCode).toBe(201)
  })

  it('expires applications after 30 days, lazily and by the sweep, freeing their keys', async () => {
    const auth = opensslCsr('p256')
    const sign = opensslCsr('p256')
    const a = (await submit(body(auth.pem, sign.pem))).json() as { number: string; accessCode: string }
    const b = (await submit(body(opensslCsr('p256').pem, opensslCsr('p256').pem))).json() as { number: string; accessCode: string }
    const row = await s.t.db.selectFrom('applications').select(['created_at', 'expires_at']).where('number', '=', a.number).executeTakeFirstOrThrow()
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(30 * 86_400_000)
    const past = new Date(Date.now() - 1000)
    await s.t.db.updateTable('applications').set({ expires_at: past }).where('number', 'in', [a.number, b.number]).execute()

    // Lazily, when the applicant looks.
    const status = await s.app.inject({ url: `/api/v1/applications/${a.number}`, headers: { 'x-access-code': a.accessCode } })
    expect(status.json()).toMatchObject({ status: 'expired' })
    // By the sweep for the other one.
    const { expireOverdueApplications } = await import('../../server/applications/service.ts')
    expect(await expireOverdueApplications(s.t.db)).toBeGreaterThanOrEqual(1)
    const bRow = await s.t.db.selectFrom('applications').selectAll().where('number', '=', b.number).executeTakeFirstOrThrow()
    expect(bRow.status).toBe('expired')
    expect(bRow.status_changed_by).toBe('system')
    const asOperator = { cookie: await s.operatorCookie() }
    const approve = await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${b.number}/approve`, headers: asOperator, payload: { identityChecked: true } })
    expect(approve.statusCode).toBe(409)
    const audit = await s.t.db.selectFrom('audit_log').select('action').where('entity_id', '=', a.number).orderBy('id').execute()
    expect(audit.map((x) => x.action)).toEqual(['application.submit', 'application.expire'])
    // The keys may be used again.
    expect((await submit(body(auth.pem, sign.pem))).statusCode).toBe(201)
  })

  it('stays consistent under concurrent submissions and approvals', async () => {
    const auth = opensslCsr('p256')
    const sign = opensslCsr('p256')
    // The same keys under different Idempotency-Keys at once: one application wins.
    const racing = await Promise.all([0, 1, 2].map(() => submit(body(auth.pem, sign.pem))))
    expect(racing.map((r) => r.statusCode).sort()).toEqual([201, 409, 409])
    expect(racing.filter((r) => r.statusCode === 409).every((r) => r.json().error.code === 'ERR_KEY_PENDING')).toBe(true)
    // The same Idempotency-Key at once: one application, the same answer for all.
    const key = randomUUID()
    const payload = body(opensslCsr('p256').pem, opensslCsr('p256').pem)
    const same = await Promise.all([0, 1, 2].map(() => submit(payload, key)))
    expect(new Set(same.map((r) => r.json().number)).size).toBe(1)
    expect(new Set(same.map((r) => r.json().accessCode)).size).toBe(1)
    expect(await s.t.db.selectFrom('applications').select('number').where('idempotency_key', '=', key).execute()).toHaveLength(1)
    // Three operators approving at once: issued once, two certificates.
    const number = racing.find((r) => r.statusCode === 201)!.json().number as string
    const asOperator = { cookie: await s.operatorCookie() }
    const approvals = await Promise.all([0, 1, 2].map(() => s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${number}/approve`, headers: asOperator, payload: { identityChecked: true } })))
    expect(approvals.map((r) => r.statusCode).sort()).toEqual([200, 409, 409])
    expect(await s.t.db.selectFrom('certificates').select('serial').where('application_number', '=', number).execute()).toHaveLength(2)
  })

  it('lets the signed-in holder of the IIN see their application without the access code, and the operator console accept a session', async () => {
    const created = (await submit(body(opensslCsr('p256').pem, opensslCsr('p256').pem))).json() as { number: string }
    const own = await session(IIN)
    const mine = await s.app.inject({ url: `/api/v1/applications/${created.number}`, headers: { cookie: `qoltanba-session=${own.id}` } })
    expect(mine.statusCode).toBe(200)
    expect(mine.json().status).toBe('submitted')
    const stranger = await session('850315300019')
    const theirs = await s.app.inject({ url: `/api/v1/applications/${created.number}`, headers: { cookie: `qoltanba-session=${stranger.id}` } })
    expect(theirs.statusCode).toBe(403)
    // The operator console by session: only for operator accounts.
    expect((await s.app.inject({ url: '/api/v1/operator/me', headers: { cookie: `qoltanba-session=${own.id}` } })).statusCode).toBe(403)
    await s.operatorCookie('850315300019')
    const me = await s.app.inject({ url: '/api/v1/operator/me', headers: { cookie: `qoltanba-session=${stranger.id}` } })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ iin: '850315300019', role: 'operator' })
  })

  it('keeps operator endpoints closed without an operator session (no API tokens)', async () => {
    const none = await s.app.inject({ url: '/api/v1/operator/applications' })
    expect(none.statusCode).toBe(401)
    expect(none.json().error.code).toBe('ERR_SESSION_REQUIRED')
    // The bearer tokens the CLI used to make are gone: a header alone opens nothing.
    const bearer = await s.app.inject({ url: '/api/v1/operator/applications', headers: { authorization: 'Bearer qot1.eyJzdWIiOiI5MDAxMDEzMDAwMTcifQ.AAAA' } })
    expect(bearer.statusCode).toBe(401)
    // A forged session id, and the session of a signed-in holder who is not an operator.
    expect((await s.app.inject({ url: '/api/v1/operator/applications', headers: { cookie: `qoltanba-session=${'A'.repeat(43)}` } })).statusCode).toBe(401)
    const holder = await session('920722400013')
    const res = await s.app.inject({ url: '/api/v1/operator/applications', headers: { cookie: `qoltanba-session=${holder.id}` } })
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('ERR_FORBIDDEN')
    // An operator who signs in with a certificate gets in; deactivated, the same session is refused.
    const cookie = await s.operatorCookie('850315300019')
    expect((await s.app.inject({ url: '/api/v1/operator/applications', headers: { cookie } })).statusCode).toBe(200)
    await s.t.db.updateTable('operators').set({ active: false }).where('iin', '=', '850315300019').execute()
    expect((await s.app.inject({ url: '/api/v1/operator/applications', headers: { cookie } })).statusCode).toBe(403)
    await s.t.db.updateTable('operators').set({ active: true }).where('iin', '=', '850315300019').execute()
  })

  it('approving an overdue application expires it (that commits) and fails with ERR_APPLICATION_EXPIRED', async () => {
    const created = (await submit(body(opensslCsr('p256').pem, opensslCsr('p256').pem))).json() as { number: string }
    await s.t.db.updateTable('applications').set({ expires_at: new Date(Date.now() - 1000) }).where('number', '=', created.number).execute()
    const asOperator = { cookie: await s.operatorCookie() } // issues the operator's certificate: before counting
    const certificatesBefore = await countRows(s.t.db, 'certificates')
    const approve = await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${created.number}/approve`, headers: asOperator, payload: { identityChecked: true } })
    expect(approve.statusCode).toBe(409)
    expect(approve.json().error.code).toBe('ERR_APPLICATION_EXPIRED')
    const a = await s.t.db.selectFrom('applications').selectAll().where('number', '=', created.number).executeTakeFirstOrThrow()
    expect(a).toMatchObject({ status: 'expired', status_changed_by: 'system' })
    const requests = await s.t.db.selectFrom('application_requests').select(['pending', 'certificate_serial']).where('application_number', '=', created.number).execute()
    expect(requests).toEqual([{ pending: false, certificate_serial: null }, { pending: false, certificate_serial: null }])
    const audit = await s.t.db.selectFrom('audit_log').select('action').where('entity_id', '=', created.number).orderBy('id').execute()
    expect(audit.map((x) => x.action)).toEqual(['application.submit', 'application.expire'])
    expect(await countRows(s.t.db, 'certificates')).toBe(certificatesBefore)
    // Approving again: it is expired now, not submitted.
    const again = await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${created.number}/approve`, headers: asOperator, payload: { identityChecked: true } })
    expect(again.json().error.code).toBe('ERR_INVALID_STATE')
  })

  it('two approvals that both signed before either stored: one set of certificates, the loser stores nothing', async () => {
    const created = (await submit(body(opensslCsr('p256').pem, opensslCsr('p256').pem))).json() as { number: string }
    await s.operatorCookie()
    const operator = await s.t.db.selectFrom('operators').selectAll().where('iin', '=', '700611300018').executeTakeFirstOrThrow()
    // Count the CA's signatures; the winner holds its transaction open until the loser has
    // signed too (4 signatures), so the loser's certificates exist in memory when it loses.
    const ca = await s.ctx.getCa()
    let signatures = 0
    let bothSigned!: () => void
    const allSigned = new Promise<void>((resolve) => (bothSigned = resolve))
    const signer = ca.hierarchy.issuing.signer
    const counting = {
      ...signer,
      signAsync: async (data: Buffer) => {
        const sig = await signer.signAsync(data)
        if (++signatures === 4) bothSigned()
        return sig
      },
    }
    const countingCa = { ...ca, hierarchy: { ...ca.hierarchy, issuing: { ...ca.hierarchy.issuing, signer: counting } } }
    const ctx = { ...s.ctx, getCa: async () => countingCa }
    const results = await Promise.allSettled([0, 1].map(() => approveApplication(ctx, created.number, operator, { identity: { checked: true }, afterCertificates: () => allSigned })))
    expect(signatures).toBe(4)
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r) => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_INVALID_STATE' })
    const issued = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof approveApplication>>>).value.certificates.map((c) => c.serial)
    const stored = await s.t.db.selectFrom('certificates').select('serial').where('application_number', '=', created.number).orderBy('purpose').execute()
    expect(stored.map((c) => c.serial)).toEqual(issued)
    const requests = await s.t.db.selectFrom('application_requests').select('certificate_serial').where('application_number', '=', created.number).orderBy('purpose').execute()
    expect(requests.map((r) => r.certificate_serial)).toEqual(issued)
    const audit = await s.t.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity_id', 'in', [created.number, ...issued]).orderBy('id').execute()
    expect(audit).toEqual([
      { action: 'application.submit', entity_id: created.number },
      { action: 'certificate.issue', entity_id: issued[0] },
      { action: 'certificate.issue', entity_id: issued[1] },
      { action: 'application.approve', entity_id: created.number },
    ])
  })

  it('writes nothing when approval fails midway (certificates, audit and state roll back together)', async () => {
    const created = (await submit(body(opensslCsr('p256').pem, opensslCsr('p256').pem))).json() as { number: string }
    await s.operatorCookie()
    const operator = await s.t.db.selectFrom('operators').selectAll().where('iin', '=', '700611300018').executeTakeFirstOrThrow()
    const before = await counts()
    await expect(
      approveApplication(s.ctx, created.number, operator, {
        identity: { checked: true },
        afterCertificates: async (trx) => {
          // Both certificates exist inside the transaction at this point…
          expect(await trx.selectFrom('certificates').select('serial').where('application_number', '=', created.number).execute()).toHaveLength(2)
          throw new Error('power cut')
        },
      }),
    ).rejects.toThrow('power cut')
    // …and none of them outside it.
    expect(await counts()).toEqual(before)
    const a = await s.t.db.selectFrom('applications').selectAll().where('number', '=', created.number).executeTakeFirstOrThrow()
    expect(a.status).toBe('submitted')
    const pending = await s.t.db.selectFrom('application_requests').select('pending').where('application_number', '=', created.number).execute()
    expect(pending.every((r) => r.pending)).toBe(true)
  })
})
