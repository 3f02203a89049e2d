/**
 * A signer must be an end entity (issue 14, defect 8): a certificate with cA=TRUE, or with
 * keyCertSign, is refused for sign-in and document signatures with ERR_SIGNER_IS_CA, although
 * RFC 5280 path validation alone would accept a CA certificate at the end of a path (x509-limbo
 * rfc5280::ca-as-leaf). OpenSSL-made certificates, signed by `openssl cms -sign`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptWithoutRevocationCheck, buildLoginPayload, createNonce, verifyLoginCms, verifySignedCms } from '../../src/verifier/index.ts'
import { AUTH_EXTENSIONS, OpensslPki, type CaDir, type IssuedCert } from './helpers/openssl-pki.ts'
import { personSubject } from './helpers/signin-pki.ts'

const ORIGIN = 'https://rc.example.kz'
let pki: OpensslPki
let root: CaDir
let endEntity: IssuedCert, caTrue: IssuedCert

beforeAll(() => {
  pki = new OpensslPki()
  root = pki.rootCa('ee-root', { subject: '/C=KZ/O=Qoltanba Test/CN=End Entity Test Root' })
  endEntity = pki.issue(root, 'ee-person', { subject: personSubject('ТЕСТОВ ТЕСТ', '870101300031'), extensions: AUTH_EXTENSIONS })
  caTrue = pki.issue(root, 'ee-ca-true', {
    subject: personSubject('ТЕСТОВ ОРТАЛЫҚ', '870101300032'),
    extensions: [
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,digitalSignature,keyCertSign',
      'extendedKeyUsage = clientAuth',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
    ],
  })
})

afterAll(() => pki?.dispose())

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  )
}

function login(signer: IssuedCert) {
  const payload = buildLoginPayload({ origin: ORIGIN, nonce: createNonce(), issuedAt: new Date() }).bytes
  const cms = pki.cmsSign(signer, payload)
  return verifyLoginCms({ cms, expectedPayload: payload, expectedOrigin: ORIGIN, trustAnchors: [root.der], revocation: acceptWithoutRevocationCheck })
}

describe('signer certificates must be end entities', () => {
  it('accepts an end-entity certificate (control)', async () => {
    expect(await codeOf(login(endEntity))).toBe('ok')
  })

  it('refuses sign-in with a CA certificate', async () => {
    expect(await codeOf(login(caTrue))).toBe('ERR_SIGNER_IS_CA')
  })

  it('refuses a document signature made with a CA certificate', async () => {
    const cms = pki.cmsSign(caTrue, new TextEncoder().encode('a document'))
    expect(await codeOf(verifySignedCms({ cms, trustAnchors: [root.der], revocation: acceptWithoutRevocationCheck }))).toBe('ERR_SIGNER_IS_CA')
  })
})
