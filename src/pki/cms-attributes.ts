/**
 * CMS signed attributes (RFC 5652 §11, RFC 5035): contentType, signingTime, messageDigest and
 * ESS signingCertificateV2, DER-sorted. pkijs keeps the SET OF in the order given (issue #402),
 * which Bouncy Castle/DSS verifiers reject, so we sort the encodings ourselves.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { toArrayBuffer } from './asn1.ts'
import { AlgorithmOid, CmsOid } from './oids.ts'

/** X.690 §11.6: SET OF elements ordered by their encodings as octet strings. */
export function compareDer(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

/** Attributes sorted by their DER encoding. */
export function sortAttributes(attributes: readonly pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER(false)) }))
  return encoded.sort((x, y) => compareDer(x.der, y.der)).map((x) => x.a)
}

/** UTCTime until 2049, GeneralizedTime after, whole seconds (RFC 5652 §11.3). */
function timeValue(date: Date): asn1js.UTCTime | asn1js.GeneralizedTime {
  const valueDate = new Date(Math.floor(date.getTime() / 1000) * 1000)
  const y = valueDate.getUTCFullYear()
  return y >= 1950 && y < 2050 ? new asn1js.UTCTime({ valueDate }) : new asn1js.GeneralizedTime({ valueDate })
}

/**
 * signingCertificateV2 with one ESSCertIDv2 (SHA-256 cert hash, so hashAlgorithm is omitted as
 * the DEFAULT) and issuerSerial binding the hash to the signer's certificate.
 */
function signingCertificateV2(cert: pkijs.Certificate, certSha256: Uint8Array): asn1js.Sequence {
  const issuerSerial = new pkijs.IssuerSerial({
    issuer: new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: cert.issuer })] }),
    serialNumber: cert.serialNumber,
  })
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: toArrayBuffer(certSha256) }), issuerSerial.toSchema()],
  })
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] })
}

/** Inputs of {@link signedAttributes}. */
export interface SignedAttributesInput {
  /** Absent in a countersignature (RFC 5652 §11.4: it MUST NOT carry content-type). */
  readonly contentType?: string
  readonly messageDigest: Uint8Array
  readonly signingTime: Date
  readonly certificate: pkijs.Certificate
  /** SHA-256 of the signer certificate's DER. */
  readonly certificateSha256: Uint8Array
}

/** The four signed attributes (three without a content type), DER-sorted. */
export function signedAttributes(input: SignedAttributesInput): pkijs.Attribute[] {
  const contentType = input.contentType === undefined
    ? []
    : [new pkijs.Attribute({ type: CmsOid.contentType, values: [new asn1js.ObjectIdentifier({ value: input.contentType })] })]
  return sortAttributes([
    ...contentType,
    new pkijs.Attribute({ type: CmsOid.signingTime, values: [timeValue(input.signingTime)] }),
    new pkijs.Attribute({
      type: CmsOid.messageDigest,
      values: [new asn1js.OctetString({ valueHex: toArrayBuffer(input.messageDigest) })],
    }),
    new pkijs.Attribute({
      type: CmsOid.signingCertificateV2,
      values: [signingCertificateV2(input.certificate, input.certificateSha256)],
    }),
  ])
}

/**
 * The certHash of the first ESSCertID(v2) and its hash algorithm OID, if present. signingCertificate
 * (v1, RFC 2634) always hashes with SHA-1 and has no hashAlgorithm field; signingCertificateV2
 * (RFC 5035) has an OPTIONAL hashAlgorithm with DEFAULT SHA-256.
 */
export function essCertHash(attr: pkijs.Attribute | undefined): { hashOid: string; hash: Uint8Array } | undefined {
  const seq = attr?.values[0] as asn1js.Sequence | undefined
  const certs = seq?.valueBlock.value[0] as asn1js.Sequence | undefined
  const first = certs?.valueBlock.value[0] as asn1js.Sequence | undefined
  if (!first) return undefined
  const [alg, next] = first.valueBlock.value
  if (attr?.type === CmsOid.signingCertificate) {
    return alg instanceof asn1js.OctetString ? { hashOid: AlgorithmOid.sha1, hash: alg.valueBlock.valueHexView } : undefined
  }
  // v2: the first element is either the hashAlgorithm or, when it is the default, the certHash.
  const explicit = alg instanceof asn1js.Sequence
  const hashOid = explicit ? new pkijs.AlgorithmIdentifier({ schema: alg }).algorithmId : AlgorithmOid.sha256
  const hash = explicit ? next : alg
  return hash instanceof asn1js.OctetString ? { hashOid, hash: hash.valueBlock.valueHexView } : undefined
}

/** The signingTime attribute's date, if present. */
export function signingTimeOf(attr: pkijs.Attribute | undefined): Date | undefined {
  const v = attr?.values[0]
  if (v instanceof asn1js.UTCTime || v instanceof asn1js.GeneralizedTime) return v.toDate()
  return undefined
}
