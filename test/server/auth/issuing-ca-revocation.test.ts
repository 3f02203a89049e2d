/**
 * Sign-in checks the issuing CA too, not only the signer: through the whole Registration Center
 * (buildApp with its development CA, PGlite and PostgreSQL), a certificate of our CA stops
 * signing in once the root revokes the issuing CA (revokeIssuingCa, what `qoltanba ca
 * revoke-issuing` runs), and `openssl verify -crl_check_all` refuses the same chain with the
 * CRLs the server publishes; the sign-in page's store gets the refusal with its depth and picks
 * the CA's message. Every later root CRL keeps the entry. A root CRL that cannot be trusted
 * (forged, stale; hand-made here and loaded as the CA's periodic check would) leaves the issuing
 * CA's status unknown: sign-in fails closed.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { injectFetch } from '../../../server/cli/sign-in-client.ts'
import { CrlReason, signCrl } from '../../../server/ca/crl-build.ts'
import { caDir, openRootSigner, writeCaFile } from '../../../server/ca/hierarchy.ts'
import { revokeIssuingCa } from '../../../server/ca/issuing-ca-revocation.ts'
import { issueAndRecord } from '../../../server/ca/store.ts'
import { getProfile } from '../../../server/profiles/index.ts'
import type { Signer } from '../../../src/core/signer.ts'
import { createAuthClient } from '../../../src/api/auth-client.ts'
import { signInErrorKey } from '../../../src/composables/sign-in-error.ts'
import { signCms } from '../../../src/pki/cms.ts'
import { useSessionStore } from '../../../src/stores/session.ts'
import { ENGINES } from '../helpers/database.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'

const IIN = '700611300018'
const DAY = 24 * 3600_000

function opensslVerify(args: string[]): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString() }
  } catch (e) {
    const err = e as { status?: number; stdout?: Buffer; stderr?: Buffer }
    return { code: err.status ?? 1, out: `${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}` }
  }
}

function pem(label: string, der: Uint8Array): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`.replace('\n\n', '\n')
}

describe.each(ENGINES)('sign-in when the root CRL revokes the issuing CA (%s)', (engine) => {
  let server: TestServer
  let keys: CryptoKeyPair
  let certificate: Uint8Array

  beforeAll(async () => {
    server = await startTestServer(engine)
    keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))
    const issued = await issueAndRecord(
      server.ctx.db,
      server.ca,
      {
        profile: getProfile('individual')!,
        purpose: 'auth',
        csr: { publicKey: { spki } },
        subject: { commonName: 'ТЕСТОВ ТЕСТ', surname: 'ТЕСТОВ', serialNumber: `IIN${IIN}`, country: 'KZ' },
        storage: 'browser',
      },
      { purpose: 'auth', actor: 'test' },
    )
    certificate = new Uint8Array(issued.der)
  })

  afterAll(async () => {
    await server?.close()
  })

  async function signIn(): Promise<{ status: number; code?: string; details?: Record<string, unknown> }> {
    const ch = await server.app.inject({ method: 'POST', url: '/api/v1/auth/challenge' })
    const prelogin = ([] as string[]).concat(ch.headers['set-cookie'] ?? []).map((l) => l.split(';')[0]).join('; ')
    const payload = new Uint8Array(Buffer.from((ch.json() as { payload: string }).payload, 'base64'))
    const cms = await signCms({ data: payload, privateKey: keys.privateKey, certificate, chain: [new Uint8Array(server.ca.hierarchy.issuing.der)] })
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { cookie: prelogin }, payload: { cms: Buffer.from(cms).toString('base64') } })
    const error = (res.json() as { error?: { code: string; details?: Record<string, unknown> } }).error
    return { status: res.statusCode, ...(error ? { code: error.code, details: error.details } : {}) }
  }

  /**
   * Signs an empty root CRL by hand (by the root key, or forged with the issuing CA's key),
   * writes it where the CA keeps it and has the CA load it as of its thisUpdate (the CA takes up
   * a file that lists what the database holds and is not near its end).
   */
  async function publishRootCrl(opts: { thisUpdate?: Date; nextUpdate?: Date; forged?: boolean } = {}): Promise<void> {
    const h = server.ca.hierarchy
    const thisUpdate = new Date(Math.floor((opts.thisUpdate ?? new Date()).getTime() / 1000) * 1000)
    const nextUpdate = opts.nextUpdate ?? new Date(thisUpdate.getTime() + 365 * DAY)
    const template = { issuer: h.root.subject, issuerKeyId: h.root.keyId, thisUpdate, nextUpdate, crlNumber: server.ca.rootCrl().crlNumber + 1, entries: [] }
    let der: Buffer
    if (opts.forged) {
      der = signCrl(template, h.issuing.signer)
    } else {
      const root = await openRootSigner(server.config, h)
      try {
        der = signCrl(template, root)
      } finally {
        root.close()
      }
    }
    writeCaFile(server.config, 'root.crl', der)
    const loaded = await server.ca.refreshRootCrl(thisUpdate)
    expect(Buffer.compare(loaded.der, der)).toBe(0)
  }

  /** Runs `openssl verify -crl_check_all` on the leaf with the CRLs the server serves. */
  async function opensslOverPublished(): Promise<{ code: number; out: string }> {
    const download = async (name: string) => {
      const res = await server.app.inject({ method: 'GET', url: `/crl/${name}.crl` })
      expect(res.statusCode).toBe(200)
      const path = join(server.config.dataDir, `${name}-download.crl`)
      writeFileSync(path, pem('X509 CRL', res.rawPayload))
      return path
    }
    const dir = caDir(server.config)
    const leaf = join(server.config.dataDir, 'leaf.pem')
    writeFileSync(leaf, pem('CERTIFICATE', certificate))
    const crlArgs = (await Promise.all(['root', 'issuing'].map(download))).flatMap((p) => ['-CRLfile', p])
    return opensslVerify(['verify', '-crl_check_all', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'issuing.pem'), ...crlArgs, leaf])
  }

  it('signs in while the root CRL is empty', async () => {
    expect(await signIn()).toMatchObject({ status: 200 })
    expect((await opensslOverPublished()).code).toBe(0)
  })

  it('fails closed with ERR_REVOCATION_UNKNOWN when the root CRL is forged or stale, and signs in again with a good one', async () => {
    await publishRootCrl({ forged: true })
    expect(await signIn()).toMatchObject({ status: 401, code: 'ERR_REVOCATION_UNKNOWN', details: { depth: 1 } })

    // A CRL that ended yesterday (loaded as of its own issue date, when it was still current).
    await publishRootCrl({ thisUpdate: new Date(Date.now() - 40 * DAY), nextUpdate: new Date(Date.now() - DAY) })
    const stale = await signIn()
    expect(stale).toMatchObject({ status: 401, code: 'ERR_REVOCATION_UNKNOWN', details: { depth: 1 } })

    await publishRootCrl()
    expect(await signIn()).toMatchObject({ status: 200 })
  })

  it('refuses the sign-in with ERR_CERT_REVOKED at depth 1 once the issuing CA is revoked, as openssl does', async () => {
    const r = await revokeIssuingCa(server.config, server.t.db, server.ca.hierarchy, { reason: 'cACompromise', actor: 'test' })
    expect(r.revoked).toBe(true)
    await server.ca.refreshRootCrl() // what the CA's periodic check does
    expect(server.ca.rootCrl().entries).toBe(1)

    const refused = await signIn()
    expect(refused).toMatchObject({ status: 401, code: 'ERR_CERT_REVOKED', details: { depth: 1, source: 'crl', reason: CrlReason.cACompromise } })
    expect(String(refused.details?.subject)).toMatch(/ISSUING CA/i)
    const all = await opensslOverPublished()
    expect(all.code).not.toBe(0)
    expect(all.out).toMatch(/error 23 at 1 depth lookup: certificate revoked/)
  })

  it('tells the sign-in page that it is the CA\'s certificate that is revoked', async () => {
    setActivePinia(createPinia())
    const store = useSessionStore()
    store.useClient(createAuthClient({ fetch: cookieFetch() }))
    const signer = {
      async signCms(request: { data: Uint8Array }) {
        return { cms: await signCms({ data: request.data, privateKey: keys.privateKey, certificate, chain: [new Uint8Array(server.ca.hierarchy.issuing.der)] }) }
      },
    } as unknown as Signer
    expect(await store.signIn({ signer })).toBe(false)
    expect(store.error).toBe('ERR_CERT_REVOKED')
    expect(store.errorDepth).toBe(1)
    expect(signInErrorKey(store.error as string, store.errorDepth)).toBe('signin.ca_status.revoked')
  })

  it('keeps the issuing CA on the root CRL when it is signed again (near its end, file lost)', async () => {
    const current = server.ca.rootCrl()
    const renewed = await server.ca.refreshRootCrl(new Date(current.nextUpdate.getTime() - 10 * DAY))
    expect(renewed.crlNumber).toBeGreaterThan(current.crlNumber)
    expect(renewed.entries).toBe(1)
    // (Dated 11 months ahead, that CRL is not valid yet today: the file-lost signature below is.)

    rmSync(join(caDir(server.config), 'root.crl'))
    const resigned = await server.ca.refreshRootCrl()
    expect(resigned.crlNumber).toBeGreaterThan(renewed.crlNumber)
    expect(await signIn()).toMatchObject({ status: 401, code: 'ERR_CERT_REVOKED', details: { depth: 1 } })
    expect((await opensslOverPublished()).out).toMatch(/error 23 at 1 depth lookup: certificate revoked/)

    // A second revocation changes nothing.
    const again = await revokeIssuingCa(server.config, server.t.db, server.ca.hierarchy, { reason: 'keyCompromise', actor: 'test' })
    expect(again).toMatchObject({ revoked: false, revocation: { reason: 'cACompromise' } })
  })

  /** injectFetch with a cookie jar: the prelogin cookie goes back with the login, as a browser's would. */
  function cookieFetch(): typeof fetch {
    const jar = new Map<string, string>()
    const inner = injectFetch(server.app)
    return async (input, init = {}) => {
      const headers = new Headers(init.headers)
      if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
      const res = await inner(input, { ...init, headers })
      for (const line of res.headers.getSetCookie()) {
        const [name, value] = ((line.split(';')[0] as string).split('=') as [string, string])
        jar.set(name, value)
      }
      return res
    }
  }
})
