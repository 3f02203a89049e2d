/**
 * What an existing signature file holds, for the signer who is about to add to it (co-sign,
 * countersign): whether the document is inside, which SHA-256 it is over, and who signed (with or
 * without a timestamp). A summary for display and for refusing a file of another document early —
 * not a verification (src/verifier judges validity).
 */
import * as asn1js from 'asn1js'
import type * as pkijs from 'pkijs'
import { toArrayBuffer } from './asn1.ts'
import { describeCertificate, type CertificateInfo } from './certificate-info.ts'
import { loadSignedData } from './cms.ts'
import { getCrypto } from './engine.ts'
import { AlgorithmOid, CmsOid } from './oids.ts'

/** One signer of a signature file. */
export interface SignatureFileSigner {
  /** Absent when the file does not carry the signer's certificate. */
  readonly certificate?: CertificateInfo
  readonly timestamped: boolean
  readonly countersigned: boolean
}

/** Summary of a CMS signature file. */
export interface SignatureFileSummary {
  /** True when the document is not inside (a .p7s next to it). */
  readonly detached: boolean
  /** SHA-256 values the file is over: computed from embedded content, or the SHA-256 signers' messageDigests. */
  readonly sha256: readonly Uint8Array[]
  readonly signers: readonly SignatureFileSigner[]
}

function certificateOf(sd: pkijs.SignedData, si: pkijs.SignerInfo): pkijs.Certificate | undefined {
  const sid = si.sid as pkijs.IssuerAndSerialNumber
  if (!('serialNumber' in sid)) return undefined
  return (sd.certificates ?? []).find(
    (c): c is pkijs.Certificate =>
      'serialNumber' in c && 'issuer' in c && (c as pkijs.Certificate).serialNumber.isEqual(sid.serialNumber) && (c as pkijs.Certificate).issuer.isEqual(sid.issuer),
  )
}

/**
 * Reads a signature file (no size limit of its own: the caller read it from a file the user picked).
 * @throws QoltanbaError ERR_MALFORMED (not a CMS SignedData).
 */
export async function describeSignatureFile(cms: Uint8Array, crypto: Crypto = getCrypto()): Promise<SignatureFileSummary> {
  const sd = loadSignedData(cms, Number.MAX_SAFE_INTEGER)
  const embedded = sd.encapContentInfo.eContent
  const sha256: Uint8Array[] = []
  if (embedded) sha256.push(new Uint8Array(await crypto.subtle.digest('SHA-256', toArrayBuffer(new Uint8Array(embedded.getValue())))))
  else {
    for (const si of sd.signerInfos) {
      if (si.digestAlgorithm.algorithmId !== AlgorithmOid.sha256) continue
      const md = si.signedAttrs?.attributes.find((a) => a.type === CmsOid.messageDigest)?.values[0]
      if (md instanceof asn1js.OctetString) sha256.push(md.valueBlock.valueHexView)
    }
  }
  const signers: SignatureFileSigner[] = []
  for (const si of sd.signerInfos) {
    const cert = certificateOf(sd, si)
    const unsigned = si.unsignedAttrs?.attributes ?? []
    signers.push({
      ...(cert ? { certificate: await describeCertificate(new Uint8Array(cert.toSchema().toBER(false)), crypto) } : {}),
      timestamped: unsigned.some((a) => a.type === CmsOid.signatureTimeStampToken),
      countersigned: unsigned.some((a) => a.type === CmsOid.counterSignature),
    })
  }
  return { detached: !embedded, sha256, signers }
}
