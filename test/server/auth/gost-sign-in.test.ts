/**
 * Certificate sign-in over HTTP with an NCA GOST-2004 key (issue 23): a relying party that trusts
 * a GOST root (as TRUST_ANCHORS_DIR would add NCA's) accepts a GOST login CMS through the same
 * routes, session and audit as RSA; the root's GOST-signed CRL revokes; a flipped signature byte
 * is refused with its code. The server's node:crypto verifier is not involved for GOST (it has no
 * GOST); src/verifier takes GOST from src/pki/gost.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppContext } from '../../../server/context.ts'
import { installErrorHandler } from '../../../server/errors.ts'
import { authRoutes } from '../../../server/auth/routes.ts'
import { meRoutes } from '../../../server/auth/me-routes.ts'
import { createSignInSetup } from '../../../server/auth/sign-in-setup.ts'
import { signGostCms } from '../../../src/pki/gost/index.ts'
import { localCrlChecker } from '../../../src/verifier/index.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts'
import { buildGostPki, gostCrl, type GostTestCert } from '../../verifier/helpers/gost-pki.ts'

const ORIGIN = 'https://rc.example.kz'
const PRELOGIN = '__Host-qoltanba-prelogin'
let pki: { root: GostTestCert; leaf: GostTestCert; signer: GostTestCert }
let app: FastifyInstance
let t: TestDatabase
let crl: Uint8Array

beforeAll(async () => {
  pki = await buildGostPki()
  crl = gostCrl(pki.root)
  t = await openTestDatabase('pglite')
  const ctx = { config: { publicUrl: ORIGIN, rateLimit: { submitMax: 10_000, windowMs: 60_000 } }, db: t.db } as unknown as AppContext
  const setup = createSignInSetup({ db: t.db, extraAnchors: [pki.root.der], foreignRevocation: localCrlChecker(() => [crl]) })
  app = Fastify({ logger: false })
  installErrorHandler(app)
  await app.register(authRoutes, { ctx, setup: async () => setup })
  await app.register(meRoutes, { ctx })
  await app.ready()
})

afterAll(async () => {
  await app?.close()
  await t?.close()
})

async function challenge(): Promise<{ cookie: string; bytes: Uint8Array }> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/challenge' })
  expect(res.statusCode).toBe(200)
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((l) => l.startsWith(`${PRELOGIN}=`))!
  return { cookie: setCookie.split(';')[0]!, bytes: new Uint8Array(Buffer.from((res.json() as { payload: string }).payload, 'base64')) }
}

function login(cookie: string, cms: Uint8Array) {
  return app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { cookie }, payload: { cms: Buffer.from(cms).toString('base64') } })
}

describe('GOST sign-in over HTTP', () => {
  it('signs in with a GOST-2004 certificate under a trusted GOST root; the session knows the person', async () => {
    const c = await challenge()
    const res = await login(c.cookie, signGostCms({ data: c.bytes, certificate: pki.leaf.der }, pki.leaf.key.key))
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ iin: '123456789011', role: 'holder' })
    const session = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((l) => l.startsWith('__Host-qoltanba-session='))!.split(';')[0]!
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session } })
    expect(me.json()).toMatchObject({ iin: '123456789011' })
  })

  it('a flipped signature byte is refused with ERR_SIGNATURE_INVALID (a 4xx, nothing changes)', async () => {
    const c = await challenge()
    const cms = signGostCms({ data: c.bytes, certificate: pki.leaf.der }, pki.leaf.key.key)
    cms[cms.length - 7]! ^= 0x10
    const res = await login(c.cookie, cms)
    expect(res.statusCode).toBe(401)
    expect(res.json()).toMatchObject({ error: { code: 'ERR_SIGNATURE_INVALID' } })
  })

  it('revoked by the GOST root’s CRL: refused', async () => {
    crl = gostCrl(pki.root, [pki.leaf.serialHex])
    const c = await challenge()
    const res = await login(c.cookie, signGostCms({ data: c.bytes, certificate: pki.leaf.der }, pki.leaf.key.key))
    expect(res.json()).toMatchObject({ error: { code: 'ERR_CERT_REVOKED' } })
  })
})
