import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeCertificate } from '../../src/pki/certificate-info.ts'
import { ExtensionOid } from '../../src/pki/oids.ts'
import { buildName } from '../../src/pki/names.ts'
import { fromPem, toPem } from '../../src/pki/pem.ts'
import {
  keyIdentifier,
  randomSerial,
  sha256hex,
  signPkiObject,
  signTbs,
  signatureAlgorithmFor,
  spkiOf,
  toTime,
} from '../../src/pki/x509-helpers.ts'
import { keyUsageBitString } from '../../src/pki/extensions.ts'
import { openssl, type OpenSsl } from './openssl.ts'

let ossl: OpenSsl
beforeAll(() => {
  ossl = openssl()
})
afterAll(() => ossl.cleanup())

describe('toTime', () => {
  it.each([
    ['2031-01-02T03:04:05.678Z', 0, '2031-01-02T03:04:05.000Z'],
    ['2049-12-31T23:59:59.999Z', 0, '2049-12-31T23:59:59.000Z'],
    ['2050-01-01T00:00:00.500Z', 1, '2050-01-01T00:00:00.000Z'],
    ['1949-06-01T00:00:00Z', 1, '1949-06-01T00:00:00.000Z'],
  ])('%s → type %i without milliseconds', (iso, type, expected) => {
    const t = toTime(new Date(iso))
    expect(t.type).toBe(type)
    expect(t.value.toISOString()).toBe(expected)
    const der = new Uint8Array(t.toSchema().toBER(false))
    expect(new TextDecoder().decode(der)).not.toContain('.') // no fractional seconds in the encoding
  })
})

describe('building a certificate with the helpers', () => {
  it.each([
    ['ECDSA P-384', { name: 'ECDSA', namedCurve: 'P-384' }, 'ecdsa-with-SHA384'],
    ['RSA-2048', { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, 'sha256WithRSAEncryption'],
  ] as const)('%s self-signed certificate verifies in openssl', async (label, alg, sigName) => {
    const keys = (await crypto.subtle.generateKey(alg, false, ['sign', 'verify'])) as CryptoKeyPair
    const cert = new pkijs.Certificate()
    cert.version = 2
    cert.serialNumber = randomSerial()
    const name = buildName({ commonName: `Test CA ${label}`, country: 'KZ' })
    cert.subject = name
    cert.issuer = name
    cert.notBefore = toTime(new Date(Date.now() - 60_000))
    cert.notAfter = toTime(new Date('2055-01-01T00:00:00Z'))
    await cert.subjectPublicKeyInfo.importKey(keys.publicKey)
    const ski = await keyIdentifier(cert.subjectPublicKeyInfo)
    cert.extensions = [
      new pkijs.Extension({ extnID: ExtensionOid.basicConstraints, critical: true, extnValue: new pkijs.BasicConstraints({ cA: true }).toSchema().toBER(false) }),
      new pkijs.Extension({ extnID: ExtensionOid.keyUsage, critical: true, extnValue: keyUsageBitString(['keyCertSign', 'cRLSign']).toBER(false) }),
      new pkijs.Extension({ extnID: ExtensionOid.subjectKeyIdentifier, extnValue: new asn1js.OctetString({ valueHex: ski.slice().buffer }).toBER(false) }),
    ]
    expect((await signatureAlgorithmFor(keys.privateKey)).algorithmId).toBe(label.startsWith('RSA') ? '1.2.840.113549.1.1.11' : '1.2.840.10045.4.3.3')
    await signPkiObject(cert, keys.privateKey)
    const der = new Uint8Array(cert.toSchema(true).toBER(false))
    const file = ossl.write(`ca-${label}.pem`, toPem(der, 'CERTIFICATE'))
    expect(ossl.run(['verify', '-CAfile', file, file])).toContain(': OK')
    const text = ossl.run(['x509', '-in', file, '-noout', '-text'])
    expect(text).toContain(`Signature Algorithm: ${sigName}`)
    expect(text).toContain('Not After : Jan  1 00:00:00 2055 GMT')
    const info = await describeCertificate(der)
    expect(info.fingerprintSha256).toBe(await sha256hex(der))
    expect(info.serialNumber).toHaveLength(32)
  })

  it('keyIdentifier is the RFC 5280 method-1 hash OpenSSL writes for subjectKeyIdentifier=hash', async () => {
    ossl.write('ski.ext', 'subjectKeyIdentifier=hash\n')
    ossl.run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'k.csr', '-subj', '/CN=k'])
    ossl.run(['x509', '-req', '-in', 'k.csr', '-signkey', 'k.pem', '-extfile', 'ski.ext', '-out', 'k.crt'])
    const kcert = pkijs.Certificate.fromBER(fromPem(new TextDecoder().decode(ossl.read('k.crt')))[0]!.der)
    const kinfo = await describeCertificate(new Uint8Array(kcert.toSchema().toBER(false)))
    const ours = Buffer.from(await keyIdentifier(kcert.subjectPublicKeyInfo)).toString('hex')
    expect(kinfo.subjectKeyIdentifier).toBe(ours)
  })

  it('signTbs gives signatures openssl dgst verifies (ECDSA as DER)', async () => {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
    const tbs = new TextEncoder().encode('to be signed')
    const { signature, signatureAlgorithm } = await signTbs(tbs, keys.privateKey)
    expect(signatureAlgorithm.algorithmId).toBe('1.2.840.10045.4.3.2')
    expect(signature[0]).toBe(0x30)
    ossl.write('tbs.bin', tbs)
    ossl.write('tbs.sig', signature)
    ossl.write('pub.pem', toPem(await spkiOf(keys.publicKey), 'PUBLIC KEY'))
    expect(ossl.run(['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'tbs.sig', 'tbs.bin'])).toContain('Verified OK')
  })

  it('randomSerial is positive and 16 bytes', () => {
    for (let i = 0; i < 50; i++) {
      const bytes = randomSerial().valueBlock.valueHexView
      expect(bytes).toHaveLength(16)
      expect(bytes[0]! & 0x80).toBe(0)
    }
  })
})
