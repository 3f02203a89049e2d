/**
 * Co-signing (several signers in one CMS, as NCA and SIGEX collect them): the SignerInfos of a
 * new signature over the same document are added to an existing SignedData. Working on two
 * finished signatures lets every signer take part — a browser key, a token through our agent, or
 * NCALayer — since each produces an ordinary CMS and only the merge is ours.
 */
import * as asn1js from 'asn1js'
import type * as pkijs from 'pkijs'
import { bytesEqual, sameBytes } from '../core/bytes.ts'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { contentInfoDer, loadSignedData } from './cms.ts'
import { CmsOid } from './oids.ts'

const der = (o: { toSchema(): asn1js.BaseBlock }): Uint8Array => new Uint8Array(o.toSchema().toBER(false))

/** messageDigest of a SignerInfo, with its digest algorithm OID. */
function messageDigestOf(si: pkijs.SignerInfo): { oid: string; digest: Uint8Array } | undefined {
  const value = si.signedAttrs?.attributes.find((a) => a.type === CmsOid.messageDigest)?.values[0]
  return value instanceof asn1js.OctetString ? { oid: si.digestAlgorithm.algorithmId, digest: value.valueBlock.valueHexView } : undefined
}

/** The embedded content, if any. */
function embeddedContent(sd: pkijs.SignedData): Uint8Array | undefined {
  const e = sd.encapContentInfo.eContent
  return e ? new Uint8Array(e.getValue()) : undefined
}

/**
 * Adds the signers of `added` to `existing`: one SignedData with every SignerInfo, the union of
 * certificates and digest algorithms, and the existing one's content form (attached stays
 * attached, detached stays detached).
 * @throws QoltanbaError ERR_MALFORMED (not SignedData), ERR_WRONG_CONTENT_TYPE (not id-data),
 *   ERR_PAYLOAD_MISMATCH (`details.reason: 'different-document'` — the two sign different content).
 * @example const both = mergeSignatures(aliceP7s, (await signer.signCms({ data, detached: true })).cms)
 */
export function mergeSignatures(existing: Uint8Array, added: Uint8Array, maxBytes?: number): Uint8Array<ArrayBuffer> {
  const target = loadSignedData(existing, maxBytes)
  const source = loadSignedData(added, maxBytes)
  for (const sd of [target, source]) {
    if (sd.encapContentInfo.eContentType !== CmsOid.data) {
      throw new QoltanbaError(ErrorCode.WrongContentType, 'only signatures over data can be co-signed', { contentType: sd.encapContentInfo.eContentType })
    }
  }
  const [a, b] = [embeddedContent(target), embeddedContent(source)]
  if (a && b && !sameBytes(a, b)) throw new QoltanbaError(ErrorCode.PayloadMismatch, 'the signatures cover different documents', { reason: 'different-document' })
  // Detached on both sides: the messageDigests under a shared hash must agree.
  for (const x of target.signerInfos.map(messageDigestOf)) {
    for (const y of source.signerInfos.map(messageDigestOf)) {
      if (x && y && x.oid === y.oid && !bytesEqual(x.digest, y.digest)) {
        throw new QoltanbaError(ErrorCode.PayloadMismatch, 'the signatures cover different documents', { reason: 'different-document' })
      }
    }
  }
  const known = (target.certificates ?? []).map((c) => der(c))
  const certificates = [...(target.certificates ?? [])]
  for (const c of source.certificates ?? []) {
    const encoded = der(c)
    if (!known.some((k) => sameBytes(k, encoded))) {
      known.push(encoded)
      certificates.push(c)
    }
  }
  target.certificates = certificates
  for (const alg of source.digestAlgorithms) {
    if (!target.digestAlgorithms.some((d) => d.algorithmId === alg.algorithmId)) target.digestAlgorithms.push(alg)
  }
  target.signerInfos = [...target.signerInfos, ...source.signerInfos]
  target.version = Math.max(target.version, source.version)
  return contentInfoDer(target)
}
