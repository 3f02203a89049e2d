/**
 * CMS SignedData (RFC 5652): sign data attached or detached with the four signed attributes,
 * and verify a signature, reporting who signed. Trust (chain, revocation) is the caller's
 * decision: verifyCms checks the signature, the digest and the ESS certificate binding only.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { parsePki, toArrayBuffer } from './asn1.ts'
import { parseCertificate, describeCertificate, type CertificateInfo } from './certificate-info.ts'
import { essCertHash, signedAttributes, signingTimeOf } from './cms-attributes.ts'
import { getCrypto, getEngine } from './engine.ts'
import { asMalformed, ErrorCode, QoltanbaError } from '../core/errors.ts'
import { AlgorithmOid, CmsOid, isGostOid } from './oids.ts'
import { isWebCryptoSignature, signatureAlgorithmName } from './public-key.ts'
import { bytesEqual } from '../core/bytes.ts'
import { rawSignatureAlgorithm, rawSignerHash, type RawCmsSigner } from './raw-signer.ts'
import { signingHash, type SignHash } from './x509-helpers.ts'

/** What a CMS signature covers, whoever signs it. */
export interface CmsContent {
  readonly data: Uint8Array
  /** The signer's certificate (DER); it must certify the signing key's public key. */
  readonly certificate: Uint8Array
  /** Intermediate certificates to embed (DER). */
  readonly chain?: readonly Uint8Array[]
  /** Leave the content out (a .p7s next to the document). Default false. */
  readonly detached?: boolean
  /** Defaults to now. */
  readonly signingTime?: Date
  /**
   * The content's digest under the signing hash, computed elsewhere (a large file hashed in a
   * stream, src/composables/file-hash.ts). Only with `detached`; `data` is then not read.
   */
  readonly messageDigest?: Uint8Array
}

/** Options of {@link signCms}. */
export interface SignCmsOptions extends CmsContent {
  readonly privateKey: CryptoKey
  /** ECDSA hash (default by curve); RSA keys use their bound hash. */
  readonly hash?: SignHash
}

/** The signer's certificate and the chain, parsed (ERR_MALFORMED before any hashing). */
export function parseCertificates(opts: CmsContent): { cert: pkijs.Certificate; chain: pkijs.Certificate[] } {
  return { cert: parseCertificate(opts.certificate), chain: (opts.chain ?? []).map(parseCertificate) }
}

/** SignedData with one SignerInfo carrying the four signed attributes, not yet signed (gost/gost-cms.ts too). */
export function unsignedSignedData(
  opts: CmsContent,
  certificates: { cert: pkijs.Certificate; chain: pkijs.Certificate[] },
  digests: { content: Uint8Array; certificateSha256: Uint8Array },
): pkijs.SignedData {
  const { cert, chain } = certificates
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({
      type: 0,
      attributes: signedAttributes({
        contentType: CmsOid.data,
        messageDigest: digests.content,
        signingTime: opts.signingTime ?? new Date(),
        certificate: cert,
        certificateSha256: digests.certificateSha256,
      }),
    }),
  })
  const sd = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: CmsOid.data }),
    signerInfos: [signerInfo],
    certificates: [cert, ...chain],
  })
  // Set after construction: the constructor would re-chunk it into a BER constructed string.
  if (!opts.detached) sd.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: toArrayBuffer(opts.data) })
  return sd
}

/** The DER ContentInfo wrapping `sd` (co-sign, countersign and timestamps re-encode with it). */
export function contentInfoDer(sd: pkijs.SignedData): Uint8Array<ArrayBuffer> {
  const ci = new pkijs.ContentInfo({ contentType: CmsOid.signedData, content: sd.toSchema(true) })
  return new Uint8Array(ci.toSchema().toBER(false))
}

/**
 * Signs `data` into a DER ContentInfo(SignedData).
 * @throws QoltanbaError ERR_WEAK_ALGORITHM (RSA key bound to SHA-1), ERR_MALFORMED (certificate).
 * @example const p7s = await signCms({ data, privateKey, certificate, detached: true })
 */
export async function signCms(opts: SignCmsOptions, crypto: Crypto = getCrypto()): Promise<Uint8Array<ArrayBuffer>> {
  const certificates = parseCertificates(opts)
  const hash = signingHash(opts.privateKey, opts.hash)
  const sd = unsignedSignedData(opts, certificates, {
    content: await contentDigest(opts, hash, (d) => crypto.subtle.digest(hash, toArrayBuffer(d)).then((b) => new Uint8Array(b))),
    certificateSha256: new Uint8Array(await crypto.subtle.digest('SHA-256', toArrayBuffer(opts.certificate))),
  })
  await sd.sign(opts.privateKey, 0, hash, undefined, getEngine(crypto))
  return contentInfoDer(sd)
}

/**
 * {@link signCms} for a key pki cannot hold (a token): the DER SET of signed attributes goes to
 * `signer.sign`. The same attributes as the WebCrypto path, ESS signingCertificateV2 included.
 * Synchronous, see raw-signer.ts.
 * @throws QoltanbaError ERR_MALFORMED (certificate), ERR_WEAK_ALGORITHM (hash).
 */
