/**
 * Sign-in checks the issuing CA too, not only the signer: through the whole Registration Center
 * (buildApp with its development CA, PGlite and PostgreSQL), a certificate of our CA stops
 * signing in once the root CRL lists the issuing CA, and `openssl verify -crl_check_all` refuses
 * the same chain with the CRLs the server publishes. A root CRL that cannot be trusted (forged,
 * stale) leaves the issuing CA's status unknown: sign-in fails closed.
 *
 * Qoltanba has no operation that revokes its issuing CA (a compromised issuing CA means a new
 * hierarchy, server/ca/root-crl.ts), so the test does what the root's holder would do: sign a
 * root CRL listing the issuing CA with the root key (the CA's own CRL builder), put it in
 * DATA_DIR/ca/root.crl, and let the CA load it (refreshRootCrl, as its 12-hour check does).
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CrlReason, crlEntry, signCrl } from '../../../server/ca/crl-build.ts'
import { caDir, openRootSigner, writeCaFile } from '../../../server/ca/hierarchy.ts'
import { issueAndRecord } from '../../../server/ca/store.ts'
import { getProfile } from '../../../server/profiles/index.ts'
import { signCms } from '../../../src/pki/cms.ts'
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
   * Signs a root CRL (by the root key, or forged with the issuing CA's key), writes it where the
   * CA keeps it and has the CA load it as of `loadedAt` (it re-signs only a CRL near its end).
   */
  async function publishRootCrl(opts: { revokeIssuing?: boolean; thisUpdate?: Date; nextUpdate?: Date; forged?: boolean } = {}): Promise<void> {
    const h = server.ca.hierarchy
    const thisUpdate = new Date(Math.floor((opts.thisUpdate ?? new Date()).getTime() / 1000) * 1000)
    const nextUpdate = opts.nextUpdate ?? new Date(thisUpdate.getTime() + 365 * DAY)
    const entries = opts.revokeIssuing ? [crlEntry(h.issuing.serial, thisUpdate, CrlReason.cACompromise)] : []
    const template = { issuer: h.root.subject, issuerKeyId: h.root.keyId, thisUpdate, nextUpdate, crlNumber: server.ca.rootCrl().crlNumber + 1, entries }
    let der: Buffer
    if (opts.forged) {
      der = signCrl(template, h.issuing.signer)
    } else {
      const root = openRootSigner(server.config, h)
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

  it('signs in while the root CRL is empty', async () => {
    expect(await signIn()).toMatchObject({ status: 200 })
  })

  it('refuses the sign-in with ERR_CERT_REVOKED at depth 1 once the issuing CA is on the root CRL, as openssl does', async () => {
    await publishRootCrl({ revokeIssuing: true })
    const r = await signIn()
    expect(r).toMatchObject({ status: 401, code: 'ERR_CERT_REVOKED', details: { depth: 1, source: 'crl', reason: CrlReason.cACompromise } })
    expect(String(r.details?.subject)).toMatch(/ISSUING CA/i)

    // The same verdict from OpenSSL over the files the server publishes.
    const dir = caDir(server.config)
    const download = async (name: string) => {
      const res = await server.app.inject({ method: 'GET', url: `/crl/${name}.crl` })
      expect(res.statusCode).toBe(200)
      const path = join(server.config.dataDir, `${name}-download.crl`)
      writeFileSync(path, pem('X509 CRL', res.rawPayload))
      return path
    }
    const leaf = join(server.config.dataDir, 'leaf.pem')
    writeFileSync(leaf, pem('CERTIFICATE', certificate))
    const crlArgs = (await Promise.all(['root', 'issuing'].map(download))).flatMap((p) => ['-CRLfile', p])
    const all = opensslVerify(['verify', '-crl_check_all', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'issuing.pem'), ...crlArgs, leaf])
    expect(all.code).not.toBe(0)
    expect(all.out).toMatch(/error 23 at 1 depth lookup: certificate revoked/)
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
})
