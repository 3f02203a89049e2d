/**
 * Sign-in verification against a real OpenSSL-made PKI: one happy path per client and key type,
 * and one row per attack, each refused with its own code. Revocation of the foreign CA is answered
 * by a real `openssl ocsp` responder on loopback; its CRL is served by an injected fetch.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signCms } from '../../src/pki/cms.ts'
import {
  acceptWithoutRevocationCheck,
  buildLoginPayload,
  createNonce,
  createTrustStore,
  crlChecker,
  firstAnswer,
  ocspChecker,
  verifyLoginCms,
  type RevocationChecker,
  type TrustStore,
  type VerifyLoginOptions,
} from '../../src/verifier/index.ts'
import { freePort, startOcspResponder } from './helpers/ocsp-responder.ts'
import { openssl } from './helpers/openssl-pki.ts'
import { buildSignInPki, chainFor, type LeafName, type SignInPki } from './helpers/signin-pki.ts'

const ORIGIN = 'https://rc.example.kz'
let s: SignInPki
let store: TrustStore
let responder: { stop: () => void }
let foreignCrl: Uint8Array

beforeAll(async () => {
  const [ocspPort, deadPort] = [await freePort(), await freePort()]
  s = buildSignInPki(ocspPort, deadPort)
  foreignCrl = s.pki.crl(s.foreignRoot)
  responder = await startOcspResponder(s.foreignRoot, ocspPort)
  store = createTrustStore([s.ownRoot.der, s.foreignRoot.der])
})

afterAll(() => {
  responder?.stop()
  s?.pki.dispose()
})

/** Foreign: OCSP then CRL (served from memory); own CA: everything good unless listed. */
function revocation(ownStatus: Record<string, 'revoked' | 'hold'> = {}): RevocationChecker {
  const crlFetch = async (url: string) =>
    url === 'http://crl.foreign.test/foreign.crl' ? new Response(foreignCrl as Uint8Array<ArrayBuffer>) : new Response('', { status: 404 })
  const foreign = firstAnswer(ocspChecker({ timeoutMs: 2000 }), crlChecker({ fetch: crlFetch }))
  return {
    check: (cert, issuer, now) => {
      if (cert.ocspUrls.length || cert.crlUrls.length) return foreign.check(cert, issuer, now)
      const st = ownStatus[cert.serialHex]
      return Promise.resolve(st ? { status: st, source: 'database' } : { status: 'good', source: 'database' })
    },
  }
}

function issue(now = new Date(), origin = ORIGIN) {
  return buildLoginPayload({ origin, nonce: createNonce(), issuedAt: now })
}

function opensslToken(leaf: LeafName, content: Uint8Array, opts: { md?: string; detached?: boolean } = {}): Uint8Array {
  return s.pki.cmsSign(s.leaves[leaf], content, { ...opts, chain: chainFor(s, leaf) })
}

async function verify(leaf: LeafName, extra: Partial<VerifyLoginOptions> = {}) {
  const { bytes } = issue()
  return verifyLoginCms({
    cms: opensslToken(leaf, bytes),
    expectedPayload: bytes,
    expectedOrigin: ORIGIN,
    trustAnchors: store,
    revocation: revocation(),
    ...extra,
  })
}

async function importKey(leaf: LeafName): Promise<CryptoKey> {
  const pem = readFileSync(s.leaves[leaf].keyPath, 'utf8')
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  const alg = leaf === 'p256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  return crypto.subtle.importKey('pkcs8', der, alg, false, ['sign'])
}

