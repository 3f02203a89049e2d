import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCsr, parseCsr, verifyCsr } from '../../src/pki/csr.ts'
import { EkuOid } from '../../src/pki/oids.ts'
import { fromPem, toPem } from '../../src/pki/pem.ts'
import { isQoltanbaError } from '../../src/core/errors.ts'
import { openssl, type OpenSsl } from './openssl.ts'

const subject = {
  commonName: 'ҚҰНАНБАЙ АБАЙ',
  surname: 'ҚҰНАНБАЙ',
  serialNumber: 'IIN123456789011',
  country: 'KZ',
  givenName: 'ҚҰНАНБАЙҰЛЫ',
}

type KeyCase = { name: string; alg: RsaHashedKeyGenParams | EcKeyGenParams; sigName: string }
const cases: KeyCase[] = [
  {
    name: 'RSA-2048',
    alg: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    sigName: 'sha256WithRSAEncryption',
  },
  {
    name: 'RSA-3072',
    alg: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    sigName: 'sha256WithRSAEncryption',
  },
  { name: 'P-256', alg: { name: 'ECDSA', namedCurve: 'P-256' }, sigName: 'ecdsa-with-SHA256' },
  { name: 'P-384', alg: { name: 'ECDSA', namedCurve: 'P-384' }, sigName: 'ecdsa-with-SHA384' },
]

let ossl: OpenSsl
beforeAll(() => {
  ossl = openssl()
})
afterAll(() => ossl.cleanup())

describe('createCsr → OpenSSL', () => {
  it.each(cases)('$name CSR verifies in openssl with separate RDNs and the requested extensions', async (c) => {
    const keys = (await crypto.subtle.generateKey(c.alg, false, ['sign', 'verify'])) as CryptoKeyPair
    const der = await createCsr({
      subject,
      keys,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extKeyUsage: [EkuOid.clientAuth, EkuOid.ncaIndividual],
      email: 'abai@example.kz',
    })
    const file = ossl.write(`ours-${c.name}.csr`, toPem(der, 'CERTIFICATE REQUEST'))
    const verify = ossl.run(['req', '-verify', '-noout', '-in', file])
    expect(verify).toMatch(/verify OK/)
    const text = ossl.run(['req', '-noout', '-text', '-nameopt', 'multiline,utf8,-esc_msb', '-in', file])
    expect(text).toContain(c.sigName)
    expect(text).toContain('Digital Signature, Key Encipherment')
    expect(text).toContain('TLS Web Client Authentication, 1.2.398.3.3.4.1.1')
    expect(text).toContain('email:abai@example.kz')
    const oneline = ossl.run(['req', '-noout', '-subject', '-nameopt', 'RFC2253,utf8,-esc_msb', '-in', file])
    // RFC 2253 prints RDNs last-first; "+" would mean a multi-valued RDN.
    expect(oneline.trim()).toBe(
      'subject=GN=ҚҰНАНБАЙҰЛЫ,C=KZ,serialNumber=IIN123456789011,SN=ҚҰНАНБАЙ,CN=ҚҰНАНБАЙ АБАЙ',
    )
    expect(await verifyCsr(der)).toBe(true)
    const info = parseCsr(der)
    expect(info.signatureAlgorithm.name).toBe(c.sigName)
    expect(info.subject.iin).toBe('123456789011')
  })

  it('refuses an RSA key bound to SHA-1', async () => {
    const keys = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-1' },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair
    await expect(createCsr({ subject, keys })).rejects.toMatchObject({ code: 'ERR_WEAK_ALGORITHM' })
  })

  it('writes the mandatory [0] attributes even without extensions', async () => {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])) as CryptoKeyPair
    const der = await createCsr({ subject: { commonName: 'X', country: 'KZ' }, keys })
    const file = ossl.write('noext.csr', toPem(der, 'CERTIFICATE REQUEST'))
    expect(ossl.run(['req', '-verify', '-noout', '-in', file])).toMatch(/verify OK/)
    expect(parseCsr(der).extensions.keyUsage).toBeUndefined()
  })
})

describe('OpenSSL CSR → parseCsr/verifyCsr', () => {
  it.each([
    ['RSA-3072', ['-newkey', 'rsa:3072'], 'RSA', 3072, undefined],
    ['P-256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'EC', 256, 'P-256'],
    ['P-384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], 'EC', 384, 'P-384'],
  ] as const)('%s request parses and verifies', async (name, keyArgs, alg, bits, curve) => {
    ossl.run([
      'req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-sha256', '-utf8',
      '-subj', '/CN=ТЕСТОВ ТЕСТ/SN=ТЕСТОВ/serialNumber=IIN123456789011/C=KZ/O=ТОО "Сәлем"/OU=BIN940140000385/GN=ТЕСТОВИЧ',
      '-addext', 'keyUsage=critical,digitalSignature,nonRepudiation',
      '-addext', 'extendedKeyUsage=emailProtection,1.2.398.3.3.4.1.2,1.2.398.3.3.4.1.2.1',
      '-addext', 'subjectAltName=email:test@example.kz',
    ])
    const der = fromPem(new TextDecoder().decode(ossl.read(`${name}.csr`)))[0]!.der
    expect(await verifyCsr(der)).toBe(true)
    const info = parseCsr(der)
    expect(info.publicKey).toMatchObject({ algorithm: alg, bits, ...(curve ? { curve } : {}) })
    expect(info.subject).toMatchObject({
      commonName: 'ТЕСТОВ ТЕСТ',
      surname: 'ТЕСТОВ',
      givenName: 'ТЕСТОВИЧ',
      country: 'KZ',
      organization: 'ТОО "Сәлем"',
      iin: '123456789011',
      bin: '940140000385',
    })
    expect(info.subject.dn).toBe(
      'CN=ТЕСТОВ ТЕСТ, SURNAME=ТЕСТОВ, SERIALNUMBER=IIN123456789011, C=KZ, O=ТОО \\"Сәлем\\", OU=BIN940140000385, G=ТЕСТОВИЧ',
    )
    expect(info.extensions.keyUsage).toEqual(['digitalSignature', 'nonRepudiation'])
    expect(info.extensions.critical).toEqual(['2.5.29.15'])
    expect(info.extensions.extKeyUsage).toEqual([
      { oid: EkuOid.emailProtection, role: 'emailProtection' },
      { oid: EkuOid.ncaLegalEntity, role: 'ncaLegalEntity' },
      { oid: EkuOid.ncaChiefExecutive, role: 'ncaChiefExecutive' },
    ])
    expect(info.extensions.emails).toEqual(['test@example.kz'])
  })

  it('a tampered request fails verification', async () => {
    const der = fromPem(new TextDecoder().decode(ossl.read('P-256.csr')))[0]!.der.slice()
    // Flip a byte inside the subject (the signed part), keeping the DER valid.
    const at = new TextDecoder('latin1').decode(der).indexOf('KZ')
    der[at] = 'Q'.charCodeAt(0)
    expect(await verifyCsr(der)).toBe(false)
  })

  it('garbage is ERR_MALFORMED', async () => {
    const err = await verifyCsr(new Uint8Array([0x30, 0x82, 0x01])).catch((e: unknown) => e)
    expect(isQoltanbaError(err, 'ERR_MALFORMED')).toBe(true)
    expect(() => parseCsr(new Uint8Array([1, 2, 3]))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
  })
})
