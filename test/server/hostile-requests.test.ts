/**
 * Unauthenticated requests that once got a 500 or were let through by type coercion, each now
 * answered with its code: a sign-in `cms` that is no CMS (400 ERR_MALFORMED), a CSR whose
 * extensionRequest has no value (400 ERR_MALFORMED), and JSON values of another type than the
 * OpenAPI document says (400 ERR_VALIDATION, nothing stored), while query strings, which are
 * always text, still convert to the numbers their schema names; and the router's own refusals
 * (too long a path parameter, an undecodable URL; found by the hand-off fuzz target), which
 * Fastify answered in its own shape.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countRows } from '../../server/applications/service.ts'
import { childrenOf, readTlv, type Tlv } from '../../src/pki/der-reader.ts'
import { extensionRequest, withAttributes } from '../pki/csr-rewrite.ts'
import { openssl, OpensslPki } from '../verifier/helpers/openssl-pki.ts'
import { startTestServer, type TestServer } from './helpers/app.ts'
import { opensslCsr, type OpensslCsr } from './helpers/csr.ts'

const IIN = '900101300017'

let s: TestServer
let auth: OpensslCsr
let sign: OpensslCsr
let pki: OpensslPki

beforeAll(async () => {
  s = await startTestServer('pglite')
  auth = opensslCsr('p256')
  sign = opensslCsr('p256')
  pki = new OpensslPki()
})

afterAll(async () => {
  await s?.close()
  pki?.dispose()
})

function body(over: Record<string, unknown> = {}) {
  return {
    profile: 'individual',
    iin: IIN,
    region: 'KZ-75',
    storage: 'file',
    requests: [
      { purpose: 'auth', csr: auth.der.toString('base64') },
      { purpose: 'sign', csr: sign.der.toString('base64') },
    ],
    ...over,
  }
}

const submit = (payload: object) => s.app.inject({ method: 'POST', url: '/api/v1/applications', headers: { 'idempotency-key': randomUUID() }, payload })
const login = (cms: string) => s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { cms } })

/** A real `openssl cms -sign` token whose SignerInfo issuer's first RDN is tagged SEQUENCE, not SET. */
function cmsWithBrokenSignerIssuer(): Uint8Array {
  const key = pki.path('self.key')
  const cert = pki.path('self.pem')
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=TEST/C=KZ', '-days', '1'])
  const der = new Uint8Array(openssl(['cms', '-sign', '-binary', '-nodetach', '-signer', cert, '-inkey', key, '-outform', 'DER'], 'payload'))
  const [, explicit] = childrenOf(der, readTlv(der, 0))
  const sd = childrenOf(der, childrenOf(der, explicit as Tlv)[0] as Tlv)
  const [signerInfo] = childrenOf(der, sd[sd.length - 1] as Tlv)
  const [issuer] = childrenOf(der, childrenOf(der, signerInfo as Tlv)[1] as Tlv)
  const rdn = childrenOf(der, issuer as Tlv)[0] as Tlv
  expect(der[rdn.start]).toBe(0x31)
  der[rdn.start] = 0x30
  return der
}

describe('POST /api/v1/auth/login with a cms that is no CMS', () => {
  it.each([
    ['17 letters (base64 length 1 mod 4)', () => 'abcdefghijklmnopq'],
    ['a PEM header and footer with no body', () => '-----BEGIN CMS-----\n-----END CMS-----\n'],
    ['a PEM body of length 1 mod 4', () => '-----BEGIN CMS-----\nQUJDRA\nQUJDR\n-----END CMS-----'],
    ['a SignerInfo issuer that is not a Name', () => Buffer.from(cmsWithBrokenSignerIssuer()).toString('base64')],
  ])('%s: 400 ERR_MALFORMED', async (_name, cms) => {
    const res = await login(cms())
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: { code: 'ERR_MALFORMED' } })
  })
})

describe('POST /api/v1/applications with a CSR whose extensionRequest has an empty value SET', () => {
  it('is 400 ERR_MALFORMED and stores nothing', async () => {
    const hostile = withAttributes(auth.der, auth.keyPem, [extensionRequest([])])
    const res = await submit(body({ requests: [{ purpose: 'auth', csr: Buffer.from(hostile).toString('base64') }, { purpose: 'sign', csr: sign.der.toString('base64') }] }))
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: { code: 'ERR_MALFORMED' } })
    expect(await countRows(s.t.db, 'applications')).toBe(0)
  })
})

describe('JSON bodies are not coerced', () => {
  it.each([
    ['iin as a number', () => ({ iin: Number(IIN) })],
    ['iin as an array', () => ({ iin: [IIN] })],
    ['region as an array', () => ({ region: ['KZ-75'] })],
    ['storage as an array', () => ({ storage: ['file'] })],
    ['a CSR as an array', () => ({ requests: [{ purpose: 'auth', csr: [auth.der.toString('base64')] }, { purpose: 'sign', csr: sign.der.toString('base64') }] })],
  ])('POST /api/v1/applications with %s: 400 ERR_VALIDATION, nothing stored', async (_name, over) => {
    const res = await submit(body(over()))
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: { code: 'ERR_VALIDATION' } })
    expect(await countRows(s.t.db, 'applications')).toBe(0)
  })

  it('the same body with the right types is accepted (201)', async () => {
    const res = await submit(body())
    expect(res.statusCode).toBe(201)
  })

  it.each([
    ['POST /api/v1/persons/lookup', '/api/v1/persons/lookup', { iin: Number(IIN) }],
    ['POST /api/v1/auth/login', '/api/v1/auth/login', { cms: ['abcdefghijklmnopqrstuvwxyz'] }],
  ])('%s with a value of the wrong type: 400 ERR_VALIDATION', async (_name, url, payload) => {
    const res = await s.app.inject({ method: 'POST', url, payload })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: { code: 'ERR_VALIDATION' } })
  })
})

describe('query strings still convert to the types their schema names', () => {
  it('GET /api/v1/operator/applications?limit=1&offset=0 is 200; limit=x is 400 ERR_VALIDATION', async () => {
    const cookie = await s.operatorCookie()
    const ok = await s.app.inject({ method: 'GET', url: '/api/v1/operator/applications?limit=1&offset=0', headers: { cookie } })
    expect(ok.statusCode).toBe(200)
    expect((ok.json() as { applications: unknown[] }).applications).toHaveLength(1)
    const bad = await s.app.inject({ method: 'GET', url: '/api/v1/operator/applications?limit=x', headers: { cookie } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ error: { code: 'ERR_VALIDATION' } })
  })
})

describe('the router\u2019s own refusals are in the error model', () => {
  it.each([
    ['a path parameter over the router\u2019s length limit', `/api/v1/handoffs/${'9'.repeat(400)}/decline`, 414],
    ['a path that cannot be decoded', '/api/v1/handoffs/%E0%A4%A/open', 400],
  ])('%s is a 4xx with a stable code', async (_name, url, status) => {
    const res = await s.app.inject({ method: 'POST', url, payload: { secret: 'A'.repeat(43) } })
    expect(res.statusCode).toBe(status)
    expect(res.json()).toMatchObject({ error: { code: 'ERR_VALIDATION' } })
  })
})
