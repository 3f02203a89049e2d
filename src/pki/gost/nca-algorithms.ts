/**
 * NCA's GOST algorithms as data: which curve, which hash and which sizes each key and signature
 * OID means, and the readers for the SubjectPublicKeyInfo and PKCS#8 forms NCA writes. Anything
 * under the GOST arcs that is not in this table (the 2015 256-bit family, Russian CryptoPro keys,
 * unknown parameter sets) is refused with ERR_UNSUPPORTED_ALGORITHM and `details.gost = true`.
 */
import { ErrorCode } from '../../core/error-codes.ts'
import { QoltanbaError } from '../../core/errors.ts'
import { childrenOf, expectTag, oidOf, readTlv, valueOf, type Tlv } from '../der-reader.ts'
import { GostOid } from '../oids.ts'
import { gostCurve, type GostCurve } from './curves.ts'
import { gostR341194 } from './gost-r-34-11-94.ts'
import { bigEndianToNumber } from './gost-encoding.ts'
import { streebog512 } from './streebog.ts'

/** One NCA GOST key/signature family. */
export interface GostAlgorithm {
  /** As NCA names it to people. */
  readonly name: 'GOST 34.310-2004' | 'GOST 34.10-2015 (512)'
  readonly keyOid: string
  readonly curveOid: string
  /** The hash named in the key's parameters (2004: the test S-box parameter set). */
  readonly keyHashParamsOid: string
  readonly signatureOid: string
  readonly digestOid: string
  readonly curve: () => GostCurve
  readonly digest: (data: Uint8Array) => Uint8Array
}

export const GOST_2004: GostAlgorithm = {
  name: 'GOST 34.310-2004',
  keyOid: GostOid.key2004,
  curveOid: GostOid.curve2004A,
  keyHashParamsOid: GostOid.digest34311TestParams,
  signatureOid: GostOid.signature2004,
  digestOid: GostOid.digest34311,
  curve: () => gostCurve('cryptopro-a'),
  digest: gostR341194,
}

export const GOST_2015_512: GostAlgorithm = {
  name: 'GOST 34.10-2015 (512)',
  keyOid: GostOid.key2015x512,
  curveOid: GostOid.curve2015x512A,
  keyHashParamsOid: GostOid.digest2015x512,
  signatureOid: GostOid.signature2015x512,
  digestOid: GostOid.digest2015x512,
  curve: () => gostCurve('tc26-512-a'),
  digest: streebog512,
}

const ALGORITHMS = [GOST_2004, GOST_2015_512]

function unsupported(oid: string, what: string): QoltanbaError {
  return new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `GOST ${what} ${oid} is not supported`, { oid, gost: true })
}

function malformed(what: string, cause?: unknown): QoltanbaError {
  return new QoltanbaError(ErrorCode.Malformed, `GOST ${what} is malformed`, { gost: true }, { cause })
}

/** The algorithm of a signature OID, or undefined for anything else. */
export function gostAlgorithmBySignature(oid: string): GostAlgorithm | undefined {
  return ALGORITHMS.find((a) => a.signatureOid === oid)
}

/** The algorithm of a digest OID (CMS digestAlgorithm), or undefined. */
export function gostAlgorithmByDigest(oid: string): GostAlgorithm | undefined {
  return ALGORITHMS.find((a) => a.digestOid === oid)
}

/**
 * The algorithm of a key from its AlgorithmIdentifier (OID and the {curve, hash} parameters).
 *
 * @throws QoltanbaError ERR_UNSUPPORTED_ALGORITHM (details.gost) for an unknown key or curve,
 *   ERR_MALFORMED for parameters that are not a SEQUENCE starting with an OID.
 */
export function gostAlgorithmOfKey(der: Uint8Array, algorithmIdentifier: Tlv): GostAlgorithm {
  let keyOid: string
  let curveOid: string
  try {
    const [oid, params] = childrenOf(der, expectTag(algorithmIdentifier, 0x30), 2)
    keyOid = oidOf(valueOf(der, expectTag(oid, 0x06)))
    const [curve] = childrenOf(der, expectTag(params, 0x30, 'GOST key parameters'), 3)
    curveOid = oidOf(valueOf(der, expectTag(curve, 0x06)))
  } catch (e) {
    throw malformed('key parameters', e)
  }
  const algorithm = ALGORITHMS.find((a) => a.keyOid === keyOid)
  if (!algorithm) throw unsupported(keyOid, 'key')
  if (algorithm.curveOid !== curveOid) throw unsupported(curveOid, 'curve')
  return algorithm
}

