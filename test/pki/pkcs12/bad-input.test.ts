/**
 * Hostile and broken input: every case ends in a typed QoltanbaError (never a result, never a
 * library message, never a hang).
 */
import { readFileSync } from 'node:fs'
import * as asn1js from 'asn1js'
import { beforeAll, describe, expect, it } from 'vitest'
import { QoltanbaError } from '../../../src/core/errors.ts'
import { readPkcs12, writePkcs12 } from '../../../src/pki/pkcs12/index.ts'
import { Pkcs12Oid, Pkcs12PbeOid } from '../../../src/pki/oids.ts'
import { encryptPbes2Aes256 } from '../../../src/pki/pkcs12/pbe.ts'
import { authSafeOf, authSafeWithKeyBag, buildPfx, flipInside, piecesOf, rawMacData, replaceBytes } from './forge-pfx.ts'

const NCA = new Uint8Array(
  readFileSync(new URL('../../fixtures/nca-test-keys/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12', import.meta.url)),
)
const NCA_PASSWORD = 'Qwerty12'
const SHA1 = '1.3.14.3.2.26'

/** DER of an OBJECT IDENTIFIER (tag, length, value) for byte-level surgery. */
function oidDer(oid: string): Uint8Array {
  const parts = oid.split('.').map(Number)
  const body: number[] = [parts[0]! * 40 + parts[1]!]
  for (const part of parts.slice(2)) {
    const chunk = [part & 0x7f]
    for (let v = part >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80)
    body.push(...chunk)
  }
  return new Uint8Array([0x06, body.length, ...body])
}

