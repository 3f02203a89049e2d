/** selectWebCryptoKeys: the step that turns GOST-only files into ERR_UNSUPPORTED_ALGORITHM { gost }. */
import { describe, expect, it } from 'vitest'
import { selectWebCryptoKeys, type Pkcs12Contents, type Pkcs12KeyAlgorithm } from '../../../src/pki/pkcs12/index.ts'

const contents = (...algorithms: Pkcs12KeyAlgorithm[]): Pkcs12Contents => ({
  keys: algorithms.map((algorithm, i) => ({ pkcs8: new Uint8Array([i]), algorithm })),
  certificates: [],
})

describe('selectWebCryptoKeys', () => {
  it('keeps RSA and EC keys, in order, and drops the others when some are usable', () => {
    expect(selectWebCryptoKeys(contents('GOST', 'RSA', 'EC')).map((k) => k.algorithm)).toEqual(['RSA', 'EC'])
  })

  it('returns nothing for a certificates-only file', () => {
    expect(selectWebCryptoKeys(contents())).toEqual([])
  })

  it.each([
    [['GOST'], true],
    [['unknown'], false],
    [['unknown', 'GOST'], true],
  ] as const)('%j → ERR_UNSUPPORTED_ALGORITHM, gost: %s', (algorithms, gost) => {
    expect(() => selectWebCryptoKeys(contents(...algorithms))).toThrowError(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM', details: expect.objectContaining({ gost }) }),
    )
  })
})
