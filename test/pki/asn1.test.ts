import { describe, expect, it } from 'vitest'
import { parseAsn1 } from '../../src/pki/asn1.ts'
import { describeCertificate } from '../../src/pki/certificate-info.ts'
import { parseCsr } from '../../src/pki/csr.ts'
import { decodeDerOrPem, fromPem, toPem } from '../../src/pki/pem.ts'

/** `n` nested SEQUENCE headers with indefinite length (2 bytes each) closed by end-of-contents. */
function nestedSequences(n: number): Uint8Array {
  const out = new Uint8Array(n * 4)
  for (let i = 0; i < n; i++) {
    out[2 * i] = 0x30
    out[2 * i + 1] = 0x80
  }
  return out // the tail is n end-of-contents markers (00 00)
}

describe('guarded ASN.1 parsing', () => {
  it('parses a small SEQUENCE', () => {
    expect(parseAsn1(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05])).constructor.name).toBe('Sequence')
  })
  it.each([
    ['empty', new Uint8Array()],
    ['truncated', new Uint8Array([0x30, 0x82, 0x01, 0x00, 0x02])],
    ['garbage', Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff)],
    ['trailing bytes', new Uint8Array([0x05, 0x00, 0x05, 0x00])],
    ['100k nested SEQUENCE headers', nestedSequences(100_000)],
  ])('%s → ERR_MALFORMED', (_, der) => {
    expect(() => parseAsn1(der)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
  })
  it('100k nested definite-length SEQUENCEs → ERR_MALFORMED, not a stack overflow', () => {
    // Each level: 30 84 <4-byte length>, lengths consistent from the inside out.
    const n = 100_000
    const der = new Uint8Array(n * 6)
    for (let i = 0; i < n; i++) {
      const len = (n - i - 1) * 6
      der.set([0x30, 0x84, len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff], i * 6)
    }
    expect(() => parseAsn1(der)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
  })
  it('a 50 MB buffer is ERR_TOO_LARGE before parsing, everywhere', async () => {
    const big = new Uint8Array(50 * 1024 * 1024)
    big.set([0x30, 0x84, 0x03, 0x1f, 0xff, 0xfa])
    expect(() => parseAsn1(big)).toThrow(expect.objectContaining({ code: 'ERR_TOO_LARGE' }))
    expect(() => parseCsr(big)).toThrow(expect.objectContaining({ code: 'ERR_TOO_LARGE' }))
    await expect(describeCertificate(big)).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' })
  })
  it('node cap holds for wide inputs', () => {
    const n = 2000
    const der = new Uint8Array(4 + n * 2)
    der.set([0x30, 0x82, (n * 2) >> 8, (n * 2) & 0xff])
    for (let i = 0; i < n; i++) der.set([0x05, 0x00], 4 + i * 2)
    expect(() => parseAsn1(der, { maxNodes: 1000 })).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
    expect(() => parseAsn1(der)).not.toThrow()
  })
})

describe('PEM', () => {
  it('round-trips and reads several blocks', () => {
    const a = Uint8Array.from({ length: 100 }, (_, i) => i)
    const b = new Uint8Array([0x30, 0x00])
    const text = toPem(a, 'CERTIFICATE') + 'junk\n' + toPem(b, 'X509 CRL')
    expect(text.split('\n')[1]).toHaveLength(64)
    const blocks = fromPem(text)
    expect(blocks.map((x) => x.label)).toEqual(['CERTIFICATE', 'X509 CRL'])
    expect(blocks[0]!.der).toEqual(a)
    expect(decodeDerOrPem(new TextEncoder().encode(text))).toEqual(a)
    expect(decodeDerOrPem(b)).toBe(b)
  })
  it('rejects PEM without blocks and legacy encrypted PEM', () => {
    expect(() => fromPem('hello')).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
    expect(() =>
      fromPem('-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----'),
    ).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM' }))
  })
})