async function failure(promise: Promise<unknown>): Promise<QoltanbaError> {
  let result: unknown
  try {
    result = await promise
  } catch (e) {
    expect(e).toBeInstanceOf(QoltanbaError)
    return e as QoltanbaError
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(result)}`)
}

// A small legacy file of our own (2,048 iterations keeps the table fast), key + certificate.
let ours: Uint8Array
const OURS_PASSWORD = 'pw'

beforeAll(async () => {
  const nca = await readPkcs12(NCA, NCA_PASSWORD)
  ours = await writePkcs12({
    entries: [{ pkcs8: nca.keys[0]!.pkcs8, certificate: nca.certificates[0]!.der }],
    password: OURS_PASSWORD,
    compatibility: 'legacy',
  })
})

describe('malformed and oversized input', () => {
  const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) & 0xff)
  const nested = new Uint8Array(200_000).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80))

  it.each([
    ['empty input', () => new Uint8Array(0), 'ERR_MALFORMED'],
    ['garbage bytes', () => garbage, 'ERR_MALFORMED'],
    ['the NCA file cut in half', () => NCA.subarray(0, NCA.length >> 1), 'ERR_MALFORMED'],
    ['the NCA file missing its last byte', () => NCA.subarray(0, NCA.length - 1), 'ERR_MALFORMED'],
    ['the NCA file with trailing garbage', () => new Uint8Array([...NCA, 1, 2, 3]), 'ERR_MALFORMED'],
    ['100,000 nested indefinite-length SEQUENCEs', () => nested, 'ERR_MALFORMED'],
    ['a 50 MB file', () => new Uint8Array(50 * 1024 * 1024), 'ERR_TOO_LARGE'],
    ['DER that is not a PFX (an OID)', () => oidDer('1.2.3.4'), 'ERR_MALFORMED'],
  ] as const)('%s → %s', async (_name, input, code) => {
    const error = await failure(readPkcs12(input(), NCA_PASSWORD))
    expect(error.code).toBe(code)
  })

  it('a non-Uint8Array argument → ERR_MALFORMED', async () => {
    const error = await failure(readPkcs12('not bytes' as unknown as Uint8Array, 'x'))
    expect(error.code).toBe('ERR_MALFORMED')
  })

  it('a PFX of version 2 → ERR_MALFORMED', async () => {
    const error = await failure(readPkcs12(await buildPfx(authSafeOf(ours), { password: OURS_PASSWORD }, 2), OURS_PASSWORD))
    expect(error.code).toBe('ERR_MALFORMED')
  })
})

describe('wrong password and tampering (MAC checked first)', () => {
  it('a wrong password → ERR_WRONG_PASSWORD', async () => {
    expect((await failure(readPkcs12(NCA, 'Qwerty13'))).code).toBe('ERR_WRONG_PASSWORD')
    expect((await failure(readPkcs12(ours, 'PW'))).code).toBe('ERR_WRONG_PASSWORD')
  })

  it.each([
    ['the MAC value', 'macDigest'],
    ['the encrypted certificate safe', 'certCiphertext'],
    ['the encrypted key', 'keyCiphertext'],
  ] as const)('one flipped bit in %s of the NCA file, right password → ERR_MAC_MISMATCH', async (_name, piece) => {
    const tampered = flipInside(NCA, piecesOf(NCA)[piece])
    const error = await failure(readPkcs12(tampered, NCA_PASSWORD))
    expect(error.code).toBe('ERR_MAC_MISMATCH')
  })

  it('the same tampered file with a wrong password → ERR_WRONG_PASSWORD', async () => {
    const tampered = flipInside(NCA, piecesOf(NCA).certCiphertext)
    expect((await failure(readPkcs12(tampered, 'nope'))).code).toBe('ERR_WRONG_PASSWORD')
  })

  it('a valid MAC over pieces encrypted under another password (OpenSSL -twopass) → ERR_MALFORMED', async () => {
    const { keys, certificates } = await readPkcs12(ours, OURS_PASSWORD)
    const otherFile = await writePkcs12({
      entries: [{ pkcs8: keys[0]!.pkcs8, certificate: certificates[0]!.der }],
      password: 'another',
      compatibility: 'legacy',
    })
    const remac = await buildPfx(authSafeOf(otherFile), { password: OURS_PASSWORD })
    expect((await failure(readPkcs12(remac, OURS_PASSWORD))).code).toBe('ERR_MALFORMED')
  })

  it('a file without MAC whose pieces do not decrypt → ERR_WRONG_PASSWORD', async () => {
    const noMac = (await buildPfx(authSafeOf(ours), { password: OURS_PASSWORD })).slice()
    // Drop the MacData: rebuild the outer SEQUENCE with version and authSafe only.
    const outer = asn1js.fromBER(noMac).result as asn1js.Sequence
    const stripped = new asn1js.Sequence({ value: outer.valueBlock.value.slice(0, 2) })
    const bytes = new Uint8Array(stripped.toBER(false))
    expect((await readPkcs12(bytes, OURS_PASSWORD)).keys).toHaveLength(1)
    expect((await failure(readPkcs12(bytes, 'wrong'))).code).toBe('ERR_WRONG_PASSWORD')
  })
})

describe('algorithms we do not implement → ERR_UNSUPPORTED_ALGORITHM', () => {
  it('an unknown PBE scheme (under a valid MAC) names its OID', async () => {
    const unknown = '1.2.840.113549.1.12.1.9'
    const authSafe = replaceBytes(authSafeOf(ours), oidDer(Pkcs12PbeOid.sha1And3KeyTripleDesCbc), oidDer(unknown))
    const error = await failure(readPkcs12(await buildPfx(authSafe, { password: OURS_PASSWORD }), OURS_PASSWORD))
    expect(error.code).toBe('ERR_UNSUPPORTED_ALGORITHM')
    expect(error.details.oid).toBe(unknown)
  })

  it('public-key privacy (envelopedData safe)', async () => {
    const authSafe = replaceBytes(authSafeOf(ours), oidDer(Pkcs12Oid.encryptedData), oidDer(Pkcs12Oid.envelopedData))
    const error = await failure(readPkcs12(await buildPfx(authSafe, { password: OURS_PASSWORD }), OURS_PASSWORD))
    expect(error.code).toBe('ERR_UNSUPPORTED_ALGORITHM')
  })

  it('2^31−1 PBKDF2 iterations in a key bag under a valid MAC (would hang)', async () => {
    const { algorithm, ciphertext } = await encryptPbes2Aes256(new Uint8Array(16), OURS_PASSWORD, 2000, crypto)
    // AlgorithmIdentifier → PBES2-params → keyDerivationFunc → PBKDF2-params → iterationCount
    const pbes2 = algorithm.valueBlock.value[1] as asn1js.Sequence
    const kdf = (pbes2.valueBlock.value[0] as asn1js.Sequence).valueBlock.value[1] as asn1js.Sequence
    kdf.valueBlock.value[1] = new asn1js.Integer({ value: 2 ** 31 - 1 })
    const p12 = await buildPfx(authSafeWithKeyBag(algorithm, ciphertext), { password: OURS_PASSWORD })
    const error = await failure(readPkcs12(p12, OURS_PASSWORD))
    expect(error.code).toBe('ERR_UNSUPPORTED_ALGORITHM')
    expect(error.details.reason).toBe('iteration_count')
  })

  it.each([
    ['PBMAC1 (RFC 9579)', Pkcs12Oid.pbmac1, 2048],
    ['an HMAC-SHA224 MAC', '2.16.840.1.101.3.4.2.4', 2048],
    ['2^31−1 MAC iterations (would hang)', SHA1, 2 ** 31 - 1],
  ] as const)('%s', async (_name, oid, iterations) => {
    const mac = rawMacData(oid, new Uint8Array(20), new Uint8Array(8), iterations)
    const error = await failure(readPkcs12(await buildPfx(authSafeOf(ours), mac), OURS_PASSWORD))
    expect(error.code).toBe('ERR_UNSUPPORTED_ALGORITHM')
  })
})
