/**
 * The server's node:crypto SignatureVerifier gives the same answers as the WebCrypto one the
 * browser uses, and refuses a scheme that does not match the certificate's key.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPrivateKey, sign } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { nodeSignatureVerifier } from '../../../server/auth/node-signature-verifier.ts'
import { parseCertificate, webCryptoVerifier, type SignatureScheme } from '../../../src/verifier/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'qoltanba-sigv-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function selfSigned(name: string, keyArgs: string[]) {
  execFileSync('openssl', ['req', '-x509', '-newkey', ...keyArgs, '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`), '-subj', `/CN=${name}`, '-days', '2', '-outform', 'DER'], { stdio: 'ignore' })
  return { cert: parseCertificate(new Uint8Array(readFileSync(join(dir, `${name}.pem`)))), key: createPrivateKey(readFileSync(join(dir, `${name}.key`))) }
}

const rsa = selfSigned('rsa', ['rsa:2048'])
const p256 = selfSigned('p256', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'])
const p384 = selfSigned('p384', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384'])
const data = new TextEncoder().encode('sign-in payload')
const RSA: SignatureScheme = { kind: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
const P256: SignatureScheme = { kind: 'ECDSA', hash: 'SHA-256', curve: { name: 'P-256', size: 32 } }

describe.each([
  ['node:crypto', nodeSignatureVerifier()],
  ['WebCrypto', webCryptoVerifier(globalThis.crypto)],
])('%s SignatureVerifier', (_name, verifier) => {
  it('accepts good RSA and ECDSA (DER) signatures and refuses altered data', async () => {
    const rsaSig = sign('sha256', data, rsa.key)
    const ecSig = sign('sha256', data, p256.key) // DER Ecdsa-Sig-Value, as CMS carries it
    expect(await verifier.verify(rsa.cert, RSA, rsaSig, data)).toBe(true)
    expect(await verifier.verify(p256.cert, P256, ecSig, data)).toBe(true)
    const other = new TextEncoder().encode('sign-in payloaD')
    expect(await verifier.verify(rsa.cert, RSA, rsaSig, other)).toBe(false)
    expect(await verifier.verify(p256.cert, P256, ecSig, other)).toBe(false)
  })

  it('refuses garbage signatures and schemes that do not fit the key', async () => {
    expect(await verifier.verify(rsa.cert, RSA, new Uint8Array(256), data)).toBe(false)
    expect(await verifier.verify(p256.cert, P256, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), data)).toBe(false)
    expect(await verifier.verify(rsa.cert, P256, sign('sha256', data, rsa.key), data)).toBe(false)
    // A P-384 key verified as if it were P-256 (the scheme comes from the certificate; a mismatch is refused).
    expect(await verifier.verify(p384.cert, P256, sign('sha256', data, p384.key), data)).toBe(false)
  })

  it('digests like node:crypto', async () => {
    const d = await verifier.digest('SHA-384', data)
    expect(Buffer.from(d).toString('hex')).toBe(execFileSync('openssl', ['dgst', '-sha384', '-r'], { input: data }).toString().split(' ')[0])
  })
})
