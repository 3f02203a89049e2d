import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certificateMatchesKey, describeCertificate } from '../../src/pki/certificate-info.ts'
import { fromPem } from '../../src/pki/pem.ts'
import { openssl, type OpenSsl } from './openssl.ts'

const NCA = fileURLToPath(new URL('../fixtures/nca-test-keys', import.meta.url))
const AUTH_P12 = `${NCA}/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12`
const SIGN_P12 = `${NCA}/RSA256_8426360556902ce4ac33977836f873e1dc190976.p12`
const GOST_P12 = `${NCA}/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12`

let ossl: OpenSsl
const pemFile = (name: string) => fromPem(new TextDecoder().decode(ossl.read(name)))[0]!.der

beforeAll(() => {
  ossl = openssl()
  ossl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '30', '-utf8', '-subj', '/C=KZ/CN=ТЕСТ ҚҰ (RSA)', '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  ossl.run(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-utf8',
    '-subj', '/CN=ҚҰНАНБАЙ АБАЙ/SN=ҚҰНАНБАЙ/serialNumber=IIN900101300017/C=KZ/O=ЖШС "Тест"/OU=BIN940140000385/GN=ҚҰНАНБАЙҰЛЫ'])
  ossl.write('leaf.ext', [
    'keyUsage=critical,digitalSignature,nonRepudiation',
    'extendedKeyUsage=emailProtection,1.2.398.3.3.4.1.2,1.2.398.3.3.4.1.2.1',
    'certificatePolicies=@pol',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
    'authorityInfoAccess=OCSP;URI:http://ocsp.example.kz/,caIssuers;URI:http://example.kz/ca.crt',
    'crlDistributionPoints=URI:http://example.kz/ca.crl',
    'freshestCRL=URI:http://example.kz/delta.crl',
    'subjectAltName=email:abai@example.kz',
    '[pol]',
    'policyIdentifier=1.2.398.3.3.2.1',
    'CPS.1=http://example.kz/cps',
    '',
  ].join('\n'))
  ossl.run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '365',
    '-sha256', '-extfile', 'leaf.ext', '-out', 'leaf.pem'])
  for (const [name, p12] of [['auth', AUTH_P12], ['sign', SIGN_P12], ['gost', GOST_P12]]) {
    ossl.run(['pkcs12', '-legacy', '-nokeys', '-in', p12!, '-passin', 'pass:Qwerty12', '-out', `${name}.pem`])
  }
})
afterAll(() => ossl.cleanup())

/** "AB:CD" or "serial=ABCD" → "abcd". */
const hexOf = (s: string) => s.replace(/^.*=/, '').replace(/[:\s]/g, '').toLowerCase()

