/**
 * Countersignature (RFC 5652 §11.4): a SignerInfo over another signer's signature value, kept
 * in that signer's unsigned attributes — a second person (an approver, a notary) signs that the
 * first signature exists. Its signed attributes are ours (messageDigest, signingTime,
 * signingCertificateV2) without content-type, which §11.4 forbids there.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { toArrayBuffer } from './asn1.ts'
import { signedAttributes } from './cms-attributes.ts'
import { contentInfoDer, loadSignedData } from './cms.ts'
import { getCrypto } from './engine.ts'
import { parseCertificate } from './certificate-info.ts'
import { CmsOid } from './oids.ts'
import { signSignerInfo, signingKeyHash, type CmsSigningKey } from './signer-info.ts'

/** Options of {@link countersignCms}. */
export interface CountersignOptions {
  /** The countersigner's certificate (DER). */
  readonly certificate: Uint8Array
  /** Intermediate certificates to embed (DER). */
  readonly chain?: readonly Uint8Array[]
  /** Which SignerInfo to countersign (default 0). */
  readonly signerIndex?: number
  /** Defaults to now. */
  readonly signingTime?: Date
}

/** The SignerInfo at `index`, or ERR_NOT_FOUND. */
export function signerInfoAt(sd: pkijs.SignedData, index: number): pkijs.SignerInfo {
  const si = sd.signerInfos[index]
  if (!si) throw new QoltanbaError(ErrorCode.NotFound, 'no such signer in the CMS', { signerIndex: index, signers: sd.signerInfos.length })
  return si
}

/** Appends an unsigned attribute to a SignerInfo. */
export function addUnsignedAttribute(si: pkijs.SignerInfo, attribute: pkijs.Attribute): void {
  const existing = si.unsignedAttrs?.attributes ?? []
  si.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [...existing, attribute] })
}

/**
 * Countersigns one signer of `cms` with `key` and returns the whole CMS with the countersignature
 * added (OpenSSL's `cms -verify` still accepts it; the countersignature is checked by src/verifier).
 * @throws QoltanbaError ERR_MALFORMED, ERR_NOT_FOUND (no such signer), ERR_WEAK_ALGORITHM.
 */
export async function countersignCms(
  cms: Uint8Array,
  key: CmsSigningKey,
  opts: CountersignOptions,
  crypto: Crypto = getCrypto(),
): Promise<Uint8Array<ArrayBuffer>> {
  const sd = loadSignedData(cms)
  const target = signerInfoAt(sd, opts.signerIndex ?? 0)
  const cert = parseCertificate(opts.certificate)
  const hash = signingKeyHash(key)
  const signatureValue = target.signature.valueBlock.valueHexView
  const counter = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({
      type: 0,
      attributes: signedAttributes({
        messageDigest: new Uint8Array(await crypto.subtle.digest(hash, toArrayBuffer(signatureValue))),
        signingTime: opts.signingTime ?? new Date(),
        certificate: cert,
        certificateSha256: new Uint8Array(await crypto.subtle.digest('SHA-256', toArrayBuffer(opts.certificate))),
      }),
    }),
  })
  await signSignerInfo(counter, key, crypto)
  addUnsignedAttribute(target, new pkijs.Attribute({ type: CmsOid.counterSignature, values: [counter.toSchema()] }))
  const present = (sd.certificates ?? []).map((c) => new Uint8Array(c.toSchema().toBER(false)))
  const extra = [opts.certificate, ...(opts.chain ?? [])].filter((d) => !present.some((p) => p.length === d.length && p.every((b, i) => b === d[i])))
  sd.certificates = [...(sd.certificates ?? []), ...extra.map(parseCertificate)]
  if (!sd.digestAlgorithms.some((d) => d.algorithmId === counter.digestAlgorithm.algorithmId)) sd.digestAlgorithms.push(counter.digestAlgorithm)
  return contentInfoDer(sd)
}

/** The countersignatures of one signer, parsed (for tests and the verifier). */
export function countersignaturesOf(si: pkijs.SignerInfo): pkijs.SignerInfo[] {
  return (si.unsignedAttrs?.attributes ?? [])
    .filter((a) => a.type === CmsOid.counterSignature)
    .flatMap((a) => a.values.map((v) => new pkijs.SignerInfo({ schema: v as asn1js.Sequence })))
}
