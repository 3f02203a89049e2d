/**
 * The operator console's extra endpoints: certificate lookup by IIN or serial, and the
 * application's requests re-verified; both behind an operator's certificate sign-in session, on PGlite.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { opensslCsr } from '../helpers/csr.ts'

const IIN = '850315300019'

describe('operator console routes', () => {
  let s: TestServer
  let cookie: string
  let number: string
  beforeAll(async () => {
    s = await startTestServer('pglite')
    cookie = await s.operatorCookie()
    const [auth, sign] = [opensslCsr('rsa2048'), opensslCsr('p256')]
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'idempotency-key': randomUUID() },
      payload: { profile: 'individual', iin: IIN, region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: auth!.pem }, { purpose: 'sign', csr: sign!.pem }] },
    })
    expect(r.statusCode, r.body).toBe(201)
    number = r.json().number
  })
  afterAll(async () => {
    await s?.close()
  })

  const get = (url: string, auth = true) => s.app.inject({ url, headers: auth ? { cookie } : {} })

  it('shows each request with its key type and a verified signature', async () => {
    const r = await get(`/api/v1/operator/applications/${number}/requests`)
    expect(r.statusCode, r.body).toBe(200)
    const { requests } = r.json() as { requests: Array<Record<string, unknown>> }
    expect(requests.map((q) => [q.purpose, q.keyAlgorithm, q.keyBits, q.keyCurve, q.signatureValid])).toEqual([
      ['auth', 'RSA', 2048, null, true],
      ['sign', 'EC', 256, 'P-256', true],
    ])
    expect(String(requests[0]!.csr)).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/)
    expect((await get('/api/v1/operator/applications/000000000000/requests')).statusCode).toBe(404)
  })

  it('finds certificates by IIN and by serial, and needs an operator', async () => {
    expect((await get(`/api/v1/operator/certificates?iin=${IIN}`)).json().certificates).toEqual([])
    const approved = await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${number}/approve`, headers: { cookie }, payload: { identityChecked: true } })
    expect(approved.statusCode, approved.body).toBe(200)
    const byIin = (await get(`/api/v1/operator/certificates?iin=${IIN}`)).json().certificates as Array<{ serial: string; status: string; iin: string; applicationNumber: string }>
    expect(byIin).toHaveLength(2)
    expect(byIin.every((c) => c.status === 'good' && c.iin === IIN && c.applicationNumber === number)).toBe(true)
    const serial = byIin[0]!.serial
    const colon = serial.toUpperCase().match(/../g)!.join(':')
    const bySerial = (await get(`/api/v1/operator/certificates?serial=${colon}`)).json().certificates as Array<{ serial: string }>
    expect(bySerial.map((c) => c.serial)).toEqual([serial])

    expect((await get('/api/v1/operator/certificates')).json().error.code).toBe('ERR_VALIDATION')
    expect((await get('/api/v1/operator/certificates?iin=12')).statusCode).toBe(400)
    const anonymous = await get(`/api/v1/operator/certificates?iin=${IIN}`, false)
    expect(anonymous.statusCode).toBe(401)
  })
})
