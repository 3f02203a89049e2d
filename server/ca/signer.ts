/**
 * The CA's signing keys behind one synchronous interface, so certificate, CRL and OCSP builders
 * do not care whether the key is a decrypted PKCS#8 file (Node KeyObject) or lives in a PKCS#11
 * token. Synchronous on purpose: Node's `crypto.sign` and pkcs11js `C_Sign` are both synchronous
 * and faster than their promise forms (docs/protocols.md#signing-speed-in-node: 37.8k vs 19k
 * P-256 signatures/s), and signing a 300-byte TBS is far shorter than a thread-pool round trip.
 */
import { createPublicKey, sign as nodeSign, type KeyObject } from 'node:crypto'
import { NULL, oid, seq } from './der.ts'
import { AlgorithmOid } from '../../src/pki/oids.ts'

/** Key algorithms a CA key may use (see hierarchy.ts for why RSA-3072 is the default). */
export type CaKeyAlgorithm = 'RSA-3072' | 'P-256'

/** A CA signing key. */
export interface CaSigner {
  /** 'RSA' → sha256WithRSAEncryption, 'EC' → ecdsa-with-SHA256. */
  readonly keyType: 'RSA' | 'EC'
  /** SubjectPublicKeyInfo DER of the key. */
  readonly spki: Buffer
  /** AlgorithmIdentifier DER of the signatures this signer makes. */
  readonly signatureAlgorithm: Buffer
  /** Signs `data` (hashing with SHA-256); ECDSA signatures are DER Ecdsa-Sig-Value. */
  sign(data: Buffer): Buffer
  /**
   * The same off the main thread where the key allows it (Node's thread pool for software keys),
   * so issuance overlaps signing with other requests' database work.
   */
  signAsync(data: Buffer): Promise<Buffer>
  /** Releases token sessions; no-op for software keys. */
  close(): void
}

const SHA256_RSA = seq(oid(AlgorithmOid.sha256WithRsa), NULL)
const ECDSA_SHA256 = seq(oid(AlgorithmOid.ecdsaWithSha256))

/** The AlgorithmIdentifier for a key type. */
export function signatureAlgorithmFor(keyType: 'RSA' | 'EC'): Buffer {
  return keyType === 'RSA' ? SHA256_RSA : ECDSA_SHA256
}

/** A signer over a Node private KeyObject (software key from an encrypted PKCS#8 file). */
export function softwareSigner(privateKey: KeyObject): CaSigner {
  const keyType = privateKey.asymmetricKeyType === 'rsa' ? 'RSA' : privateKey.asymmetricKeyType === 'ec' ? 'EC' : undefined
  if (!keyType) throw new Error(`unsupported CA key type ${privateKey.asymmetricKeyType}`)
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' })
  return {
    keyType,
    spki,
    signatureAlgorithm: signatureAlgorithmFor(keyType),
    sign: (data) => nodeSign('sha256', data, privateKey),
    signAsync: (data) =>
      new Promise((resolve, reject) => nodeSign('sha256', data, privateKey, (err, sig) => (err ? reject(err) : resolve(sig)))),
    close: () => {},
  }
}
