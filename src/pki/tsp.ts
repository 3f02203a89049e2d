/**
 * RFC 3161 wire format on the client side: a TimeStampReq with a nonce and certReq, and the
 * TimeStampResp checked against what was asked (status granted, the same imprint, the same
 * nonce) before its token is used. The token's signature and the TSA's certificate are judged by
 * src/verifier, not here.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { bytesEqual, toHex } from '../core/bytes.ts'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { parsePki, toArrayBuffer } from './asn1.ts'
import { readTimestampToken, type TimestampTokenInfo } from './cades-timestamp.ts'
import { digestAlgorithm } from './signer-info.ts'
import { getCrypto } from './engine.ts'
import type { SignHash } from './x509-helpers.ts'

/** A request ready to send, and what its reply must match. */
export interface TimestampRequest {
  /** DER TimeStampReq (body of `application/timestamp-query`). */
  readonly der: Uint8Array<ArrayBuffer>
  readonly hash: SignHash
  readonly imprint: Uint8Array
  /** The nonce as the INTEGER's content octets. */
  readonly nonce: Uint8Array
}

/**
 * Builds a TimeStampReq over `imprint` with a fresh 64-bit nonce and certReq TRUE (the token
 * then carries the TSA certificate, so a verifier needs nothing else).
 */
export function createTimestampRequest(imprint: Uint8Array, hash: SignHash = 'SHA-256', crypto: Crypto = getCrypto()): TimestampRequest {
  const nonce = crypto.getRandomValues(new Uint8Array(8))
  // A positive INTEGER in minimal form: clear the sign bit, keep the first octet non-zero.
  nonce[0] = (nonce[0]! & 0x7f) | 0x01
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: digestAlgorithm(hash),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(imprint) }),
    }),
    nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
    certReq: true,
  })
  return { der: new Uint8Array(req.toSchema().toBER(false)), hash, imprint, nonce }
}

/** PKIStatus values that carry a token (RFC 3161 §2.4.2). */
const GRANTED = new Set([0, 1])

/**
 * Checks a TimeStampResp against `request` and returns the token (ContentInfo DER) with its TSTInfo.
 * @throws QoltanbaError ERR_MALFORMED (not a reply), ERR_CA_UNAVAILABLE (`details.tsaStatus`: the
 *   TSA refused), ERR_PAYLOAD_MISMATCH (`details.reason`: 'timestamp-imprint' | 'timestamp-nonce').
 */
export function readTimestampResponse(der: Uint8Array, request: TimestampRequest): { token: Uint8Array<ArrayBuffer>; info: TimestampTokenInfo } {
  const resp = parsePki(pkijs.TimeStampResp, der, 'TimeStampResp')
  const status = resp.status.status
  if (!GRANTED.has(status) || !resp.timeStampToken) {
    throw new QoltanbaError(ErrorCode.CaUnavailable, 'the timestamp authority refused the request', {
      tsaStatus: status,
      ...(resp.status.failInfo ? { failInfo: toHex(resp.status.failInfo.valueBlock.valueHexView) } : {}),
    })
  }
  const token = new Uint8Array(resp.timeStampToken.toSchema().toBER(false))
  const info = readTimestampToken(token)
  if (info.hash !== request.hash || !bytesEqual(info.imprint, request.imprint)) {
    throw new QoltanbaError(ErrorCode.PayloadMismatch, 'the timestamp is over other data', { reason: 'timestamp-imprint' })
  }
  if (!info.nonce || !bytesEqual(stripZeros(info.nonce), stripZeros(request.nonce))) {
    throw new QoltanbaError(ErrorCode.PayloadMismatch, 'the timestamp reply answers another request', { reason: 'timestamp-nonce' })
  }
  return { token, info }
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0
  while (i < b.length - 1 && b[i] === 0) i++
  return b.subarray(i)
}
