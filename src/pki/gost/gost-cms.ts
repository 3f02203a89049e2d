/**
 * CMS SignedData with an NCA GOST key (sign-in and documents): the same SignedData, attributes and
 * ESS signingCertificateV2 as `signCmsRaw`, with GOST's digest (GOST 34.311-95 or Streebog-512) for
 * the content and GOST's signature over the DER SET of signed attributes, r‖s little-endian as
 * NCA's tools write it. The certificate's ESS hash stays SHA-256, as NCA's CMS carry it.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { sha256 } from '@noble/hashes/sha2.js'
import { ErrorCode } from '../../core/error-codes.ts'
import { QoltanbaError } from '../../core/errors.ts'
import { contentInfoDer, parseCertificates, unsignedSignedData, type CmsContent } from '../cms.ts'
import { gostKeyMatchesSpki, type GostSigningKey } from './signing-key.ts'
import { gostDigest, verifyGostSignature } from './verify.ts'

/**
 * Signs `opts.data` with a GOST key into a DER ContentInfo(SignedData).
 *
 * @throws QoltanbaError ERR_KEY_MISMATCH (the certificate is not the key's),
 *   ERR_VALIDATION (a precomputed digest: GOST signing hashes the content itself), ERR_MALFORMED.
 */
export function signGostCms(opts: CmsContent, key: GostSigningKey): Uint8Array<ArrayBuffer> {
  if (opts.messageDigest) {
    throw new QoltanbaError(ErrorCode.Validation, 'GOST signing hashes the content itself', { gost: true })
  }
  const certificates = parseCertificates(opts)
  const spki = new Uint8Array(certificates.cert.subjectPublicKeyInfo.toSchema().toBER(false))
  if (!gostKeyMatchesSpki(key, spki)) throw new QoltanbaError(ErrorCode.KeyMismatch, 'the certificate is not this GOST key’s', { gost: true })
  const sd = unsignedSignedData(opts, certificates, { content: key.algorithm.digest(opts.data), certificateSha256: sha256(opts.certificate) })
  const digestAlgorithm = () => new pkijs.AlgorithmIdentifier({ algorithmId: key.algorithm.digestOid, algorithmParams: new asn1js.Null() })
  const signerInfo = sd.signerInfos[0] as pkijs.SignerInfo
  sd.digestAlgorithms = [digestAlgorithm()]
  signerInfo.digestAlgorithm = digestAlgorithm()
  signerInfo.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: key.algorithm.signatureOid, algorithmParams: new asn1js.Null() })
  const signedAttrs = new Uint8Array((signerInfo.signedAttrs as pkijs.SignedAndUnsignedAttributes).toSchema().toBER(false))
  signedAttrs[0] = 0x31
  const signature = key.sign(signedAttrs)
  signerInfo.signature = new asn1js.OctetString({ valueHex: signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength) as ArrayBuffer })
  return contentInfoDer(sd)
}

/**
 * Checks a GOST CMS made by {@link signGostCms} over `data` (the keystore's "check the key"):
 * messageDigest and the signature with the embedded signer certificate. Trust is not decided here
 * (src/verifier does that for sign-in and documents). Resolves the signer certificate's DER, or
 * undefined when anything does not verify.
 */
export function checkGostCms(cms: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  try {
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms.slice().buffer).content })
    const info = sd.signerInfos[0]
    const cert = sd.certificates?.[0]
    if (!info?.signedAttrs || !(cert instanceof pkijs.Certificate)) return undefined
    const spki = new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false))
    const messageDigest = info.signedAttrs.attributes.find((a) => a.type === '1.2.840.113549.1.9.4')?.values[0]
    const digest = gostDigest(info.digestAlgorithm.algorithmId, data)
    if (!(messageDigest instanceof asn1js.OctetString) || !digest) return undefined
    const expected = messageDigest.valueBlock.valueHexView
    if (expected.length !== digest.length || expected.some((b, i) => b !== digest[i])) return undefined
    const signed = new Uint8Array(info.signedAttrs.toSchema().toBER(false))
    signed[0] = 0x31
    const ok = verifyGostSignature(spki, info.signatureAlgorithm.algorithmId, signed, new Uint8Array(info.signature.valueBlock.valueHexView))
    return ok ? new Uint8Array(cert.toSchema().toBER(false)) : undefined
  } catch {
    return undefined
  }
}
