/**
 * Certificate sign-in through the HTTP API, on PGlite and PostgreSQL: the happy paths (RSA and
 * P-256, openssl cms -sign and pki signCms), the session cookie and cabinet, and a table of
 * attacks each refused with its code — replay, expiry, another browser's nonce, origin, payload,
 * signature, ESS signing-certificate binding, revocation (database and a real OCSP responder),
 * validity, purpose, path and algorithms.
 */
import { createHash, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signCms } from '../../../src/pki/cms.ts'
import { buildLoginPayload } from '../../../src/verifier/index.ts'
import { authDb } from '../../../server/auth/schema.ts'
import { tokenHash } from '../../../server/auth/tokens.ts'
import { ENGINES } from '../helpers/database.ts'
import { freePort, startOcspResponder } from '../../verifier/helpers/ocsp-responder.ts'
import { AUTH_EXTENSIONS, openssl, type IssuedCert } from '../../verifier/helpers/openssl-pki.ts'
import { buildSignInPki, chainFor, personSubject, type LeafName, type SignInPki } from '../../verifier/helpers/signin-pki.ts'
import { startSignInServer, type SignInServer } from './sign-in-server.ts'

const ORIGIN = 'https://rc.example.kz'
const PRELOGIN = '__Host-qoltanba-prelogin'
const SESSION = '__Host-qoltanba-session'
const OWN_LEAVES: LeafName[] = ['rsa', 'p256', 'other', 'expired', 'notYetValid', 'signOnly', 'noDigitalSignature', 'unknownCritical', 'rsa1024', 'sha1']

let pki: SignInPki
let responder: { stop: () => void }
/** Made on first use: a second certificate for the rsa leaf's key. */
let reissued: IssuedCert | undefined

beforeAll(async () => {
  const [ocspPort, deadPort] = [await freePort(), await freePort()]
  pki = buildSignInPki(ocspPort, deadPort)
  responder = await startOcspResponder(pki.foreignRoot, ocspPort)
})

afterAll(() => {
  responder?.stop()
  pki?.pki.dispose()
})

function serialHex(der: Uint8Array): string {
  return Buffer.from(pkijs.Certificate.fromBER(der as Uint8Array<ArrayBuffer>).serialNumber.valueBlock.valueHexView).toString('hex')
}

function cookieValue(setCookie: string | string[] | undefined, name: string): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []
  const line = list.find((c) => c.startsWith(`${name}=`))
  return line?.slice(name.length + 1).split(';')[0]
}