/** A GOST public key read from a SubjectPublicKeyInfo: its algorithm and X‖Y little-endian. */
export interface GostPublicKeyInfo {
  readonly algorithm: GostAlgorithm
  /** X‖Y little-endian, as the OCTET STRING inside the BIT STRING holds them. */
  readonly octets: Uint8Array
}

/**
 * Reads an NCA GOST SubjectPublicKeyInfo: BIT STRING { OCTET STRING X‖Y }.
 *
 * @throws QoltanbaError ERR_MALFORMED, ERR_UNSUPPORTED_ALGORITHM (details.gost).
 */
export function readGostSpki(spki: Uint8Array): GostPublicKeyInfo {
  let algorithmTlv: Tlv
  let octets: Uint8Array
  try {
    const seq = readTlv(spki, 0)
    if (seq.end !== spki.length) throw new Error('trailing bytes')
    const [alg, bits] = childrenOf(spki, expectTag(seq, 0x30), 2)
    algorithmTlv = expectTag(alg, 0x30)
    const bitString = valueOf(spki, expectTag(bits, 0x03))
    if (bitString[0] !== 0) throw new Error('unused bits')
    const inner = bitString.subarray(1)
    const octetTlv = readTlv(inner, 0)
    if (octetTlv.end !== inner.length) throw new Error('trailing bytes in the key')
    octets = valueOf(inner, expectTag(octetTlv, 0x04))
  } catch (e) {
    if (e instanceof QoltanbaError) throw e
    throw malformed('public key', e)
  }
  return { algorithm: gostAlgorithmOfKey(spki, algorithmTlv), octets }
}

/**
 * The private scalar of an NCA GOST PKCS#8 PrivateKeyInfo. The 2004 form (the sample GOSTKNCA
 * file) wraps a big-endian INTEGER in the privateKey OCTET STRING. No real 2015 file or published
 * vector shows how NCA stores a 2015 key, so those are refused rather than guessed.
 *
 * @throws QoltanbaError ERR_MALFORMED, ERR_UNSUPPORTED_ALGORITHM (details.gost; details.reason
 *   'gost-key-format' for a 2015 key).
 */
export function readGostPrivateKey(pkcs8: Uint8Array): { algorithm: GostAlgorithm; d: bigint } {
  let algorithmTlv: Tlv
  let keyBytes: Uint8Array
  try {
    const seq = readTlv(pkcs8, 0)
    if (seq.end !== pkcs8.length) throw new Error('trailing bytes')
    const [version, alg, key] = childrenOf(pkcs8, expectTag(seq, 0x30), 4)
    expectTag(version, 0x02)
    algorithmTlv = expectTag(alg, 0x30)
    keyBytes = valueOf(pkcs8, expectTag(key, 0x04))
  } catch (e) {
    throw malformed('private key', e)
  }
  const algorithm = gostAlgorithmOfKey(pkcs8, algorithmTlv)
  if (algorithm !== GOST_2004) {
    throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `${algorithm.name} private keys are not supported yet`, {
      oid: algorithm.keyOid,
      gost: true,
      reason: 'gost-key-format',
    })
  }
  let d: bigint
  try {
    const integer = readTlv(keyBytes, 0)
    if (integer.end !== keyBytes.length) throw new Error('trailing bytes')
    const value = valueOf(keyBytes, expectTag(integer, 0x02))
    if (value.length === 0 || (value[0]! & 0x80) !== 0) throw new Error('negative or empty')
    d = bigEndianToNumber(value)
  } catch (e) {
    throw malformed('private key', e)
  }
  const { q } = algorithm.curve()
  if (d <= 0n || d >= q) {
    throw new QoltanbaError(ErrorCode.Malformed, 'GOST private key is out of range', { gost: true, reason: 'scalar-out-of-range' })
  }
  return { algorithm, d }
}