describe('verifyLoginCms: happy paths', () => {
  it.each(['rsa', 'p256'] as const)('accepts an openssl cms -sign token (%s) and reads IIN/BIN', async (leaf) => {
    const r = await verify(leaf)
    expect(r.iin).toBe(leaf === 'rsa' ? '870101300001' : '870101300002')
    expect(r.bin).toBe(leaf === 'rsa' ? '123456789021' : undefined)
    expect(r.chain).toHaveLength(3)
    expect(r.revocation).toMatchObject({ status: 'good' })
    expect(r.payload?.origin).toBe(ORIGIN)
  })

  it.each(['rsa', 'p256'] as const)('accepts a token made by pki signCms (%s, browser keystore path)', async (leaf) => {
    const { bytes } = issue()
    const cms = await signCms({ data: bytes, privateKey: await importKey(leaf), certificate: s.leaves[leaf].der, chain: [s.ownIssuing.der] })
    const r = await verifyLoginCms({ cms, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: store, revocation: revocation() })
    expect(r.certificate.keyAlgorithm).toBe(leaf === 'rsa' ? 'RSA-2048' : 'EC 1.2.840.10045.3.1.7')
  })

  it('accepts base64 and PEM text (NCALayer returns bare base64), and detached tokens with the payload', async () => {
    const { bytes } = issue()
    const der = opensslToken('rsa', bytes)
    const b64 = Buffer.from(der).toString('base64')
    for (const cms of [b64, `-----BEGIN CMS-----\n${b64.replace(/(.{64})/g, '$1\n')}\n-----END CMS-----\n`]) {
      await expect(verifyLoginCms({ cms, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: store, revocation: revocation() })).resolves.toBeTruthy()
    }
    const detached = opensslToken('rsa', bytes, { detached: true })
    await expect(verifyLoginCms({ cms: detached, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: store, revocation: revocation() })).resolves.toBeTruthy()
  })

  it.each(['rsa', 'p256'] as const)('accepts a BER indefinite-length token like NCALayer writes (%s, openssl cms -stream)', async (leaf) => {
    const { bytes } = issue()
    const cms = s.pki.cmsSign(s.leaves[leaf], bytes, { chain: chainFor(s, leaf), stream: true })
    expect(cms[1]).toBe(0x80) // indefinite length: the pkijs path, not the DER fast path
    await expect(verifyLoginCms({ cms, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: store, revocation: revocation() })).resolves.toMatchObject({ iin: expect.any(String) })
    const tampered = s.pki.cmsSign(s.leaves.other, bytes, { chain: chainFor(s, 'other'), stream: true })
    const swapped = swapSignerCertificate(tampered, s.leaves[leaf].der)
    await expect(verifyLoginCms({ cms: swapped, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: store, revocation: revocation() })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' })
  })

  it('works with origin + nonce instead of the stored payload (relying-party mode)', async () => {
    const { bytes, payload } = issue()
    const r = await verifyLoginCms({ cms: opensslToken('p256', bytes), expectedOrigin: ORIGIN, expectedNonce: payload.nonce, trustAnchors: [s.ownRoot.der], revocation: acceptWithoutRevocationCheck })
    expect(r.payload?.nonce).toBe(payload.nonce)
  })

  it('asks the foreign CA by OCSP (real openssl ocsp responder) and accepts a good certificate', async () => {
    const r = await verify('foreignGood')
    expect(r.revocation).toMatchObject({ status: 'good', source: 'ocsp' })
  })
})

/** Replaces the signer certificate (and sid) with `other`'s, keeping the signature: it no longer matches. */
function swapSignerCertificate(cms: Uint8Array, other: Uint8Array): Uint8Array {
  const ci = pkijs.ContentInfo.fromBER(cms as Uint8Array<ArrayBuffer>)
  const sd = new pkijs.SignedData({ schema: ci.content })
  const cert = pkijs.Certificate.fromBER(other as Uint8Array<ArrayBuffer>)
  sd.certificates = [cert, ...(sd.certificates ?? []).slice(1)]
  ;(sd.signerInfos[0] as pkijs.SignerInfo).sid = new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber })
  return new Uint8Array(new pkijs.ContentInfo({ contentType: ci.contentType, content: sd.toSchema(true) }).toSchema().toBER(false))
}

interface Attack {
  readonly name: string
  readonly code: string
  /** Facts the error must carry (e.g. which revocation source answered). */
  readonly details?: Record<string, string>
  readonly run: () => Promise<unknown>
}