describe.each(ENGINES)('certificate sign-in over HTTP (%s)', (engine) => {
  let server: SignInServer

  async function challenge(cookie?: string): Promise<{ cookie: string; nonce: string; bytes: Uint8Array }> {
    const res = await server.app.inject({ method: 'POST', url: '/api/v1/auth/challenge', headers: cookie ? { cookie } : {} })
    expect(res.statusCode).toBe(200)
    const body = res.json() as { nonce: string; payload: string; origin: string }
    expect(body.origin).toBe(ORIGIN)
    const fresh = cookieValue(res.headers['set-cookie'], PRELOGIN)
    return { cookie: cookie ?? `${PRELOGIN}=${fresh}`, nonce: body.nonce, bytes: new Uint8Array(Buffer.from(body.payload, 'base64')) }
  }

  function login(cookie: string | undefined, cms: Uint8Array) {
    return server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: cookie ? { cookie } : {},
      payload: { cms: Buffer.from(cms).toString('base64') },
    })
  }

  const token = (leaf: LeafName, bytes: Uint8Array, md = 'sha256') => pki.pki.cmsSign(pki.leaves[leaf], bytes, { md, chain: chainFor(pki, leaf) })

  async function setStatus(leaf: LeafName, status: 'good' | 'revoked' | 'hold'): Promise<void> {
    await server.t.db
      .updateTable('certificates')
      .set({
        status,
        revoked_at: status === 'good' ? null : new Date(),
        revocation_reason: status === 'good' ? null : status === 'hold' ? 6 : 1,
      })
      .where('serial', '=', serialHex(pki.leaves[leaf].der))
      .execute()
  }

  beforeAll(async () => {
    server = await startSignInServer(engine, pki)
    for (const leaf of OWN_LEAVES) {
      const x = new X509Certificate(pki.leaves[leaf].der)
      await server.t.db
        .insertInto('certificates')
        .values({
          serial: serialHex(pki.leaves[leaf].der),
          application_number: null,
          purpose: 'auth',
          profile: 'individual',
          issuer: 'issuing',
          subject_dn: x.subject,
          iin: /IIN(\d{12})/.exec(x.subject)?.[1] ?? null,
          bin: null,
          not_before: new Date(x.validFrom),
          not_after: new Date(x.validTo),
          der: pki.leaves[leaf].der,
          spki_sha256: createHash('sha256').update(x.publicKey.export({ type: 'spki', format: 'der' })).digest('hex'),
        })
        .execute()
    }
    await server.t.db.insertInto('operators').values({ iin: '870101300002', surname: 'ТЕСТОВ', name: 'ОПЕРАТОР', patronymic: null, role: 'operator', created_by: 'test' }).execute()
  })

  afterAll(async () => {
    await server?.close()
  })

  it('signs in with RSA (openssl cms -sign): __Host- session cookie, cabinet, audit, logout', async () => {
    const c = await challenge()
    const res = await login(c.cookie, token('rsa', c.bytes))
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ iin: '870101300001', bin: '123456789021', role: 'holder' })
    const setCookies = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
    const sessionLine = setCookies.find((l) => l.startsWith(`${SESSION}=`))!
    expect(sessionLine).toMatch(/HttpOnly/)
    expect(sessionLine).toMatch(/SameSite=Strict/)
    expect(sessionLine).toMatch(/Secure/)
    expect(sessionLine).toMatch(/Path=\//)
    expect(setCookies.find((l) => l.startsWith(`${PRELOGIN}=;`))).toMatch(/Max-Age=0/)
    const session = `${SESSION}=${cookieValue(setCookies, SESSION)}`

    const me = await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session } })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ iin: '870101300001', role: 'holder', operator: null })
    const certs = await server.app.inject({ method: 'GET', url: '/api/v1/me/certificates', headers: { cookie: session } })
    expect((certs.json() as { certificates: Array<{ serial: string }> }).certificates.map((x) => x.serial)).toEqual([serialHex(pki.leaves.rsa.der)])
    const apps = await server.app.inject({ method: 'GET', url: '/api/v1/me/applications', headers: { cookie: session } })
    expect(apps.json()).toEqual({ applications: [] })
    const audit = await server.t.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.login').execute()
    expect(audit.map((a) => a.actor)).toContain('person:870101300001')

    const out = await server.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: session } })
    expect(out.statusCode).toBe(204)
    const after = await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session } })
    expect(after.statusCode).toBe(401)
    expect(after.json()).toMatchObject({ error: { code: 'ERR_SESSION_REQUIRED' } })
  })

  it('signs in with P-256 made by pki signCms (browser keystore path) and maps the operator role', async () => {
    const c = await challenge()
    const pem = readFileSync(pki.leaves.p256.keyPath, 'utf8')
    const key = await crypto.subtle.importKey('pkcs8', Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
    const cms = await signCms({ data: c.bytes, privateKey: key, certificate: pki.leaves.p256.der, chain: [pki.ownIssuing.der] })
    const res = await login(c.cookie, cms)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ iin: '870101300002', role: 'operator' })
    const session = `${SESSION}=${cookieValue(res.headers['set-cookie'], SESSION)}`
    const who = await server.app.inject({ method: 'GET', url: '/api/v1/operator/whoami', headers: { cookie: session } })
    expect(who.json()).toEqual({ iin: '870101300002', role: 'operator' })
  })

  // Concurrent sign-ins share database batches (server/auth/login.ts); these prove the batches
  // keep every request's answer its own.
  it('signs a CMS sent five times at once in exactly once (single use holds inside a batch)', async () => {
    const c = await challenge()
    const cms = token('rsa', c.bytes)
    const before = await authDb(server.t.db).selectFrom('auth_sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const results = await Promise.all(Array.from({ length: 5 }, () => login(c.cookie, cms)))
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400, 400, 400, 400])
    for (const r of results.filter((x) => x.statusCode === 400)) expect(r.json()).toMatchObject({ error: { code: 'ERR_NONCE_UNKNOWN' } })
    const after = await authDb(server.t.db).selectFrom('auth_sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(after.n) - Number(before.n)).toBe(1)
  })

  it('gives concurrent sign-ins of different browsers their own session, role and audit row', async () => {
    const pem = readFileSync(pki.leaves.p256.keyPath, 'utf8')
    const key = await crypto.subtle.importKey('pkcs8', Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
    const people = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 'operator' : 'holder'))
    const prepared = await Promise.all(
      people.map(async (who) => {
        const c = await challenge()
        const cms = who === 'operator' ? await signCms({ data: c.bytes, privateKey: key, certificate: pki.leaves.p256.der, chain: [pki.ownIssuing.der] }) : token('rsa', c.bytes)
        return { who, cookie: c.cookie, cms }
      }),
    )
    const auditBefore = await server.t.db.selectFrom('audit_log').select('id').where('action', '=', 'auth.login').execute()
    // A challenge cookie of another browser in the same batch must not take this one's nonce.
    const stranger = await challenge()
    const results = await Promise.all([...prepared.map((p) => login(p.cookie, p.cms)), login(stranger.cookie, prepared[1]!.cms)])
    const strangerResult = results.pop()!
    expect(strangerResult.statusCode).toBe(400)
    expect(strangerResult.json()).toMatchObject({ error: { code: 'ERR_NONCE_UNKNOWN' } })
    expect(results.map((r) => r.statusCode)).toEqual(people.map(() => 200))
    expect(results.map((r) => (r.json() as { role: string }).role)).toEqual(people)
    const cookies = results.map((r) => cookieValue(r.headers['set-cookie'], SESSION))
    expect(new Set(cookies).size).toBe(people.length)
    for (const [i, cookie] of cookies.entries()) {
      const me = await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `${SESSION}=${cookie}` } })
      expect(me.json()).toMatchObject({ iin: people[i] === 'operator' ? '870101300002' : '870101300001' })
    }
    const audit = await server.t.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.login').where('id', 'not in', auditBefore.map((a) => a.id)).execute()
    expect(audit.map((a) => a.actor).sort()).toEqual(people.map((p) => (p === 'operator' ? 'operator:870101300002' : 'person:870101300001')).sort())
    expect(audit.every((a) => (a.after as { role: string }).role === (a.actor.startsWith('operator:') ? 'operator' : 'holder'))).toBe(true)
  })

  it('keeps a holder out of operator routes and anonymous users out of the cabinet', async () => {
    const c = await challenge()
    const res = await login(c.cookie, token('rsa', c.bytes))
    const session = `${SESSION}=${cookieValue(res.headers['set-cookie'], SESSION)}`
    const who = await server.app.inject({ method: 'GET', url: '/api/v1/operator/whoami', headers: { cookie: session } })
    expect(who.statusCode).toBe(403)
    const anon = await server.app.inject({ method: 'GET', url: '/api/v1/me/certificates' })
    expect(anon.statusCode).toBe(401)
  })

  it('accepts a foreign CA certificate whose OCSP status is good, recording its thumbprint (x5t#S256) in the session', async () => {
    const c = await challenge()
    const res = await login(c.cookie, token('foreignGood', c.bytes))
    expect(res.statusCode).toBe(200)
    const id = cookieValue(res.headers['set-cookie'], SESSION)!
    const row = await authDb(server.t.db).selectFrom('auth_sessions').select('certificate_sha256').where('id_hash', '=', tokenHash(id)).executeTakeFirstOrThrow()
    // OpenSSL, independently: the certificate's DER, hashed.
    const der = openssl(['x509', '-in', pki.leaves.foreignGood.certPath, '-outform', 'DER'])
    expect(row.certificate_sha256).toBe(openssl(['dgst', '-sha256', '-binary'], der).toString('base64url'))
  })

  interface Attack {
    readonly name: string
    readonly code: string
    readonly run: () => Promise<{ statusCode: number; json: () => unknown }>
  }

  const simple = (leaf: LeafName, md?: string) => async () => {
    const c = await challenge()
    return login(c.cookie, token(leaf, c.bytes, md))
  }
  const withStatus = (status: 'revoked' | 'hold') => async () => {
    await setStatus('rsa', status)
    try {
      return await simple('rsa')()
    } finally {
      await setStatus('rsa', 'good')
    }
  }

  const attacks: Attack[] = [
    {
      name: 'replayed CMS',
      code: 'ERR_NONCE_UNKNOWN',
      run: async () => {
        const c = await challenge()
        const cms = token('rsa', c.bytes)
        expect((await login(c.cookie, cms)).statusCode).toBe(200)
        return login(c.cookie, cms)
      },
    },
    {
      name: 'expired nonce (server clock 6 minutes on)',
      code: 'ERR_NONCE_EXPIRED',
      run: async () => {
        const c = await challenge()
        server.clock.offsetMs = 6 * 60_000
        try {
          return await login(c.cookie, token('rsa', c.bytes))
        } finally {
          server.clock.offsetMs = 0
        }
      },
    },
    {
      name: 'nonce issued to another browser (other cookie)',
      code: 'ERR_NONCE_UNKNOWN',
      run: async () => {
        const victim = await challenge()
        const attacker = await challenge()
        return login(attacker.cookie, token('rsa', victim.bytes))
      },
    },
    {
      name: 'no pre-login cookie',
      code: 'ERR_NONCE_UNKNOWN',
      run: async () => {
        const c = await challenge()
        return login(undefined, token('rsa', c.bytes))
      },
    },
    {
      name: 'wrong origin in the payload',
      code: 'ERR_ORIGIN_MISMATCH',
      run: async () => {
        const c = await challenge()
        const { bytes } = buildLoginPayload({ origin: 'https://evil.example.com', nonce: c.nonce, issuedAt: new Date() })
        return login(c.cookie, token('rsa', bytes))
      },
    },
    {
      name: 'altered payload (later expiry)',
      code: 'ERR_PAYLOAD_MISMATCH',
      run: async () => {
        const c = await challenge()
        const { bytes } = buildLoginPayload({ origin: ORIGIN, nonce: c.nonce, issuedAt: new Date(), ttlMs: 3600_000 })
        return login(c.cookie, token('rsa', bytes))
      },
    },
    {
      name: 'signature that does not match the included certificate',
      code: 'ERR_SIGNATURE_INVALID',
      run: async () => {
        const c = await challenge()
        const ci = pkijs.ContentInfo.fromBER(token('rsa', c.bytes) as Uint8Array<ArrayBuffer>)
        const sd = new pkijs.SignedData({ schema: ci.content })
        const other = pkijs.Certificate.fromBER(pki.leaves.other.der as Uint8Array<ArrayBuffer>)
        sd.certificates = [other, ...(sd.certificates ?? []).slice(1)]
        ;(sd.signerInfos[0] as pkijs.SignerInfo).sid = new pkijs.IssuerAndSerialNumber({ issuer: other.issuer, serialNumber: other.serialNumber })
        const cms = new pkijs.ContentInfo({ contentType: ci.contentType, content: sd.toSchema(true) }).toSchema().toBER(false)
        return login(c.cookie, new Uint8Array(cms))
      },
    },
    {
      name: 'signingCertificateV2 naming another certificate of the same key',
      code: 'ERR_SIGNING_CERT_MISMATCH',
      run: async () => {
        const c = await challenge()
        // A second certificate for the rsa leaf's key; the signer names it, the CMS carries the first.
        reissued ??= pki.pki.issue(pki.ownIssuing, 'rsa-reissued', {
          subject: personSubject('ТЕСТОВ ТЕСТ', '870101300001', '123456789021'),
          extensions: AUTH_EXTENSIONS,
          keyPath: pki.leaves.rsa.keyPath,
        })
        const ci = pkijs.ContentInfo.fromBER(pki.pki.cmsSign(reissued, c.bytes, { cades: true, chain: chainFor(pki, 'rsa') }) as Uint8Array<ArrayBuffer>)
        const sd = new pkijs.SignedData({ schema: ci.content })
        const first = pkijs.Certificate.fromBER(pki.leaves.rsa.der as Uint8Array<ArrayBuffer>)
        sd.certificates = [first, ...(sd.certificates ?? []).slice(1)]
        ;(sd.signerInfos[0] as pkijs.SignerInfo).sid = new pkijs.IssuerAndSerialNumber({ issuer: first.issuer, serialNumber: first.serialNumber })
        const cms = new pkijs.ContentInfo({ contentType: ci.contentType, content: sd.toSchema(true) }).toSchema().toBER(false)
        return login(c.cookie, new Uint8Array(cms))
      },
    },
    { name: 'revoked certificate (database)', code: 'ERR_CERT_REVOKED', run: withStatus('revoked') },
    { name: 'held certificate (database)', code: 'ERR_CERT_ON_HOLD', run: withStatus('hold') },
    {
      name: 'our CA certificate unknown to the database',
      code: 'ERR_REVOCATION_UNKNOWN',
      run: async () => {
        const serial = serialHex(pki.leaves.rsa.der)
        const row = await server.t.db.selectFrom('certificates').selectAll().where('serial', '=', serial).executeTakeFirstOrThrow()
        await server.t.db.deleteFrom('certificates').where('serial', '=', serial).execute()
        try {
          return await simple('rsa')()
        } finally {
          const { created_at: _created, crl_entry: _entry, ...rest } = row
          await server.t.db.insertInto('certificates').values(rest).execute()
        }
      },
    },
    { name: 'revoked certificate of a foreign CA (OCSP)', code: 'ERR_CERT_REVOKED', run: simple('foreignRevoked') },
    { name: 'held certificate of a foreign CA (OCSP)', code: 'ERR_CERT_ON_HOLD', run: simple('foreignHold') },
    { name: 'expired certificate', code: 'ERR_CERT_EXPIRED', run: simple('expired') },
    { name: 'not yet valid certificate', code: 'ERR_CERT_NOT_YET_VALID', run: simple('notYetValid') },
    { name: 'signing-only certificate (emailProtection)', code: 'ERR_WRONG_KEY_USAGE', run: simple('signOnly') },
    { name: 'chain to an unknown root', code: 'ERR_UNTRUSTED_CHAIN', run: simple('unknownRoot') },
    { name: 'intermediate violating pathLen', code: 'ERR_PATH_LEN', run: simple('pathLen') },
    { name: 'unknown critical extension', code: 'ERR_UNKNOWN_CRITICAL_EXTENSION', run: simple('unknownCritical') },
    { name: 'RSA-1024', code: 'ERR_WEAK_KEY', run: simple('rsa1024') },
    { name: 'SHA-1 certificate', code: 'ERR_WEAK_ALGORITHM', run: simple('sha1') },
    { name: 'SHA-1 CMS digest', code: 'ERR_WEAK_ALGORITHM', run: simple('rsa', 'sha1') },
  ]

  it.each(attacks)('refuses $name with $code', async ({ run, code }) => {
    const res = await run()
    expect(res.statusCode).toBeGreaterThanOrEqual(400)
    expect(res.statusCode).toBeLessThan(500)
    expect(res.json()).toMatchObject({ error: { code } })
  })

  it('audits refusals that passed the nonce check', async () => {
    const rows = await server.t.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.login_refused').execute()
    expect(rows.map((r) => (r.after as { code: string }).code)).toEqual(expect.arrayContaining(['ERR_CERT_REVOKED', 'ERR_PATH_LEN', 'ERR_WEAK_KEY']))
  })
})

describe('sign-in cookies on http://localhost', () => {
  it('uses unprefixed, non-Secure cookie names (a __Host- cookie needs Secure)', async () => {
    const server = await startSignInServer('pglite', pki, 'http://localhost:5173')
    try {
      const res = await server.app.inject({ method: 'POST', url: '/api/v1/auth/challenge' })
      const line = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n')
      expect(line).toMatch(/^qoltanba-prelogin=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=600$/)
      expect((res.json() as { origin: string }).origin).toBe('http://localhost:5173')
    } finally {
      await server.close()
    }
  })
})
