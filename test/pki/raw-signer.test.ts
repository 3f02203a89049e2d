/**
 * pki's raw-signature seam with a key pki never sees: node:crypto KeyObjects stand in for a
 * token (the SoftHSM2 run is test/agent/agent-tokens.test.ts). OpenSSL is the checker.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signCmsRaw, verifyCms } from '../../src/pki/cms.ts'
import { createCsrRaw, parseCsr, verifyCsr } from '../../src/pki/csr.ts'
import type { RawCmsSigner } from '../../src/pki/raw-signer.ts'
import type { SignHash } from '../../src/pki/x509-helpers.ts'
import { toPem } from '../../src/pki/pem.ts'
import { openssl, type OpenSsl } from './openssl.ts'

let ossl: OpenSsl
beforeAll(() => {
  ossl = openssl('qoltanba-raw-')
})
afterAll(() => ossl.cleanup())

const nodeHash = (hash: SignHash): string => hash.replace('-', '').toLowerCase()

/** A RawCmsSigner over a private KeyObject: DER ECDSA signatures, PKCS#1 v1.5 for RSA. */
function keyObjectSigner(privateKey: KeyObject, keyAlgorithm: 'RSA' | 'EC', hash: SignHash): RawCmsSigner {
  return {
    keyAlgorithm,
    hash,
    sign: (data) => new Uint8Array(sign(nodeHash(hash), data, privateKey)),
    digest: (h, data) => new Uint8Array(createHash(nodeHash(h)).update(data).digest()),
  }
}

const cases = [
  { name: 'RSA 2048, SHA-256', keyAlgorithm: 'RSA' as const, hash: 'SHA-256' as const, keys: () => generateKeyPairSync('rsa', { modulusLength: 2048 }) },
  { name: 'P-384, SHA-384', keyAlgorithm: 'EC' as const, hash: 'SHA-384' as const, keys: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }) },
]

describe.each(cases)('raw signer: $name', ({ keyAlgorithm, hash, keys }) => {
  const { privateKey, publicKey } = keys()
  const signer = keyObjectSigner(privateKey, keyAlgorithm, hash)
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }))

  it('makes a CSR that OpenSSL and pki verify, with the requested extensions', async () => {
    const csr = createCsrRaw({ subject: { commonName: 'ТЕСТОВ ТЕСТ', country: 'KZ' }, spki, keyUsage: ['digitalSignature', 'nonRepudiation'], email: 'test@example.kz' }, signer)
    ossl.write('raw.csr', toPem(csr, 'CERTIFICATE REQUEST'))
    expect(ossl.run(['req', '-in', 'raw.csr', '-verify', '-noout'])).toContain('verify OK')
    expect(await verifyCsr(csr)).toBe(true)
    expect(parseCsr(csr).extensions.keyUsage).toEqual(['digitalSignature', 'nonRepudiation'])
  })

  it('makes a detached CMS with signingCertificateV2 that OpenSSL and pki verify', async () => {
    ossl.write('raw-key.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)
    ossl.run(['req', '-x509', '-key', 'raw-key.pem', '-subj', '/CN=raw signer', '-days', '1', '-outform', 'DER', '-out', 'raw-cert.der'])
    const certificate = ossl.read('raw-cert.der')
    const data = new TextEncoder().encode('Қолтаңба: signed through the seam\n')
    const cms = signCmsRaw({ data, certificate, detached: true }, signer)
    ossl.write('raw.p7s', cms)
    ossl.write('raw.txt', data)
    const out = ossl.tryRun(['cms', '-verify', '-inform', 'DER', '-in', 'raw.p7s', '-content', 'raw.txt', '-binary', '-noverify', '-out', '/dev/null'])
    expect(out.output).toContain('Verification successful')
    expect(ossl.run(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'raw.p7s'])).toContain('id-smime-aa-signingCertificateV2')
    const verdict = await verifyCms(cms, { data })
    expect(verdict).toMatchObject({ valid: true, digestAlgorithm: hash })
  })
})
