/**
 * The fuzzers' seed files, made by the OpenSSL CLI in a temporary folder when a run starts
 * (plus the NCA test containers' certificates from test/fixtures): a small CA with a revoked and a
 * good leaf, its CRL, OCSP requests and responses, CMS tokens (DER, BER-streamed, CAdES, with a
 * chain), CSRs, plain and encrypted PKCS#8 and PKCS#12 files. Every password-based seed uses ONE
 * key-derivation iteration, so each mutated attempt is cheap and a million inputs take minutes.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildLoginPayload } from '../../src/verifier/login-payload.ts'
import { AUTH_EXTENSIONS, openssl, OpensslPki, type CaDir, type IssuedCert } from '../verifier/helpers/openssl-pki.ts'

/** Password of every password-protected seed. */
export const SEED_PASSWORD = 'fuzz-Pass1'
export const LOGIN_ORIGIN = 'https://rc.fuzz.test'
/** The instant the verifier targets run at (inside every seed's validity). */
export const FUZZ_NOW = new Date()

export interface Seeds {
  readonly root: CaDir
  readonly good: IssuedCert
  readonly revoked: IssuedCert
  readonly crl: Uint8Array
  /** OCSP responses (signed by the CA) about `good` and `revoked`, in that order. */
  readonly ocspResponses: readonly Uint8Array[]
  readonly ocspRequests: readonly Uint8Array[]
  readonly certificates: readonly Uint8Array[]
  /** Attached CMS over `cmsContent` by `good`, in several encodings. */
  readonly cms: readonly Uint8Array[]
  readonly cmsContent: Uint8Array
  /** Login CMS over `loginPayload` by `good`. */
  readonly login: readonly Uint8Array[]
  readonly loginPayload: Uint8Array
  readonly csrs: readonly Uint8Array[]
  readonly pkcs8Plain: readonly Uint8Array[]
  readonly pkcs8Encrypted: readonly Uint8Array[]
  readonly pkcs12: readonly Uint8Array[]
  dispose(): void
}

const NCA_DIR = join(import.meta.dirname, '../fixtures/nca-test-keys')
const NCA_FILES = ['AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12', 'GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12']

function pemBlocksToDer(pem: string): Uint8Array[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
    (m) => new Uint8Array(Buffer.from((m[1] as string).replace(/\s+/g, ''), 'base64')),
  )
}

let made: Seeds | undefined