export function signCmsRaw(opts: CmsContent, signer: RawCmsSigner): Uint8Array<ArrayBuffer> {
  const certificates = parseCertificates(opts)
  const hash = rawSignerHash(signer)
  const sd = unsignedSignedData(opts, certificates, {
    content: presetDigest(opts, hash) ?? signer.digest(hash, opts.data),
    certificateSha256: signer.digest('SHA-256', opts.certificate),
  })
  // What pkijs's SignedData.sign does for a CryptoKey, with the signature made by `signer`.
  const digestAlgorithm = (): pkijs.AlgorithmIdentifier =>
    new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OIDS[hash], algorithmParams: new asn1js.Null() })
  const signerInfo = sd.signerInfos[0] as pkijs.SignerInfo
  sd.digestAlgorithms = [digestAlgorithm()]
  signerInfo.digestAlgorithm = digestAlgorithm()
  signerInfo.signatureAlgorithm = rawSignatureAlgorithm(signer)
  // The signature covers the attributes encoded as SET OF (tag 0x31), not as [0] IMPLICIT.
  const signedAttrs = new Uint8Array((signerInfo.signedAttrs as pkijs.SignedAndUnsignedAttributes).toSchema().toBER(false))
  signedAttrs[0] = 0x31
  signerInfo.signature = new asn1js.OctetString({ valueHex: toArrayBuffer(signer.sign(signedAttrs)) })
  return contentInfoDer(sd)
}

const DIGEST_LENGTHS: Readonly<Record<SignHash, number>> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }

/** A caller's precomputed digest, checked to fit a detached signature and the hash (else undefined). */
function presetDigest(opts: CmsContent, hash: SignHash): Uint8Array | undefined {
  if (!opts.messageDigest) return undefined
  if (!opts.detached || opts.messageDigest.length !== DIGEST_LENGTHS[hash]) {
    throw new QoltanbaError(ErrorCode.Validation, 'a precomputed digest needs a detached signature and the signing hash', {
      detached: opts.detached === true,
      hash,
    })
  }
  return opts.messageDigest
}

async function contentDigest(opts: CmsContent, hash: SignHash, digest: (d: Uint8Array) => Promise<Uint8Array>): Promise<Uint8Array> {
  return presetDigest(opts, hash) ?? digest(opts.data)
}

/** Digest algorithm OIDs of the SHA-2 hashes we sign with. */
export const DIGEST_OIDS: Readonly<Record<SignHash, string>> = {
  'SHA-256': AlgorithmOid.sha256,
  'SHA-384': AlgorithmOid.sha384,
  'SHA-512': AlgorithmOid.sha512,
}

/** Result of {@link verifyCms}. */
export interface CmsVerification {
  /** Signature, message digest and (when present) the ESS certificate hash all check out. */
  readonly valid: boolean
  /** DER of the signer's certificate. */
  readonly signerCertificate: Uint8Array
  /** Who signed. */
  readonly signer: CertificateInfo
  /** The signed content (embedded, or the detached data passed in). */
  readonly content: Uint8Array
  readonly signingTime?: Date
  /** Digest algorithm name, e.g. "SHA-256". */
  readonly digestAlgorithm: string
  /** Signature algorithm name, e.g. "ecdsa-with-SHA256". */
  readonly signatureAlgorithm: string
  /** Why `valid` is false: 'signature' | 'digest' | 'signing-certificate'. */
  readonly failure?: 'signature' | 'digest' | 'signing-certificate'
}

/** Options of {@link verifyCms}. */
export interface VerifyCmsOptions {
  /** The content of a detached signature. */
  readonly data?: Uint8Array
  /** Candidate signer certificates (DER) when the CMS does not embed them. */
  readonly certificates?: readonly Uint8Array[]
  /** Largest CMS accepted (default DEFAULT_MAX_BYTES, 10 MiB); raise it for big attached documents. */
  readonly maxBytes?: number
}

const DIGESTS: Readonly<Record<string, string>> = {
  [AlgorithmOid.sha1]: 'SHA-1',
  [AlgorithmOid.sha256]: 'SHA-256',
  [AlgorithmOid.sha384]: 'SHA-384',
  [AlgorithmOid.sha512]: 'SHA-512',
}

/** The SignedData inside a ContentInfo (ERR_MALFORMED otherwise, ERR_TOO_LARGE above `maxBytes`). */
export function loadSignedData(cms: Uint8Array, maxBytes?: number): pkijs.SignedData {
  const ci = parsePki(pkijs.ContentInfo, cms, 'CMS', maxBytes === undefined ? {} : { maxBytes })
  if (ci.contentType !== CmsOid.signedData) {
    throw new QoltanbaError(ErrorCode.Malformed, 'CMS is not SignedData', { contentType: ci.contentType })
  }
  try {
    return new pkijs.SignedData({ schema: ci.content })
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, 'SignedData is malformed', {}, { cause: e })
  }
}

