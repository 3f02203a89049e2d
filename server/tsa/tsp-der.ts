/**
 * RFC 3161 messages on the TSA's hot path, read and written by hand with src/pki/der-reader.ts and
 * the CA's DER writer (server/ca/der.ts), as the OCSP responder does (ocsp-der.ts): pkijs's
 * TimeStampReq and TSTInfo cost ~0.7 ms of main thread per token, as much as half the RSA-3072
 * signature the token needs (bench/tsa.ts). The signature comes from a CaSigner — a key on file or
 * on the PKCS#11 token — which pkijs's SignedData.sign could not use anyway (it takes WebCrypto
 * keys; and TimeStampResp.sign signs a copy, docs/pkijs-notes.md#timestamps-rfc-3161). Refusals,
 * off the hot path, are built with pkijs's TimeStampResp and PKIStatusInfo; the tests read every
 * answer with pkijs's TimeStampResp/TSTInfo and with OpenSSL.
 *
 * Every way a request can be wrong is a TspRejection carrying the PKIFailureInfo bit RFC 3161
 * §2.4.2 names for it; `rejectionResponse` turns it into a TimeStampResp with status rejection.
 */
import { createHash } from 'node:crypto'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { AlgorithmOid, CmsOid } from '../../src/pki/oids.ts'
import { childrenOf, DerError, expectTag, oidOf, readTlv, valueOf, type Tlv } from '../../src/pki/der-reader.ts'
import { explicit, implicitPrim, int, octetString, oid, seq, tlv, uintBytes, x509Time } from '../ca/der.ts'
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
  /** The MessageImprint DER exactly as received (echoed in the TSTInfo). */
  readonly messageImprint: Buffer
  readonly hashOid: string
  /** The nonce INTEGER DER exactly as received, when there is one. */
  readonly nonce: Buffer | undefined
  readonly certReq: boolean
}

/** A nonce longer than this is not a nonce (OpenSSL sends 8 bytes); it is refused, not echoed. */
const MAX_NONCE_BYTES = 64
/** TimeStampReq has six fields; a bound for the parser of unauthenticated input. */
const MAX_FIELDS = 8

const malformed = (why: string) => new TspRejection('badDataFormat', `the body is not a DER TimeStampReq (${why})`)

/**
 * Reads and checks a DER TimeStampReq against this TSA's `policy`. Throws TspRejection: garbage,
 * trailing bytes, fields out of order or a digest of the wrong length → badDataFormat; version ≠ 1
 * → badRequest; a hash other than SHA-256/384/512 → badAlg; another reqPolicy → unacceptedPolicy;
 * any extension → unacceptedExtension (we support none).
 */
export function parseTimeStampRequest(der: Uint8Array, policy: string): TimeStampRequest {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength)
  let fields: Tlv[]
  let imprint: { der: Buffer; hashOid: string; params: Tlv | undefined; digest: Tlv }
  try {
    const outer = readTlv(buf, 0)
    if (outer.end !== buf.length) throw new DerError('trailing data')
    fields = childrenOf(buf, expectTag(outer, 0x30, 'TimeStampReq'), MAX_FIELDS)
    const version = valueOf(buf, expectTag(fields[0], 0x02, 'version'))
    if (version.length !== 1 || version[0] !== 1) throw new TspRejection('badRequest', 'unsupported TimeStampReq version: only v1')
    const mi = expectTag(fields[1], 0x30, 'messageImprint')
    const [alg, digest, extra] = childrenOf(buf, mi, 3)
    const [algOid, params, more] = childrenOf(buf, expectTag(alg, 0x30, 'AlgorithmIdentifier'), 3)
    const oidValue = valueOf(buf, expectTag(algOid, 0x06, 'hash OID'))
    if (extra || more || oidValue.length === 0) throw new DerError('malformed messageImprint')
    imprint = { der: buf.subarray(mi.start, mi.end), hashOid: oidOf(oidValue), params, digest: expectTag(digest, 0x04, 'hashedMessage') }
  } catch (e) {
    if (e instanceof TspRejection) throw e
    throw malformed(e instanceof DerError ? e.message : 'unreadable')
  }
  const length = IMPRINT_HASHES[imprint.hashOid]
  if (length === undefined) throw new TspRejection('badAlg', `unsupported hash algorithm ${imprint.hashOid}: use SHA-256, SHA-384 or SHA-512`)
  if (imprint.params && !(imprint.params.tag === 0x05 && imprint.params.end === imprint.params.valueStart)) throw malformed('hash parameters must be absent or NULL')
  if (imprint.digest.end - imprint.digest.valueStart !== length) throw new TspRejection('badDataFormat', `the hashed message must be ${length} bytes for ${imprint.hashOid}`)

  // The optional fields, each at most once and in the order of RFC 3161 §2.4.1.
  let i = 2
  let reqPolicy: string | undefined
  let nonce: Buffer | undefined
  let certReq = false
  const next = (tag: number) => (fields[i]?.tag === tag ? fields[i++] : undefined)
  const policyT = next(0x06)
  if (policyT) {
    if (policyT.end === policyT.valueStart) throw malformed('empty reqPolicy')
    reqPolicy = oidOf(valueOf(buf, policyT))
  }
  const nonceT = next(0x02)
  if (nonceT) {
    const n = nonceT.end - nonceT.valueStart
    if (n === 0) throw malformed('empty nonce')
    if (n > MAX_NONCE_BYTES) throw new TspRejection('badDataFormat', `the nonce is longer than ${MAX_NONCE_BYTES} bytes`)
    nonce = buf.subarray(nonceT.start, nonceT.end)
  }
  const certReqT = next(0x01)
  if (certReqT) {
    if (certReqT.end - certReqT.valueStart !== 1) throw malformed('certReq is not a BOOLEAN')
    certReq = buf[certReqT.valueStart] !== 0
  }
  const extensionsT = next(0xa0)
  if (i !== fields.length) throw malformed('unexpected field')
  if (reqPolicy !== undefined && reqPolicy !== policy) throw new TspRejection('unacceptedPolicy', `this TSA issues timestamps under policy ${policy} only`)
  if (extensionsT) throw new TspRejection('unacceptedExtension', 'request extensions are not supported')
  return { messageImprint: imprint.der, hashOid: imprint.hashOid, nonce, certReq }
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

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** GeneralizedTime with milliseconds, trailing zeros of the fraction dropped (RFC 3161 §2.4.2). */
function genTimeDer(d: Date): Buffer {
  const ms = d.getUTCMilliseconds()
  const fraction = ms ? `.${pad(ms, 3).replace(/0+$/, '')}` : ''
  const s = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}${fraction}Z`
  return tlv(0x18, Buffer.from(s, 'latin1'))
}

/** Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] IMPLICIT INTEGER (1..999) OPTIONAL, … }. */
function accuracyDer(ms: number): Buffer {
  const seconds = Math.floor(ms / 1000)
  const millis = ms % 1000
  return seq(...(seconds ? [int(seconds)] : []), ...(millis ? [implicitPrim(0, int(millis).subarray(2))] : []))
}

/** The DER TSTInfo for `req`: version 1, policy, the request's imprint, serial, genTime, accuracy, nonce. */
export function buildTstInfo(req: TimeStampRequest, fields: TokenFields): Buffer {
  return seq(
    int(1),
    oid(fields.policy),
    req.messageImprint,
    int(fields.serial),
    genTimeDer(fields.genTime),
    ...(fields.accuracyMs > 0 ? [accuracyDer(fields.accuracyMs)] : []),
    ...(req.nonce ? [req.nonce] : []),
  )
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
