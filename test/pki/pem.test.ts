import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { derOfFile, fromPem, toPem } from '../../src/pki/pem.ts'
import { openssl, type OpenSsl } from './openssl.ts'

let ossl: OpenSsl
beforeAll(() => {
  ossl = openssl('qoltanba-pem-')
})
afterAll(() => ossl.cleanup())

function certificate(cn: string): Uint8Array {
  ossl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${cn}.key`, '-subj', `/CN=${cn}`, '-days', '1', '-outform', 'DER', '-out', `${cn}.der`])
  return ossl.read(`${cn}.der`)
}

describe('derOfFile', () => {
  it('reads every block of a bundle OpenSSL wrote, a DER file as is, and nothing from other text', () => {
    const [a, b] = [certificate('a'), certificate('b')]
    const bundle = ['a', 'b'].map((cn) => ossl.run(['x509', '-inform', 'DER', '-in', `${cn}.der`])).join('Some comment between blocks\n')
    expect(derOfFile(new TextEncoder().encode(bundle), 'CERTIFICATE')).toEqual([a, b])
    expect(derOfFile(a, 'CERTIFICATE')).toEqual([a])
    expect(derOfFile(new TextEncoder().encode(toPem(a, 'X509 CRL')), 'CERTIFICATE')).toEqual([])
    expect(toPem(a, 'CERTIFICATE')).toBe(ossl.run(['x509', '-inform', 'DER', '-in', 'a.der']))
    expect(fromPem(bundle).map((block) => block.der)).toEqual([a, b])
  })

  it('refuses a block that is not base64, and reads headers without an END as nothing', () => {
    expect(() => derOfFile(new TextEncoder().encode('-----BEGIN CERTIFICATE-----\n*not base64*\n-----END CERTIFICATE-----\n'), 'CERTIFICATE')).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED' }),
    )
    expect(derOfFile(new TextEncoder().encode('-----BEGIN CERTIFICATE-----\n'.repeat(10_000)), 'CERTIFICATE')).toEqual([])
  })
})
