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
