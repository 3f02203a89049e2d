/**
 * CMS SignedData (RFC 5652) built with pkijs and signed on the token: the signed attributes
 * (contentType, messageDigest, signingTime) are DER-encoded as a SET and handed to `sign`.
 * Attached or detached, SHA-256, the signer certificate included — what `openssl cms -verify`
 * and NCALayer consumers expect.
 */
import { createHash } from 'node:crypto'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { sha256SignatureAlgorithm } from './csr.ts'
import type { CertificateFacts } from './certificate.ts'

const OID_DATA = '1.2.840.113549.1.7.1'
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2'
const OID_SHA256 = '2.16.840.1.101.3.4.2.1'

/** Options of `buildCms`. */
export interface BuildCmsOptions {
  readonly data: Uint8Array
  readonly detached: boolean
  readonly signer: CertificateFacts
  readonly keyAlgorithm: 'RSA' | 'EC'
  readonly sign: (signedAttributes: Uint8Array) => Uint8Array
  readonly signingTime?: Date
}

/** ContentInfo(SignedData) DER. */
export function buildCms(options: BuildCmsOptions): Uint8Array {
  const digest = createHash('sha256').update(options.data).digest()
  const sha256 = (): pkijs.AlgorithmIdentifier => new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256 })
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: OID_DATA })] }),
      new pkijs.Attribute({ type: '1.2.840.113549.1.9.5', values: [new asn1js.UTCTime({ valueDate: options.signingTime ?? new Date() })] }),
      new pkijs.Attribute({ type: '1.2.840.113549.1.9.4', values: [new asn1js.OctetString({ valueHex: digest })] }),
    ],
  })
  // The signature covers the attributes encoded as SET OF (tag 0x31), not as [0] IMPLICIT.
  const toSign = new Uint8Array(signedAttrs.toSchema().toBER())
  toSign[0] = 0x31
  const cert = options.signer.certificate
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: sha256(),
    signedAttrs,
    signatureAlgorithm: sha256SignatureAlgorithm(options.keyAlgorithm),
    signature: new asn1js.OctetString({ valueHex: options.sign(toSign) }),
  })
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [sha256()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID_DATA,
      ...(options.detached ? {} : { eContent: new asn1js.OctetString({ valueHex: options.data }) }),
    }),
    certificates: [cert],
    signerInfos: [signerInfo],
  })
  const contentInfo = new pkijs.ContentInfo({ contentType: OID_SIGNED_DATA, content: signedData.toSchema(true) })
  return new Uint8Array(contentInfo.toSchema().toBER())
}
