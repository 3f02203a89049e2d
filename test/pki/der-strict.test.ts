/**
 * src/pki/der-strict.ts: the DER rules beyond what the lenient reader checks. Each refused input
 * is one rule broken; OpenSSL-made certificates and signatures are the control that real DER
 * passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DerError } from '../../src/pki/der-reader.ts'
import { assertStrictDer } from '../../src/pki/der-strict.ts'
import { openssl, type OpenSsl } from './openssl.ts'

let ossl: OpenSsl
beforeAll(() => {
  ossl = openssl()
})
afterAll(() => ossl.cleanup())

const bytes = (...b: number[]) => Uint8Array.from(b)

describe('assertStrictDer', () => {
  it('passes OpenSSL-made certificates (RSA and P-256), pass', () => {
    for (const key of [['rsa', '-pkeyopt', 'rsa_keygen_bits:2048'], ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']]) {
      ossl.run(['req', '-x509', '-newkey', ...key, '-nodes', '-keyout', 'k.pem', '-subj', '/CN=strict/O=Qoltanba', '-days', '1',
        '-addext', 'basicConstraints=critical,CA:TRUE', '-outform', 'DER', '-out', 'c.der'])
      expect(() => assertStrictDer(ossl.read('c.der'))).not.toThrow()
    }
  })

  it.each([
    ['a short value', bytes(0x04, 0x01, 0xaa)],
    ['a 128-byte value in long form', bytes(0x04, 0x81, 0x80, ...new Array<number>(128).fill(1))],
    ['BOOLEAN TRUE and FALSE', bytes(0x30, 0x06, 0x01, 0x01, 0xff, 0x01, 0x01, 0x00)],
    ['INTEGER 127, 128, -1, -129', bytes(0x30, 0x0e, 0x02, 0x01, 0x7f, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0xff, 0x02, 0x02, 0xff, 0x7f)],
    ['BIT STRING with zero padding', bytes(0x03, 0x02, 0x07, 0x80)],
    ['an empty BIT STRING', bytes(0x03, 0x01, 0x00)],
    ['NULL and an OID', bytes(0x30, 0x07, 0x05, 0x00, 0x06, 0x03, 0x2a, 0x86, 0x48)],
    ['an implicit [0] primitive (not typed here)', bytes(0x80, 0x02, 0x00, 0x01)],
  ])('accepts %s', (_name, der) => {
    expect(() => assertStrictDer(der)).not.toThrow()
  })

  it.each([
    ['a long-form length of a short value', bytes(0x04, 0x81, 0x01, 0xaa), /non-minimal length/],
    ['a length with a leading zero octet', bytes(0x04, 0x82, 0x00, 0x80, ...new Array<number>(128).fill(1)), /non-minimal length/],
    ['a non-minimal length one level down', bytes(0x30, 0x04, 0x04, 0x81, 0x01, 0xaa), /non-minimal length at offset 2/],
    ['an indefinite length', bytes(0x30, 0x80, 0x05, 0x00, 0x00, 0x00), DerError],
    ['trailing bytes', bytes(0x05, 0x00, 0x00), /bytes after/],
    ['BOOLEAN 0x01', bytes(0x01, 0x01, 0x01), /BOOLEAN/],
    ['a two-byte BOOLEAN', bytes(0x01, 0x02, 0x00, 0xff), /BOOLEAN/],
    ['INTEGER with a superfluous 0x00', bytes(0x02, 0x02, 0x00, 0x7f), /INTEGER/],
    ['INTEGER with a superfluous 0xff', bytes(0x02, 0x02, 0xff, 0x80), /INTEGER/],
    ['an empty INTEGER', bytes(0x02, 0x00), /INTEGER/],
    ['BIT STRING declaring 8 unused bits', bytes(0x03, 0x02, 0x08, 0x00), /unused bits/],
    ['an empty BIT STRING declaring unused bits', bytes(0x03, 0x01, 0x01), /unused bits/],
    ['BIT STRING with a padding bit set', bytes(0x03, 0x02, 0x01, 0x01), /padding/],
    ['a constructed OCTET STRING', bytes(0x24, 0x03, 0x04, 0x01, 0xaa), /constructed universal/],
    ['NULL with contents', bytes(0x05, 0x01, 0x00), /NULL/],
    ['an OID subidentifier starting 0x80', bytes(0x06, 0x03, 0x2a, 0x80, 0x01), /OBJECT IDENTIFIER/],
    ['an OID ending mid-subidentifier', bytes(0x06, 0x02, 0x2a, 0x86), /OBJECT IDENTIFIER/],
    ['end-of-contents', bytes(0x30, 0x02, 0x00, 0x00), /end-of-contents/],
  ])('refuses %s', (_name, der, message) => {
    expect(() => assertStrictDer(der)).toThrow(message)
  })

  it('refuses an ECDSA signature value OpenSSL re-encodes differently (non-minimal r)', () => {
    ossl.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.pem'])
    ossl.write('m.txt', 'message')
    ossl.run(['dgst', '-sha256', '-sign', 'ec.pem', '-out', 's.der', 'm.txt'])
    const sig = ossl.read('s.der')
    expect(() => assertStrictDer(sig)).not.toThrow()
    // r with one more leading zero octet: the same number, another encoding.
    const rLen = sig[3] as number
    const widened = bytes(0x30, (sig[1] as number) + 1, 0x02, rLen + 1, 0x00, ...sig.subarray(4))
    expect(() => assertStrictDer(widened)).toThrow(/INTEGER/)
    ossl.write('w.der', widened)
    ossl.run(['pkey', '-in', 'ec.pem', '-pubout', '-out', 'pub.pem'])
    expect(ossl.tryRun(['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'w.der', 'm.txt']).status).not.toBe(0)
  })
})