const attacks: Attack[] = [
  {
    name: 'wrong origin in the payload',
    code: 'ERR_ORIGIN_MISMATCH',
    run: async () => {
      const { bytes } = issue(new Date(), 'https://evil.example.com')
      return verifyLoginCms({ cms: opensslToken('rsa', bytes), expectedOrigin: ORIGIN, expectedPayload: bytes, trustAnchors: store, revocation: revocation() })
    },
  },
  {
    name: 'expired challenge (clock moved 6 minutes on)',
    code: 'ERR_NONCE_EXPIRED',
    run: async () => {
      const { bytes } = issue()
      const now = new Date(Date.now() + 6 * 60_000)
      return verifyLoginCms({ cms: opensslToken('rsa', bytes), expectedOrigin: ORIGIN, expectedPayload: bytes, trustAnchors: store, revocation: revocation(), now })
    },
  },
  {
    name: 'payload with another nonce',
    code: 'ERR_NONCE_UNKNOWN',
    run: async () => {
      const { bytes } = issue()
      return verifyLoginCms({ cms: opensslToken('rsa', bytes), expectedOrigin: ORIGIN, expectedNonce: createNonce(), trustAnchors: store, revocation: revocation() })
    },
  },
  {
    name: 'altered payload (same fields, re-serialised)',
    code: 'ERR_PAYLOAD_MISMATCH',
    run: async () => {
      const { bytes, payload } = issue()
      const altered = new TextEncoder().encode(JSON.stringify(payload, null, 1))
      return verifyLoginCms({ cms: opensslToken('rsa', altered), expectedOrigin: ORIGIN, expectedPayload: bytes, trustAnchors: store, revocation: revocation() })
    },
  },
  {
    name: 'foreign payload format',
    code: 'ERR_PAYLOAD_MISMATCH',
    run: async () => verifyLoginCms({ cms: opensslToken('rsa', new TextEncoder().encode('hello')), expectedOrigin: ORIGIN, expectedNonce: 'x', trustAnchors: store, revocation: revocation() }),
  },
  {
    name: 'signature that does not match the included certificate',
    code: 'ERR_SIGNATURE_INVALID',
    run: async () => {
      const { bytes } = issue()
      const cms = swapSignerCertificate(opensslToken('rsa', bytes), s.leaves.other.der)
      return verifyLoginCms({ cms, expectedOrigin: ORIGIN, expectedPayload: bytes, trustAnchors: store, revocation: revocation() })
    },
  },
  { name: 'revoked certificate of our CA (database)', code: 'ERR_CERT_REVOKED', details: { source: 'database' }, run: () => verify('rsa', { revocation: revocation({ [serialOf('rsa')]: 'revoked' }) }) },
  { name: 'held certificate of our CA (database)', code: 'ERR_CERT_ON_HOLD', details: { source: 'database' }, run: () => verify('rsa', { revocation: revocation({ [serialOf('rsa')]: 'hold' }) }) },
  { name: 'revoked certificate of a foreign CA (OCSP)', code: 'ERR_CERT_REVOKED', details: { source: 'ocsp' }, run: () => verify('foreignRevoked') },
  { name: 'held certificate of a foreign CA (OCSP)', code: 'ERR_CERT_ON_HOLD', details: { source: 'ocsp' }, run: () => verify('foreignHold') },
  { name: 'revoked certificate of a foreign CA (OCSP down, CRL)', code: 'ERR_CERT_REVOKED', details: { source: 'crl' }, run: () => verify('foreignCrlOnly') },
  { name: 'foreign certificate whose status nobody answers', code: 'ERR_REVOCATION_UNKNOWN', run: () => verify('foreignNoStatus') },
  { name: 'expired certificate', code: 'ERR_CERT_EXPIRED', run: () => verify('expired') },
  { name: 'not yet valid certificate', code: 'ERR_CERT_NOT_YET_VALID', run: () => verify('notYetValid') },
  { name: 'signing-only certificate (emailProtection EKU)', code: 'ERR_WRONG_KEY_USAGE', run: () => verify('signOnly') },
  { name: 'certificate without digitalSignature', code: 'ERR_WRONG_KEY_USAGE', run: () => verify('noDigitalSignature') },
  { name: 'chain to an unknown root', code: 'ERR_UNTRUSTED_CHAIN', run: () => verify('unknownRoot') },
  { name: 'intermediate below a pathlen:0 CA', code: 'ERR_PATH_LEN', run: () => verify('pathLen') },
  { name: 'unknown critical extension', code: 'ERR_UNKNOWN_CRITICAL_EXTENSION', run: () => verify('unknownCritical') },
  { name: 'RSA-1024 key', code: 'ERR_WEAK_KEY', run: () => verify('rsa1024') },
  { name: 'SHA-1 certificate signature', code: 'ERR_WEAK_ALGORITHM', run: () => verify('sha1') },
  {
    name: 'SHA-1 CMS digest',
    code: 'ERR_WEAK_ALGORITHM',
    run: async () => {
      const { bytes } = issue()
      return verifyLoginCms({ cms: opensslToken('rsa', bytes, { md: 'sha1' }), expectedOrigin: ORIGIN, expectedPayload: bytes, trustAnchors: store, revocation: revocation() })
    },
  },
  {
    name: 'garbage instead of a CMS',
    code: 'ERR_MALFORMED',
    run: () => verifyLoginCms({ cms: 'bm90IGEgY21z', expectedOrigin: ORIGIN, expectedNonce: 'x', trustAnchors: store, revocation: revocation() }),
  },
]

