/**
 * The raw-signature seam: how pki's CSR and CMS builders sign with a key they cannot hold — a
 * key on a token behind PKCS#11 (agent/). pki encodes exactly the bytes to be signed and the
 * signer returns the signature in X.509/CMS form; everything else (attributes, algorithm
 * identifiers, ESS signingCertificateV2) is the same code as the WebCrypto path.
 *
 * Synchronous on purpose: the agent runs each token operation inside one synchronous PKCS#11
 * session (agent/pkcs11/session.ts), so the seam must not yield in the middle of it.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { AlgorithmOid } from './oids.ts'
import type { SignHash } from './x509-helpers.ts'

/** A key held elsewhere that signs the bytes it is given. */
export interface RawSigner {
  /** RSA signs RSASSA-PKCS1-v1_5, EC signs ECDSA. */
  readonly keyAlgorithm: 'RSA' | 'EC'
  /** The hash the signature uses (default SHA-256). */
  readonly hash?: SignHash
  /**
   * Signs `data` (a TBS, or the DER SET of signed attributes): hashes it with {@link hash} and
   * returns PKCS#1 v1.5 signature bytes (RSA) or a DER Ecdsa-Sig-Value (ECDSA).
   */
  sign(data: Uint8Array): Uint8Array
}

/** A raw signer that can also hash synchronously (the CMS content and certificate digests). */
export interface RawCmsSigner extends RawSigner {
  /** `hash` of `data`, synchronously (node:crypto's createHash on the agent). */
  digest(hash: SignHash, data: Uint8Array): Uint8Array
}

const RSA_OIDS: Readonly<Record<SignHash, string>> = {
  'SHA-256': AlgorithmOid.sha256WithRsa,
  'SHA-384': AlgorithmOid.sha384WithRsa,
  'SHA-512': AlgorithmOid.sha512WithRsa,
}
const ECDSA_OIDS: Readonly<Record<SignHash, string>> = {
  'SHA-256': AlgorithmOid.ecdsaWithSha256,
  'SHA-384': AlgorithmOid.ecdsaWithSha384,
  'SHA-512': AlgorithmOid.ecdsaWithSha512,
}

/** The hash a raw signer uses (refusing anything but the SHA-2 family, as the WebCrypto path does). */
export function rawSignerHash(signer: RawSigner): SignHash {
  const hash = signer.hash ?? 'SHA-256'
  if (!(hash in RSA_OIDS)) throw new QoltanbaError(ErrorCode.WeakAlgorithm, `refusing to sign with ${String(hash)}`, { hash: String(hash) })
  return hash
}

/**
 * The signatureAlgorithm a raw signer produces, written as pkijs writes it for a CryptoKey:
 * sha256WithRSAEncryption with NULL parameters, ecdsa-with-SHA256 without parameters.
 */
export function rawSignatureAlgorithm(signer: RawSigner): pkijs.AlgorithmIdentifier {
  const hash = rawSignerHash(signer)
  return signer.keyAlgorithm === 'RSA'
    ? new pkijs.AlgorithmIdentifier({ algorithmId: RSA_OIDS[hash], algorithmParams: new asn1js.Null() })
    : new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_OIDS[hash] })
}
