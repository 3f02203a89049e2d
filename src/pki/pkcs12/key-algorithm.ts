/** Tells RSA, EC and GOST private keys apart by their PKCS#8 algorithm OID. */
import * as pkijs from 'pkijs'
import { AlgorithmOid, RUSSIAN_GOST_ARC, isGostOid } from '../oids.ts'
import type { Pkcs12KeyAlgorithm } from './types.ts'

/** The algorithm family of a key OID (PrivateKeyInfo.privateKeyAlgorithm). */
function keyAlgorithmOf(oid: string): Pkcs12KeyAlgorithm {
  if (oid === AlgorithmOid.rsaEncryption || oid === AlgorithmOid.rsassaPss) return 'RSA'
  if (oid === AlgorithmOid.ecPublicKey) return 'EC'
  if (isGostOid(oid) || oid === RUSSIAN_GOST_ARC || oid.startsWith(`${RUSSIAN_GOST_ARC}.`)) return 'GOST'
  return 'unknown'
}

/** The algorithm family of a parsed PrivateKeyInfo. */
export function keyAlgorithm(info: pkijs.PrivateKeyInfo): Pkcs12KeyAlgorithm {
  return keyAlgorithmOf(info.privateKeyAlgorithm.algorithmId)
}