describe('describeCertificate vs OpenSSL', () => {
  it('reads every field of an openssl-made certificate', async () => {
    const info = await describeCertificate(pemFile('leaf.pem'))
    const o = (args: string[]) => ossl.run(['x509', '-in', 'leaf.pem', '-noout', ...args]).trim()
    // Compared as numbers: a random serial whose first byte is below 0x10 prints with a leading 0.
    expect(BigInt(`0x${info.serialNumber}`)).toBe(BigInt(`0x${hexOf(o(['-serial']))}`))
    expect(info.fingerprintSha256).toBe(hexOf(o(['-fingerprint', '-sha256'])))
    expect(info.notBefore).toEqual(new Date(o(['-startdate']).replace('notBefore=', '')))
    expect(info.notAfter).toEqual(new Date(o(['-enddate']).replace('notAfter=', '')))
    const text = o(['-text'])
    const ski = text.match(/Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/)![1]!
    const aki = text.match(/Authority Key Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/)![1]!
    expect(info.subjectKeyIdentifier).toBe(hexOf(ski))
    expect(info.authorityKeyIdentifier).toBe(hexOf(aki))
    expect(info).toMatchObject({
      version: 3,
      iin: '900101300017',
      bin: '940140000385',
      selfIssued: false,
      subject: { commonName: 'ҚҰНАНБАЙ АБАЙ', surname: 'ҚҰНАНБАЙ', givenName: 'ҚҰНАНБАЙҰЛЫ', organization: 'ЖШС "Тест"', country: 'KZ' },
      issuer: { commonName: 'ТЕСТ ҚҰ (RSA)', country: 'KZ' },
      publicKey: { algorithm: 'RSA', bits: 2048 },
      signatureAlgorithm: { name: 'ecdsa-with-SHA256' },
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      extKeyUsage: [
        { oid: '1.3.6.1.5.5.7.3.4', role: 'emailProtection' },
        { oid: '1.2.398.3.3.4.1.2', role: 'ncaLegalEntity' },
        { oid: '1.2.398.3.3.4.1.2.1', role: 'ncaChiefExecutive' },
      ],
      policies: [{ oid: '1.2.398.3.3.2.1', name: 'legalEntitySigning', cps: 'http://example.kz/cps' }],
      ocspUrls: ['http://ocsp.example.kz/'],
      caIssuersUrls: ['http://example.kz/ca.crt'],
      crlUrls: ['http://example.kz/ca.crl'],
      deltaCrlUrls: ['http://example.kz/delta.crl'],
      emails: ['abai@example.kz'],
      critical: ['2.5.29.15'],
      other: [],
    })
    expect(info.basicConstraints).toBeUndefined()
    expect(text).toContain(`Public-Key: (${info.publicKey.bits} bit)`)
  })

  it('describes a CA certificate', async () => {
    const info = await describeCertificate(pemFile('ca.pem'))
    expect(info).toMatchObject({
      selfIssued: true,
      basicConstraints: { ca: true, pathLength: 0 },
      keyUsage: ['keyCertSign', 'cRLSign'],
      publicKey: { algorithm: 'EC', curve: 'P-256', bits: 256 },
    })
    expect(info.critical).toEqual(expect.arrayContaining(['2.5.29.19', '2.5.29.15']))
  })

  it('matches a certificate to its public key only', async () => {
    ossl.run(['pkey', '-in', 'leaf.key', '-pubout', '-outform', 'DER', '-out', 'leaf.pub.der'])
    ossl.run(['pkey', '-in', 'ca.key', '-pubout', '-outform', 'DER', '-out', 'ca.pub.der'])
    const leaf = pemFile('leaf.pem')
    const ca = pemFile('ca.pem')
    expect(certificateMatchesKey(leaf, ossl.read('leaf.pub.der'))).toBe(true)
    expect(certificateMatchesKey(leaf, ossl.read('ca.pub.der'))).toBe(false)
    expect(certificateMatchesKey(ca, ossl.read('ca.pub.der'))).toBe(true)
    expect(() => certificateMatchesKey(leaf, new Uint8Array([0x30, 0x01]))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
  })

  it('tells garbage and truncation with ERR_MALFORMED', async () => {
    const der = pemFile('leaf.pem')
    await expect(describeCertificate(der.subarray(0, der.length - 10))).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
    await expect(describeCertificate(new TextEncoder().encode('not a certificate'))).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })
})

describe('NCA RK test certificates', () => {
  it('AUTH_RSA256: individual authentication certificate', async () => {
    const info = await describeCertificate(pemFile('auth.pem'))
    expect(info).toMatchObject({
      iin: '123456789011',
      subject: { commonName: 'ТЕСТОВ ТЕСТ', surname: 'ТЕСТОВ', givenName: 'ТЕСТОВИЧ', country: 'KZ', locality: 'АЛМАТЫ', state: 'АЛМАТЫ' },
      issuer: { commonName: 'ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)', country: 'KZ' },
      publicKey: { algorithm: 'RSA', bits: 2048 },
      signatureAlgorithm: { name: 'sha256WithRSAEncryption' },
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extKeyUsage: [
        { oid: '1.3.6.1.5.5.7.3.2', role: 'clientAuth' },
        { oid: '1.2.398.3.3.4.1.1', role: 'ncaIndividual' },
      ],
      policies: [{ oid: '1.2.398.3.3.2.4', name: 'individualAuth', cps: 'http://pki.gov.kz/cps' }],
      subjectKeyIdentifier: '6b361b864c679601b652fe387f61fcd9303c0327',
      authorityKeyIdentifier: '5b6a7411',
      crlUrls: ['http://crl.pki.gov.kz/nca_rsa.crl', 'http://crl1.pki.gov.kz/nca_rsa.crl'],
      deltaCrlUrls: ['http://crl.pki.gov.kz/nca_d_rsa.crl', 'http://crl1.pki.gov.kz/nca_d_rsa.crl'],
      caIssuersUrls: ['http://pki.gov.kz/cert/nca_rsa.cer'],
      ocspUrls: ['http://ocsp.pki.gov.kz'],
      fingerprintSha256: 'b0c2d2b3eff57a644819b4cdac3d12737ca5d0dacada85ea4a5550a9c425fc4c',
      notBefore: new Date('2018-08-22T12:11:36Z'),
      notAfter: new Date('2019-08-22T12:11:36Z'),
    })
    expect(info.subject.dn).toBe(
      'CN=ТЕСТОВ ТЕСТ, SURNAME=ТЕСТОВ, SERIALNUMBER=IIN123456789011, C=KZ, L=АЛМАТЫ, ST=АЛМАТЫ, G=ТЕСТОВИЧ',
    )
  })

  it('RSA256: individual signing certificate', async () => {
    const info = await describeCertificate(pemFile('sign.pem'))
    expect(info.keyUsage).toEqual(['digitalSignature', 'nonRepudiation'])
    expect(info.extKeyUsage?.map((e) => e.role)).toEqual(['emailProtection', 'ncaIndividual'])
    expect(info.policies.map((p) => p.name)).toEqual(['individualSigning'])
    expect(info.subjectKeyIdentifier).toBe('8426360556902ce4ac33977836f873e1dc190976')
  })

  it('GOSTKNCA: legal-entity chief, GOST key described, not rejected', async () => {
    const info = await describeCertificate(pemFile('gost.pem'))
    expect(info).toMatchObject({
      iin: '123456789011',
      bin: '123456789021',
      subject: { organization: 'АО "ТЕСТ"' },
      issuer: { commonName: 'ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST)' },
      publicKey: { algorithm: 'GOST', oid: '1.2.398.3.10.1.1.1.1' },
      signatureAlgorithm: { oid: '1.2.398.3.10.1.1.1.2' },
    })
    expect(info.extKeyUsage?.map((e) => e.role)).toEqual(['emailProtection', 'ncaLegalEntity', 'ncaChiefExecutive'])
    expect(info.policies.map((p) => p.name)).toEqual(['legalEntitySigning'])
  })
})