/** Makes the seeds once per process. */
export function makeSeeds(): Seeds {
  if (made) return made
  const pki = new OpensslPki()
  const root = pki.rootCa('fuzz-root', { subject: '/C=KZ/O=Fuzz/CN=Fuzz Root' })
  const leafExt = [...AUTH_EXTENSIONS, 'authorityInfoAccess = OCSP;URI:http://ocsp.fuzz.test/', 'crlDistributionPoints = URI:http://crl.fuzz.test/root.crl']
  const subject = '/CN=ТЕСТОВ ТЕСТ/SN=ТЕСТОВ/serialNumber=IIN900101300017/C=KZ/OU=BIN000740001307'
  const good = pki.issue(root, 'good', { subject, extensions: leafExt, keyType: 'p256' })
  const revoked = pki.issue(root, 'revoked', { subject: '/CN=REVOKED/C=KZ', extensions: leafExt, keyType: 'p256' })
  pki.revoke(root, revoked, 'keyCompromise')
  const crl = pki.crl(root)
  const run = (args: string[]) => openssl(args)
  const file = (name: string) => new Uint8Array(readFileSync(pki.path(name)))

  // OCSP: requests like our client sends (SHA-1 CertID), answered offline from the CA's index.
  const ocspRequests: Uint8Array[] = []
  const ocspResponses: Uint8Array[] = []
  for (const [i, leaf] of [good, revoked].entries()) {
    run(['ocsp', '-issuer', root.certPath, '-cert', leaf.certPath, '-no_nonce', '-reqout', pki.path(`req${i}.der`)])
    run(['ocsp', '-index', join(root.dir, 'index.txt'), '-rsigner', root.certPath, '-rkey', root.keyPath, '-CA', root.certPath,
      '-reqin', pki.path(`req${i}.der`), '-respout', pki.path(`resp${i}.der`), '-ndays', '7'])
    ocspRequests.push(file(`req${i}.der`))
    ocspResponses.push(file(`resp${i}.der`))
  }
  run(['ocsp', '-issuer', root.certPath, '-cert', good.certPath, '-cert', revoked.certPath, '-reqout', pki.path('req-nonce.der')])
  run(['ocsp', '-issuer', root.certPath, '-sha256', '-cert', good.certPath, '-reqout', pki.path('req-sha256.der')])
  ocspRequests.push(file('req-nonce.der'), file('req-sha256.der'))

  const nca = NCA_FILES.flatMap((f) =>
    pemBlocksToDer(run(['pkcs12', '-in', join(NCA_DIR, f), '-legacy', '-nokeys', '-passin', 'pass:Qwerty12']).toString('latin1')),
  )
  const certificates = [good.der, revoked.der, root.der, ...nca]

  const cmsContent = new TextEncoder().encode('fuzz: the signed document')
  const cms = [
    pki.cmsSign(good, cmsContent),
    pki.cmsSign(good, cmsContent, { stream: true }),
    pki.cmsSign(good, cmsContent, { cades: true, chain: [root.certPem] }),
  ]
  const { bytes: loginPayload } = buildLoginPayload({ origin: LOGIN_ORIGIN, nonce: 'fuzz-nonce-0123456789abcdef', issuedAt: FUZZ_NOW, ttlMs: 24 * 3600_000 })
  const login = [pki.cmsSign(good, loginPayload), pki.cmsSign(good, loginPayload, { cades: true, chain: [root.certPem] })]

  const csrs = ['p256', 'rsa'].map((kind) => {
    const key = pki.key(`csr-${kind}`, kind === 'rsa' ? 'rsa2048' : 'p256')
    run(['req', '-new', '-key', key, '-subj', subject, '-utf8', '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=clientAuth',
      '-outform', 'DER', '-out', pki.path(`csr-${kind}.der`)])
    return file(`csr-${kind}.der`)
  })

  const pkcs8Plain = [good.keyPath, pki.key('rsa-key', 'rsa2048')].map((k, i) => {
    run(['pkcs8', '-topk8', '-nocrypt', '-in', k, '-outform', 'DER', '-out', pki.path(`plain${i}.der`)])
    return file(`plain${i}.der`)
  })
  const pkcs8Encrypted = [
    ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256'],
    ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1'],
  ].map((alg, i) => {
    run(['pkcs8', '-topk8', ...alg, '-iter', '1', '-in', good.keyPath, '-passout', `pass:${SEED_PASSWORD}`, '-outform', 'DER', '-out', pki.path(`enc${i}.der`)])
    return file(`enc${i}.der`)
  })

  // PKCS#12: the modern OpenSSL profile and the NCA one (3DES key bag, RC2-40 cert bag, SHA-1 MAC).
  writeFileSync(pki.path('chain.pem'), root.certPem)
  const pkcs12 = [
    [],
    ['-legacy', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-RC2-40', '-macalg', 'sha1'],
    ['-certfile', pki.path('chain.pem'), '-macalg', 'sha256'],
  ].map((extra, i) => {
    run(['pkcs12', '-export', '-in', good.certPath, '-inkey', good.keyPath, '-passout', `pass:${SEED_PASSWORD}`, '-iter', '1', '-name', 'fuzz',
      ...extra, '-out', pki.path(`p${i}.p12`)])
    return file(`p${i}.p12`)
  })

  made = {
    root, good, revoked, crl, ocspRequests, ocspResponses, certificates, cms, cmsContent, login, loginPayload, csrs,
    pkcs8Plain, pkcs8Encrypted, pkcs12,
    dispose: () => {
      pki.dispose()
      made = undefined
    },
  }
  return made
}
