import * as asn1js from 'asn1js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { childrenOf, DerError, expectTag, oidOf, readTlv, valueOf, type Tlv } from '../../src/pki/der-reader.ts'
import { openssl, type OpenSsl } from './openssl.ts'

let ossl: OpenSsl
beforeAll(() => {
  ossl = openssl()
})
afterAll(() => ossl.cleanup())

/** Every TLV as OpenSSL's asn1parse lists it: offset, depth, header length, value length. */
function walk(buf: Uint8Array, t: Tlv, depth: number, out: string[]): void {
  out.push(`${t.start}:d=${depth} hl=${t.valueStart - t.start} l=${t.end - t.valueStart}`)
  if (t.tag & 0x20) for (const c of childrenOf(buf, t)) walk(buf, c, depth + 1, out)
}

function oids(buf: Uint8Array, t: Tlv, out: Tlv[]): void {
  if (t.tag === 0x06) out.push(t)
  if (t.tag & 0x20) for (const c of childrenOf(buf, t)) oids(buf, c, out)
}

describe('der-reader', () => {
  it('walks an OpenSSL certificate exactly as openssl asn1parse does, and reads its OIDs as asn1js does', () => {
    ossl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-subj', '/CN=der reader/O=Qoltanba', '-days', '1', '-outform', 'DER', '-out', 'c.der'])
    const der = ossl.read('c.der')
    const expected = ossl
      .run(['asn1parse', '-inform', 'DER', '-in', 'c.der'])
      .split('\n')
      .map((line) => /^\s*(\d+):(d=\d+)\s+hl=(\d+)\s+l=\s*(\d+)/.exec(line))
      .filter((m) => m !== null)
      .map((m) => `${m[1]}:${m[2]} hl=${m[3]} l=${m[4]}`)
    const actual: string[] = []
    walk(der, readTlv(der, 0), 0, actual)
    expect(actual).toEqual(expected)

    const found: Tlv[] = []
    oids(der, readTlv(der, 0), found)
    expect(found.length).toBeGreaterThan(4)
    for (const t of found) {
      const reference = asn1js.fromBER(der.slice(t.start, t.end)).result as asn1js.ObjectIdentifier
      expect(oidOf(valueOf(der, t))).toBe(reference.valueBlock.toString())
    }
  })

  it('prints arcs beyond 2^53 exactly (OpenSSL encodes them)', () => {
    for (const dotted of ['2.999.123456789012345678', '1.2.398.3.3.2.1', '0.39.18446744073709551616']) {
      ossl.run(['asn1parse', '-genstr', `OID:${dotted}`, '-out', 'o.der', '-noout'])
      const der = ossl.read('o.der')
      expect(oidOf(valueOf(der, readTlv(der, 0)))).toBe(dotted)
    }
  })

  it.each([
    ['truncated header', [0x30]],
    ['high tag number', [0x1f, 0x01, 0x00]],
    ['indefinite length (BER)', [0x30, 0x80, 0x00, 0x00]],
    ['a five-byte length', [0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00]],
    ['truncated length', [0x04, 0x82, 0x01]],
    ['value past the end', [0x04, 0x05, 0x01]],
  ])('refuses %s with DerError', (_what, bytes) => {
    expect(() => readTlv(Uint8Array.from(bytes), 0)).toThrow(DerError)
  })

  it('bounds children when asked, and names the expected field', () => {
    const seq = Uint8Array.from([0x30, 0x06, 0x05, 0x00, 0x05, 0x00, 0x05, 0x00])
    expect(childrenOf(seq, readTlv(seq, 0))).toHaveLength(3)
    expect(() => childrenOf(seq, readTlv(seq, 0), 2)).toThrow(DerError)
    expect(() => expectTag(readTlv(seq, 0), 0x31, 'SET OF')).toThrow('expected SET OF')
  })
})
