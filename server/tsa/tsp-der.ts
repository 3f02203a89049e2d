/**
 * RFC 3161 messages: the TimeStampReq is read and the TSTInfo built with pkijs's classes (one
 * small tree per request), the token's SignedData around it is written by hand with the CA's DER
 * writer (server/ca/der.ts), because the signature must come from a CaSigner — a key on file or
 * on the PKCS#11 token — and pkijs's SignedData.sign only takes a WebCrypto key. (pkijs's
 * TimeStampResp.sign would not help either: it signs a copy and leaves the response unchanged,
 * docs/pkijs-notes.md#timestamps-rfc-3161.)
 *
 * Every way a request can be wrong is a TspRejection carrying the PKIFailureInfo bit RFC 3161
 * §2.4.2 names for it; `rejectionResponse` turns it into a TimeStampResp with status rejection.
 */
import { createHash } from 'node:crypto'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { AlgorithmOid, CmsOid } from '../../src/pki/oids.ts'
import { explicit, int, octetString, oid, seq, tlv, uintBytes, x509Time } from '../ca/der.ts'
import type { CaSigner } from '../ca/signer.ts'

/** Hash algorithms of the message imprint we timestamp, with their digest lengths. SHA-1 is refused. */
export const IMPRINT_HASHES: Readonly<Record<string, number>> = {
  [AlgorithmOid.sha256]: 32,
  [AlgorithmOid.sha384]: 48,
  [AlgorithmOid.sha512]: 64,
}

/** PKIFailureInfo bit numbers (RFC 3161 §2.4.2) that this TSA answers with. */
export const FailInfo = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  systemFailure: 25,
} as const
export type FailInfoName = keyof typeof FailInfo

/** A request the TSA refuses, with the failure bit and a short English status string. */
export class TspRejection extends Error {
  constructor(
    readonly failInfo: FailInfoName,
    message: string,
  ) {
    super(message)
    this.name = 'TspRejection'
  }
}

/** The parts of a TimeStampReq the TSA uses. */
export interface TimeStampRequest {
  readonly messageImprint: pkijs.MessageImprint
  readonly nonce: asn1js.Integer | undefined
  readonly certReq: boolean
}

/** A nonce longer than this is not a nonce (OpenSSL sends 8 bytes); it is refused, not echoed. */
const MAX_NONCE_BYTES = 64

/**
 * Reads and checks a DER TimeStampReq against this TSA's `policy`. Throws TspRejection: garbage,
 * trailing bytes or a digest of the wrong length → badDataFormat; version ≠ 1 → badRequest; a
 * hash other than SHA-256/384/512 → badAlg; another reqPolicy → unacceptedPolicy; any extension
 * → unacceptedExtension (we support none).
 */
export function parseTimeStampRequest(der: Uint8Array, policy: string): TimeStampRequest {
  let req: pkijs.TimeStampReq
  try {
    const asn1 = asn1js.fromBER(der)
    if (asn1.offset === -1 || asn1.offset !== der.byteLength) throw new Error('not one DER value')
    req = new pkijs.TimeStampReq({ schema: asn1.result })
  } catch {
    throw new TspRejection('badDataFormat', 'the body is not a DER TimeStampReq')
  }
  if (req.version !== 1) throw new TspRejection('badRequest', `unsupported TimeStampReq version ${req.version}`)
  const hashOid = req.messageImprint.hashAlgorithm.algorithmId
  const length = IMPRINT_HASHES[hashOid]
  if (length === undefined) throw new TspRejection('badAlg', `unsupported hash algorithm ${hashOid}: use SHA-256, SHA-384 or SHA-512`)
  const params = req.messageImprint.hashAlgorithm.algorithmParams as asn1js.AsnType | undefined
  if (params !== undefined && !(params instanceof asn1js.Null)) throw new TspRejection('badDataFormat', 'hash algorithm parameters must be absent or NULL')
  if (req.messageImprint.hashedMessage.valueBlock.valueHexView.byteLength !== length) {
    throw new TspRejection('badDataFormat', `the hashed message must be ${length} bytes for ${hashOid}`)
  }
  if (req.reqPolicy !== undefined && req.reqPolicy !== policy) throw new TspRejection('unacceptedPolicy', `this TSA issues timestamps under policy ${policy} only`)
  if (req.extensions?.length) throw new TspRejection('unacceptedExtension', 'request extensions are not supported')
  if (req.nonce && req.nonce.valueBlock.valueHexView.byteLength > MAX_NONCE_BYTES) throw new TspRejection('badDataFormat', `the nonce is longer than ${MAX_NONCE_BYTES} bytes`)
  return { messageImprint: req.messageImprint, nonce: req.nonce, certReq: req.certReq === true }
}

/** The TSA's certificate as the token names it. */
export interface TsaIdentity {
  readonly der: Buffer
  readonly issuer: Buffer
  /** Serial INTEGER content bytes. */
  readonly serial: Buffer
}

