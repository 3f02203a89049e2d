/**
 * Sign-in through the whole Registration Center (buildApp with its development CA): a certificate
 * issued by our CA signs in, the cabinet lists it, an operator reaches the operator API with the
 * session instead of a CLI token, and revoking the certificate through the CA's own service stops
 * the next sign-in at once (database status).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueAndRecord } from '../../../server/ca/store.ts'
import { revokeCertificate } from '../../../server/ca/revocation.ts'
import { getProfile } from '../../../server/profiles/index.ts'
import { upsertOperator } from '../../../server/operators/accounts.ts'
import { signCms } from '../../../src/pki/cms.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'

const IIN = '700611300018'
let server: TestServer
let keys: CryptoKeyPair
let certificate: Uint8Array
let serial: string

beforeAll(async () => {
  server = await startTestServer('pglite')
  keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
  const profile = getProfile('individual')!
  const issued = await issueAndRecord(
    server.ctx.db,
    server.ca,
    { profile, purpose: 'auth', csr: { publicKey: { spki } }, subject: { commonName: 'ТЕСТОВ ТЕСТ', surname: 'ТЕСТОВ', serialNumber: `IIN${IIN}`, country: 'KZ' }, storage: 'browser' },
    { purpose: 'auth', actor: 'test' },
  )
  certificate = new Uint8Array(issued.der)
  serial = issued.serialHex
})

afterAll(async () => {
  await server?.close()
})

async function signIn(): Promise<{ status: number; code?: string; cookie?: string }> {
  const ch = await server.app.inject({ method: 'POST', url: '/api/v1/auth/challenge' })
  const prelogin = ([] as string[]).concat(ch.headers['set-cookie'] ?? []).map((l) => l.split(';')[0]).join('; ')
  const payload = new Uint8Array(Buffer.from((ch.json() as { payload: string }).payload, 'base64'))
  const cms = await signCms({ data: payload, privateKey: keys.privateKey, certificate, chain: [new Uint8Array(server.ca.hierarchy.issuing.der)] })
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { cookie: prelogin }, payload: { cms: Buffer.from(cms).toString('base64') } })
  const session = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((l) => l.startsWith('qoltanba-session='))
  return { status: res.statusCode, code: (res.json() as { error?: { code: string } }).error?.code, cookie: session?.split(';')[0] }
}

describe('certificate sign-in in the Registration Center', () => {
  it('signs in with a certificate of our CA and lists it in the cabinet', async () => {
    const r = await signIn()
    expect(r.status).toBe(200)
    const certs = await server.app.inject({ method: 'GET', url: '/api/v1/me/certificates', headers: { cookie: r.cookie! } })
    expect((certs.json() as { certificates: Array<{ serial: string }> }).certificates.map((c) => c.serial)).toEqual([serial])
  })

  it('lets an operator use the operator API with the session instead of a token', async () => {
    await upsertOperator(server.ctx.db, server.ctx.registry, { iin: IIN, role: 'operator', actor: 'test' })
    const r = await signIn()
    const me = await server.app.inject({ method: 'GET', url: '/api/v1/operator/me', headers: { cookie: r.cookie! } })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ iin: IIN, role: 'operator' })
  })

  it('refuses the next sign-in as soon as the CA revokes the certificate', async () => {
    await server.ctx.db.transaction().execute((trx) => revokeCertificate(trx, serial, 1, 'test'))
    const r = await signIn()
    expect(r).toMatchObject({ status: 401, code: 'ERR_CERT_REVOKED' })
  })
})