function serialOf(leaf: LeafName): string {
  return pkijs.Certificate.fromBER(s.leaves[leaf].der as Uint8Array<ArrayBuffer>)
    .serialNumber.valueBlock.valueHexView.reduce((h, b) => h + b.toString(16).padStart(2, '0'), '')
    .replace(/^(00)+(?=.)/, '')
}

describe('verifyLoginCms: resource limits', () => {
  /** `count` self-signed CA certificates sharing one name and key: each can "issue" every other. */
  function loopCertificates(count: number): { certs: string[]; keyPath: string; caPath: string } {
    const keyPath = s.pki.key('loop', 'rsa2048')
    const certs: string[] = []
    for (let i = 0; i < count; i++) {
      const out = s.pki.path(`loop-${i}.pem`)
      openssl(['req', '-x509', '-new', '-key', keyPath, '-subj', '/CN=Loop CA', '-set_serial', String(1000 + i), '-days', '30', '-sha256',
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign', '-out', out])
      certs.push(readFileSync(out, 'utf8'))
    }
    return { certs, keyPath, caPath: s.pki.path('loop-0.pem') }
  }

  it('refuses certificates that all issue each other without a trusted root (search stays bounded)', async () => {
    const loop = loopCertificates(8)
    const leaf = s.pki.path('loop-leaf')
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${leaf}.key`, '-subj', '/CN=Loop leaf/serialNumber=IIN870101300099', '-out', `${leaf}.csr`])
    writeFileSync(`${leaf}.ext`, 'keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n')
    openssl(['x509', '-req', '-in', `${leaf}.csr`, '-CA', loop.caPath, '-CAkey', loop.keyPath, '-set_serial', '77', '-days', '30', '-sha256', '-extfile', `${leaf}.ext`, '-out', `${leaf}.pem`])
    const { bytes } = issue()
    const cms = s.pki.cmsSign({ name: 'loop-leaf', certPath: `${leaf}.pem`, keyPath: `${leaf}.key`, certPem: '', der: new Uint8Array() }, bytes, { chain: loop.certs })
    await expect(verifyLoginCms({ cms, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: store, revocation: revocation() })).rejects.toMatchObject({ code: 'ERR_UNTRUSTED_CHAIN' })
  })

  it('refuses a CMS carrying more than 10 certificates', async () => {
    const loop = loopCertificates(11)
    const { bytes } = issue()
    const cms = s.pki.cmsSign(s.leaves.rsa, bytes, { chain: loop.certs })
    await expect(verifyLoginCms({ cms, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: store, revocation: revocation() })).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })
})

describe('verifyLoginCms: attacks', () => {
  it.each(attacks)('refuses $name with $code', async ({ run, code, details }) => {
    await expect(run()).rejects.toMatchObject({ code, ...(details ? { details } : {}) })
  })
})