/** What goes into one token besides the request. */
export interface TokenFields {
  readonly policy: string
  readonly serial: bigint
  readonly genTime: Date
  /** Accuracy in milliseconds (0: none stated). */
  readonly accuracyMs: number
}

/** The DER TSTInfo for `req`. */
export function buildTstInfo(req: TimeStampRequest, fields: TokenFields): Buffer {
  const seconds = Math.floor(fields.accuracyMs / 1000)
  const millis = fields.accuracyMs % 1000
  const tst = new pkijs.TSTInfo({
    version: 1,
    policy: fields.policy,
    messageImprint: req.messageImprint,
    serialNumber: asn1js.Integer.fromBigInt(fields.serial),
    genTime: fields.genTime,
    ...(fields.accuracyMs > 0 ? { accuracy: new pkijs.Accuracy({ ...(seconds ? { seconds } : {}), ...(millis ? { millis } : {}) }) } : {}),
    ...(req.nonce ? { nonce: req.nonce } : {}),
  })
  return Buffer.from(tst.toSchema().toBER(false))
}

const attribute = (type: string, value: Buffer): Buffer => seq(oid(type), tlv(0x31, value))
const SHA256_ID = seq(oid(AlgorithmOid.sha256))

/**
 * The signed attributes, DER-sorted as a SET OF must be (a verifier re-encodes them before it
 * checks the signature): contentType, signingTime, messageDigest and signingCertificateV2 (RFC
 * 5816: ESSCertIDv2 with SHA-256, the default algorithm left out) binding the token to the TSA
 * certificate, which `openssl ts -verify` requires.
 */
function signedAttributes(tstInfo: Buffer, tsa: TsaIdentity, certHash: Buffer, genTime: Date): Buffer[] {
  const issuerSerial = seq(seq(explicit(4, tsa.issuer)), uintBytes(tsa.serial))
  return [
    attribute(CmsOid.contentType, oid(CmsOid.tstInfo)),
    attribute(CmsOid.signingTime, x509Time(genTime)),
    attribute(CmsOid.messageDigest, octetString(createHash('sha256').update(tstInfo).digest())),
    attribute(CmsOid.signingCertificateV2, seq(seq(seq(octetString(certHash), issuerSerial)))),
  ].sort(Buffer.compare)
}

/**
 * Signs `tstInfo` as a TimeStampToken (ContentInfo of SignedData, RFC 3161 §2.4.2) and wraps it in
 * a granted TimeStampResp. `certHash` is SHA-256 of the TSA certificate (computed once by the
 * caller). The certificate is included when the request asked (certReq).
 */
export async function grantedResponse(tstInfo: Buffer, tsa: TsaIdentity, certHash: Buffer, signer: CaSigner, certReq: boolean, genTime: Date): Promise<Buffer> {
  const attrs = signedAttributes(tstInfo, tsa, certHash, genTime)
  const signature = await signer.signAsync(tlv(0x31, ...attrs))
  const signerInfo = seq(
    int(1),
    seq(tsa.issuer, uintBytes(tsa.serial)),
    SHA256_ID,
    tlv(0xa0, ...attrs),
    signer.signatureAlgorithm,
    octetString(signature),
  )
  const signedData = seq(
    int(3), // RFC 5652 §5.1: the eContentType is not id-data
    tlv(0x31, SHA256_ID),
    seq(oid(CmsOid.tstInfo), explicit(0, octetString(tstInfo))),
    ...(certReq ? [tlv(0xa0, tsa.der)] : []),
    tlv(0x31, signerInfo),
  )
  const token = seq(oid(CmsOid.signedData), explicit(0, signedData))
  return seq(seq(int(0)), token)
}

/** A named BIT STRING with one bit set (DER: no trailing zero bits). */
function failInfoBits(bit: number): asn1js.BitString {
  const bytes = new Uint8Array((bit >> 3) + 1)
  bytes[bit >> 3] = 0x80 >> (bit & 7)
  return new asn1js.BitString({ valueHex: bytes, unusedBits: bytes.length * 8 - 1 - bit })
}

/**
 * A TimeStampResp with status rejection, the reason as statusString and the failure bit (none
 * for a rate limit: RFC 3161 has no bit for "too many requests", and the HTTP status says it).
 */
export function rejectionResponse(rejection: { readonly failInfo?: FailInfoName | undefined; readonly message: string }): Buffer {
  const resp = new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({
      status: pkijs.PKIStatus.rejection,
      statusStrings: [new asn1js.Utf8String({ value: rejection.message })],
      ...(rejection.failInfo ? { failInfo: failInfoBits(FailInfo[rejection.failInfo]) } : {}),
    }),
  })
  return Buffer.from(resp.toSchema().toBER(false))
}
