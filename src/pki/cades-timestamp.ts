/**
 * CAdES-T: a signature timestamp (RFC 3161 token over the SignerInfo's signature value, ETSI EN
 * 319 122-1 §5.3) kept as the unsigned attribute id-aa-signatureTimeStampToken. Adding it does not
 * touch what was signed, so a signature made offline gets its timestamp when the network returns.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { bytesEqual } from '../core/bytes.ts'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { parsePki, toArrayBuffer } from './asn1.ts'
import { contentInfoDer, loadSignedData } from './cms.ts'
import { addUnsignedAttribute, signerInfoAt } from './cades-countersign.ts'
import { getCrypto } from './engine.ts'
import { AlgorithmOid, CmsOid } from './oids.ts'
import type { SignHash } from './x509-helpers.ts'

const HASH_BY_OID: Readonly<Record<string, SignHash>> = {
  [AlgorithmOid.sha256]: 'SHA-256',
  [AlgorithmOid.sha384]: 'SHA-384',
  [AlgorithmOid.sha512]: 'SHA-512',
}

/** What a timestamp token says, read from its TSTInfo (signature not checked: src/verifier does). */
export interface TimestampTokenInfo {
  readonly genTime: Date
  readonly hash: SignHash
  readonly imprint: Uint8Array
  readonly nonce?: Uint8Array
  readonly serialNumber: Uint8Array
  readonly policy: string
}

/**
 * Reads the TSTInfo of a timestamp token (ContentInfo(SignedData) over id-ct-TSTInfo).
 * @throws QoltanbaError ERR_MALFORMED, ERR_WRONG_CONTENT_TYPE, ERR_UNSUPPORTED_ALGORITHM (imprint hash).
 */
export function readTimestampToken(token: Uint8Array): TimestampTokenInfo {
  const sd = loadSignedData(token)
  if (sd.encapContentInfo.eContentType !== CmsOid.tstInfo || !sd.encapContentInfo.eContent) {
    throw new QoltanbaError(ErrorCode.WrongContentType, 'not a timestamp token', { contentType: sd.encapContentInfo.eContentType })
  }
  const tst = parsePki(pkijs.TSTInfo, new Uint8Array(sd.encapContentInfo.eContent.getValue()), 'TSTInfo')
  const hash = HASH_BY_OID[tst.messageImprint.hashAlgorithm.algorithmId]
  if (!hash) throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, 'timestamp imprint hash not supported', { oid: tst.messageImprint.hashAlgorithm.algorithmId })
  return {
    genTime: tst.genTime,
    hash,
    imprint: tst.messageImprint.hashedMessage.valueBlock.valueHexView,
    ...(tst.nonce ? { nonce: tst.nonce.valueBlock.valueHexView } : {}),
    serialNumber: tst.serialNumber.valueBlock.valueHexView,
    policy: tst.policy,
  }
}

/**
 * The bytes a signature timestamp covers: `hash` of the signature value of signer `signerIndex`.
 * @example const imprint = await signatureTimestampImprint(p7s) // then ask the TSA (src/api/tsa-client.ts)
 */
export async function signatureTimestampImprint(
  cms: Uint8Array,
  signerIndex = 0,
  hash: SignHash = 'SHA-256',
  crypto: Crypto = getCrypto(),
): Promise<Uint8Array> {
  const si = signerInfoAt(loadSignedData(cms), signerIndex)
  return new Uint8Array(await crypto.subtle.digest(hash, toArrayBuffer(si.signature.valueBlock.valueHexView)))
}

/**
 * Adds `token` as the signature timestamp of signer `signerIndex` (CAdES-BES → CAdES-T) after
 * checking that the token's imprint is that signer's signature value.
 * @throws QoltanbaError ERR_PAYLOAD_MISMATCH (`details.reason: 'timestamp-imprint'`), ERR_MALFORMED.
 */
export async function addSignatureTimestamp(
  cms: Uint8Array,
  token: Uint8Array,
  signerIndex = 0,
  crypto: Crypto = getCrypto(),
): Promise<Uint8Array<ArrayBuffer>> {
  const info = readTimestampToken(token)
  const sd = loadSignedData(cms)
  const si = signerInfoAt(sd, signerIndex)
  const expected = new Uint8Array(await crypto.subtle.digest(info.hash, toArrayBuffer(si.signature.valueBlock.valueHexView)))
  if (!bytesEqual(expected, info.imprint)) {
    throw new QoltanbaError(ErrorCode.PayloadMismatch, 'the timestamp is not over this signature', { reason: 'timestamp-imprint' })
  }
  const tokenSchema = asn1js.fromBER(toArrayBuffer(token)).result
  addUnsignedAttribute(si, new pkijs.Attribute({ type: CmsOid.signatureTimeStampToken, values: [tokenSchema] }))
  return contentInfoDer(sd)
}

/** True when signer `signerIndex` already carries a signature timestamp. */
export function hasSignatureTimestamp(cms: Uint8Array, signerIndex = 0): boolean {
  const si = signerInfoAt(loadSignedData(cms), signerIndex)
  return (si.unsignedAttrs?.attributes ?? []).some((a) => a.type === CmsOid.signatureTimeStampToken)
}