/**
 * Verifies the first signer of a CMS SignedData (DER or BER).
 * @returns `valid: false` with `failure` when the signature or digest does not match.
 * @throws QoltanbaError ERR_MALFORMED (not CMS, detached without data), ERR_NOT_FOUND (no signer
 *   certificate), ERR_UNSUPPORTED_ALGORITHM (GOST and other algorithms WebCrypto lacks).
 */
export async function verifyCms(
  cms: Uint8Array,
  opts: VerifyCmsOptions = {},
  crypto: Crypto = getCrypto(),
): Promise<CmsVerification> {
  const sd = loadSignedData(cms, opts.maxBytes)
  try {
    return await verifyLoaded(sd, opts, crypto)
  } catch (e) {
    // pkijs and the attribute readers meet hostile layouts (an attribute with an empty value SET,
    // an ESS hash algorithm that is not an AlgorithmIdentifier) with plain TypeErrors: malformed input.
    throw asMalformed(e, 'CMS')
  }
}

async function verifyLoaded(sd: pkijs.SignedData, opts: VerifyCmsOptions, crypto: Crypto): Promise<CmsVerification> {
  const signerInfo = sd.signerInfos[0]
  if (!signerInfo) throw new QoltanbaError(ErrorCode.Malformed, 'SignedData has no signer')
  const digestOid = signerInfo.digestAlgorithm.algorithmId
  const sigOid = signerInfo.signatureAlgorithm.algorithmId
  const digestAlgorithm = DIGESTS[digestOid]
  // RSA SignerInfos often carry plain rsaEncryption as the signature algorithm.
  const sigSupported = isWebCryptoSignature(sigOid) || sigOid === AlgorithmOid.rsaEncryption || sigOid === AlgorithmOid.ecPublicKey
  if (!digestAlgorithm || !sigSupported) {
    const oid = digestAlgorithm ? sigOid : digestOid
    throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `cannot verify ${signatureAlgorithmName(oid)}`, {
      oid,
      gost: isGostOid(oid),
    })
  }
  const extra = (opts.certificates ?? []).map(parseCertificate)
  sd.certificates = [...(sd.certificates ?? []), ...extra]

  const embedded = sd.encapContentInfo.eContent
  const content = embedded ? new Uint8Array(embedded.getValue()) : opts.data
  if (!content) throw new QoltanbaError(ErrorCode.Malformed, 'detached CMS needs the signed data', { detached: true })

  let result: pkijs.SignedDataVerifyResult
  try {
    result = await sd.verify(
      { signer: 0, data: toArrayBuffer(content), extendedMode: true, checkChain: false },
      getEngine(crypto),
    )
  } catch (e) {
    result = e as pkijs.SignedDataVerifyResult
    if (!(e instanceof pkijs.SignedDataVerifyError)) throw new QoltanbaError(ErrorCode.Malformed, 'CMS could not be verified', {}, { cause: e })
  }
  const signerCert = result.signerCertificate
  if (!signerCert) throw new QoltanbaError(ErrorCode.NotFound, 'the signer certificate is not in the CMS', { code: result.code ?? 0 })
  const signerDer = new Uint8Array(signerCert.toSchema().toBER(false))

  const attrs = signerInfo.signedAttrs?.attributes ?? []
  let failure: CmsVerification['failure']
  // pkijs reports a digest mismatch only as a message, so compare the digest ourselves.
  const md = attrs.find((a) => a.type === CmsOid.messageDigest)?.values[0]
  if (md) {
    const actual = new Uint8Array(await crypto.subtle.digest(digestAlgorithm, toArrayBuffer(content)))
    const claimed = md instanceof asn1js.OctetString ? md.valueBlock.valueHexView : new Uint8Array()
    if (!bytesEqual(actual, claimed)) failure = 'digest'
  }
  if (!failure && !result.signatureVerified) failure = 'signature'
  // Every ESS binding present (v1 from older signers such as `openssl cms -md sha1`, v2 from ours)
  // must name the signer certificate, so a signature cannot be re-attributed to a twin certificate.
  const bindings = attrs.filter((a) => a.type === CmsOid.signingCertificate || a.type === CmsOid.signingCertificateV2)
  for (const attr of bindings) {
    const ess = essCertHash(attr)
    if (failure || !ess) continue
    const name = DIGESTS[ess.hashOid]
    const actual = name ? new Uint8Array(await crypto.subtle.digest(name, toArrayBuffer(signerDer))) : undefined
    if (!actual || !bytesEqual(actual, ess.hash)) failure = 'signing-certificate'
  }
  const signingTime = signingTimeOf(attrs.find((a) => a.type === CmsOid.signingTime))
  return {
    valid: failure === undefined,
    ...(failure ? { failure } : {}),
    signerCertificate: signerDer,
    signer: await describeCertificate(signerDer, crypto),
    content,
    ...(signingTime ? { signingTime } : {}),
    digestAlgorithm,
    signatureAlgorithm: signatureAlgorithmName(sigOid),
  }
}
