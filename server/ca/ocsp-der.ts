/**
 * OCSP (RFC 6960) requests parsed and responses built by hand: the responder's hot path must
 * not allocate asn1js trees (see der.ts). The parser is strict and bounded; anything it cannot
 * read is a malformedRequest, never an exception escaping to a 500.
 */
import { AlgorithmOid, OcspOid } from '../../src/pki/oids.ts'
import { childrenOf, DerError, expectTag, oidOf, readTlv, valueOf, type Tlv } from '../../src/pki/der-reader.ts'
import { bitString, enumerated, explicit, generalizedTime, octetString, oid, seq } from './der.ts'
import type { CaSigner } from './signer.ts'


/** OCSPResponseStatus values other than successful. */
export const OcspStatus = { malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 } as const

/** Hash algorithms accepted in CertID → Node hash names. */
export const CERTID_HASHES: Readonly<Record<string, string>> = {
  [AlgorithmOid.sha1]: 'sha1',
  [AlgorithmOid.sha256]: 'sha256',
  [AlgorithmOid.sha384]: 'sha384',
  [AlgorithmOid.sha512]: 'sha512',
}

/** One CertID of a request. */
export interface RequestedCert {
  /** The CertID DER exactly as received (echoed in the response). */
  readonly certId: Buffer
  readonly hashOid: string
  readonly issuerNameHash: Buffer
  readonly issuerKeyHash: Buffer
  /** Lowercase hex of the serial without sign padding; undefined for a negative serial. */
  readonly serialHex: string | undefined
}

export interface ParsedOcspRequest {
  readonly certs: readonly RequestedCert[]
  /** The whole nonce Extension DER to echo, when asked for. */
  readonly nonceExtension: Buffer | undefined
}

/** Most CertIDs one request may carry; more is refused as malformed. */
const MAX_CERTS_PER_REQUEST = 20

/** Most elements one SEQUENCE may hold: a bound for a parser of unauthenticated requests. */
const MAX_ELEMENTS = 10_000
const children = (buf: Uint8Array, t: Tlv): Tlv[] => childrenOf(buf, t, MAX_ELEMENTS)

/** The dotted OID in `t`; an empty one is malformed. */
function oidAt(buf: Uint8Array, t: Tlv): string {
  if (t.end === t.valueStart) throw new DerError('empty OID')
  return oidOf(valueOf(buf, t))
}

function parseCertId(buf: Buffer, t: Tlv): RequestedCert {
  const [alg, nameHash, keyHash, serial] = children(buf, expectTag(t, 0x30, 'CertID'))
  const algOid = children(buf, expectTag(alg, 0x30, 'AlgorithmIdentifier'))[0]
  const hashOid = oidAt(buf, expectTag(algOid, 0x06, 'OID'))
  const nh = expectTag(nameHash, 0x04, 'issuerNameHash')
  const kh = expectTag(keyHash, 0x04, 'issuerKeyHash')
  const s = expectTag(serial, 0x02, 'serialNumber')
  if (s.end === s.valueStart) throw new DerError('empty serial')
  let p = s.valueStart
  const negative = ((buf[p] as number) & 0x80) !== 0
  while (p < s.end - 1 && buf[p] === 0) p++
  return {
    certId: buf.subarray(t.start, t.end),
    hashOid,
    issuerNameHash: buf.subarray(nh.valueStart, nh.end),
    issuerKeyHash: buf.subarray(kh.valueStart, kh.end),
    serialHex: negative ? undefined : buf.subarray(p, s.end).toString('hex'),
  }
}

/** Parses an OCSPRequest DER; throws DerError on anything malformed. */
export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength)
  const outer = readTlv(buf, 0)
  if (outer.end !== buf.length) throw new DerError('trailing data')
  const [tbsT] = children(buf, expectTag(outer, 0x30, 'OCSPRequest'))
  const tbs = children(buf, expectTag(tbsT, 0x30, 'TBSRequest'))
  let i = 0
  if (tbs[i]?.tag === 0xa0) i++ // version
  if (tbs[i]?.tag === 0xa1) i++ // requestorName
  const list = children(buf, expectTag(tbs[i++], 0x30, 'requestList'))
  if (list.length === 0 || list.length > MAX_CERTS_PER_REQUEST) throw new DerError('bad request count')
  const certs = list.map((r) => parseCertId(buf, children(buf, expectTag(r, 0x30, 'Request'))[0] as Tlv))
  let nonceExtension: Buffer | undefined
  const extsT = tbs[i]
  if (extsT) {
    const exts = children(buf, expectTag(children(buf, expectTag(extsT, 0xa2, 'requestExtensions'))[0], 0x30, 'Extensions'))
    for (const e of exts) {
      const [id] = children(buf, expectTag(e, 0x30, 'Extension'))
      if (oidAt(buf, expectTag(id, 0x06, 'OID')) === OcspOid.nonce) nonceExtension = buf.subarray(e.start, e.end)
    }
  }
  return { certs, nonceExtension }
}

/** Certificate status for one SingleResponse. */
export type CertStatus =
  | { readonly status: 'good' }
  | { readonly status: 'unknown' }
  | { readonly status: 'revoked'; readonly revokedAt: Date; readonly reason: number }

/** Encodes a CertStatus ([0] good, [1] revoked, [2] unknown). */
function certStatusDer(s: CertStatus): Buffer {
  if (s.status === 'good') return Buffer.from([0x80, 0x00])
  if (s.status === 'unknown') return Buffer.from([0x82, 0x00])
  // revoked [1] IMPLICIT RevokedInfo { revocationTime, [0] EXPLICIT CRLReason }
  const inner = Buffer.concat([generalizedTime(s.revokedAt), explicit(0, enumerated(s.reason))])
  return Buffer.concat([Buffer.from([0xa1, inner.length]), inner])
}

/** One SingleResponse. */
export function singleResponse(certId: Buffer, status: CertStatus, thisUpdate: Date, nextUpdate: Date): Buffer {
  return seq(certId, certStatusDer(status), generalizedTime(thisUpdate), explicit(0, generalizedTime(nextUpdate)))
}

/** The responder's fixed parts: byKey ResponderID and the certificates to embed. */
export interface ResponderIdentity {
  /** SHA-1 of the responder's public key bits. */
  readonly keyHash: Buffer
  /** Responder certificate DER (embedded so clients can check the delegation). */
  readonly certificate: Buffer
  readonly signer: CaSigner
}

/** Builds a signed successful OCSPResponse around SingleResponses. */
export function signOcspResponse(id: ResponderIdentity, singles: readonly Buffer[], producedAt: Date, nonceExtension?: Buffer): Buffer {
  const tbs = seq(
    explicit(2, octetString(id.keyHash)),
    generalizedTime(producedAt),
    seq(...singles),
    ...(nonceExtension ? [explicit(1, seq(nonceExtension))] : []),
  )
  const basic = seq(tbs, id.signer.signatureAlgorithm, bitString(id.signer.sign(tbs)), explicit(0, seq(id.certificate)))
  return seq(enumerated(0), explicit(0, seq(oid(OcspOid.basicResponse), octetString(basic))))
}

/** An unsuccessful OCSPResponse (no responseBytes). */
export function ocspError(status: number): Buffer {
  return seq(enumerated(status))
}
