/**
 * Signing one SignerInfo's signed attributes with either kind of key pki meets: a WebCrypto
 * CryptoKey (browser containers, tests) or a {@link RawSigner} (a token behind the agent). The
 * co-sign and countersign builders (cades-*.ts) build SignerInfos outside a fresh SignedData, so
 * they cannot lean on pkijs's `SignedData.sign`; this is that step, for both key kinds.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { toArrayBuffer } from './asn1.ts'
import { DIGEST_OIDS } from './cms.ts'
import { rawSignatureAlgorithm, rawSignerHash, type RawSigner } from './raw-signer.ts'
import { signingHash, signTbs, type SignHash } from './x509-helpers.ts'

/** A key that signs CMS: a CryptoKey (with an optional ECDSA hash) or a raw signer. */
export type CmsSigningKey =
  | { readonly privateKey: CryptoKey; readonly hash?: SignHash }
  | { readonly rawSigner: RawSigner }

/** The hash `key` signs with (SHA-1-bound RSA keys are refused with ERR_WEAK_ALGORITHM). */
export function signingKeyHash(key: CmsSigningKey): SignHash {
  return 'rawSigner' in key ? rawSignerHash(key.rawSigner) : signingHash(key.privateKey, key.hash)
}

/** AlgorithmIdentifier of a SHA-2 digest, with NULL parameters as pkijs writes it. */
export function digestAlgorithm(hash: SignHash): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OIDS[hash], algorithmParams: new asn1js.Null() })
}

/**
 * Fills `signerInfo`'s digestAlgorithm, signatureAlgorithm and signature: the signature covers the
 * signed attributes encoded as SET OF (tag 0x31, RFC 5652 §5.4), not as the [0] IMPLICIT field.
 */
export async function signSignerInfo(signerInfo: pkijs.SignerInfo, key: CmsSigningKey, crypto: Crypto): Promise<void> {
  const hash = signingKeyHash(key)
  const attrs = signerInfo.signedAttrs as pkijs.SignedAndUnsignedAttributes
  const tbs = new Uint8Array(attrs.toSchema().toBER(false))
  tbs[0] = 0x31
  signerInfo.digestAlgorithm = digestAlgorithm(hash)
  if ('rawSigner' in key) {
    signerInfo.signatureAlgorithm = rawSignatureAlgorithm(key.rawSigner)
    signerInfo.signature = new asn1js.OctetString({ valueHex: toArrayBuffer(key.rawSigner.sign(tbs)) })
    return
  }
  // signTbs turns WebCrypto's raw ECDSA r||s into the DER Ecdsa-Sig-Value CMS wants.
  const { signatureAlgorithm, signature } = await signTbs(tbs, key.privateKey, hash, crypto)
  signerInfo.signatureAlgorithm = signatureAlgorithm
  signerInfo.signature = new asn1js.OctetString({ valueHex: toArrayBuffer(signature) })
}
