/**
 * An NCA GOST private key opened for signing, and the check that a certificate is its own.
 */
import * as asn1js from 'asn1js'
import { publicPointOf, signDigest } from './gost-34-10.ts'
import { digestToNumber, encodeSignature, joinPublicKey } from './gost-encoding.ts'
import { readGostPrivateKey, readGostSpki, type GostAlgorithm } from './nca-algorithms.ts'

/** A GOST private key ready to sign: hold it no longer than the signing takes. */
export interface GostSigningKey {
  readonly algorithm: GostAlgorithm
  /** The public key's X‖Y little-endian, for matching against a certificate. */
  readonly publicKey: Uint8Array
  /** Signs `data` (hashing it with the algorithm's hash): NCA's r‖s little-endian. */
  sign(data: Uint8Array): Uint8Array
}

/**
 * Opens an NCA GOST PKCS#8 PrivateKeyInfo for signing.
 *
 * @throws QoltanbaError ERR_MALFORMED, ERR_UNSUPPORTED_ALGORITHM (details.gost; 'gost-key-format'
 *   for 2015 keys, whose storage no real file here proves).
 */
export function openGostPrivateKey(pkcs8: Uint8Array, random?: (bytes: Uint8Array) => Uint8Array): GostSigningKey {
  const { algorithm, d } = readGostPrivateKey(pkcs8)
  const curve = algorithm.curve()
  const q = publicPointOf(curve, d).toAffine()
  return {
    algorithm,
    publicKey: joinPublicKey(curve, q.x, q.y),
    sign: (data) => encodeSignature(curve, signDigest(curve, d, digestToNumber(algorithm.digest(data)), random)),
  }
}

/** True when `spki` (a certificate's SubjectPublicKeyInfo) holds the public half of `key`. */
export function gostKeyMatchesSpki(key: GostSigningKey, spki: Uint8Array): boolean {
  const info = readGostSpki(spki)
  if (info.algorithm !== key.algorithm || info.octets.length !== key.publicKey.length) return false
  return info.octets.every((b, i) => b === key.publicKey[i])
}

/** The SubjectPublicKeyInfo of `key` in NCA's form: {key OID, {curve, hash}}, BIT STRING { OCTET STRING X‖Y }. */
export function gostSpkiOf(key: GostSigningKey): Uint8Array {
  const { algorithm } = key
  const identifier = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: algorithm.keyOid }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: algorithm.curveOid }), new asn1js.ObjectIdentifier({ value: algorithm.keyHashParamsOid })] }),
    ],
  })
  const octets = new asn1js.OctetString({ valueHex: key.publicKey.slice().buffer })
  return new Uint8Array(new asn1js.Sequence({ value: [identifier, new asn1js.BitString({ valueHex: octets.toBER(false) })] }).toBER(false))
}
