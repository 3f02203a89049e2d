/**
 * Reads a CMS SignedData sign-in token and verifies its one signature with the certificate it
 * carries. Accepts what every client produces: DER, base64 or PEM text (NCALayer's bare base64,
 * `-----BEGIN CMS-----` / `PKCS7` armour), attached (encapsulated) content as produced by NCALayer
 * `basics.sign` with encapsulate:true and `openssl cms -sign -nodetach`, or detached with the
 * content supplied. The chain is not examined here (see path-validation.ts).
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { fromBase64, sameBytes, toHex } from '../core/bytes.ts'
import { getCrypto, getEngine } from '../pki/engine.ts'
import { asMalformed } from '../core/errors.ts'
import { checkDigestAlgorithm, checkKeyStrength, checkSignatureAlgorithm } from './algorithm-policy.ts'
import { parseCertificateCached, type ParsedCertificate } from './certificate.ts'
import { DerError } from '../pki/der-reader.ts'
import { parseSignedDataDer, verifySignerInfoFast, type ContentDigest, type FastSignerId, type FastSignerInfo, type UnsignedAttribute } from './fast-cms.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import { defaultSignatureVerifier, type SignatureVerifier } from './signature-verifier.ts'
import { checkSigningCertificate, type SigningCertificateAttribute } from './signing-certificate.ts'
import { CmsOid } from '../pki/oids.ts'

/** Largest CMS accepted; a sign-in token with a chain is a few kilobytes. */
const MAX_CMS_BYTES = 256 * 1024

/** Most signers one signed document may have (co-signatures); more is not a document, it is a DoS. */
export const MAX_CMS_SIGNERS = 16

/** Most certificates a CMS may carry (signer + chain); more is a path-building DoS, not a client. */
const MAX_CMS_CERTIFICATES = 10

/** Several signers bring several chains: a signed document may carry more (still bounded). */
const MAX_DOCUMENT_CERTIFICATES = 32

function checkCertificateCount(n: number, all = false): void {
  const max = all ? MAX_DOCUMENT_CERTIFICATES : MAX_CMS_CERTIFICATES
  if (n > max) refuse(LoginErrorCode.Malformed, `The CMS carries ${n} certificates, at most ${max} are accepted`)
}

/** A parsed, not yet verified, SignedData. */
export interface ParsedSignedData {
  /** eContentType: id-data for a signed document or sign-in payload, other OIDs for TSTInfo, receipts, … */
  readonly contentType: string
  /** The encapsulated content, or undefined for a detached signature. */
  readonly content: Uint8Array | undefined
  readonly signer: ParsedCertificate
  /** Every certificate in the CMS, the signer's included. */
  readonly certificates: readonly ParsedCertificate[]
  readonly digestAlgorithm: string
  readonly signatureAlgorithm: string
  readonly signatureAlgorithmIdentifier: pkijs.AlgorithmIdentifier
  readonly signingTime?: Date
  /** ESS signingCertificate / signingCertificateV2 values (checked by verifySignedData). */
  readonly signingCertificates: readonly SigningCertificateAttribute[]
  /** The messageDigest signed attribute, when there are signed attributes. */
  readonly messageDigest?: Uint8Array
  /** The SignerInfo's signature value (what a signature timestamp's imprint covers, RFC 3161 / CAdES-T). */
  readonly signatureValue: Uint8Array
  /** Unsigned attributes (signature timestamps, countersignatures), values as DER. */
  readonly unsignedAttributes: readonly UnsignedAttribute[]
  /** CRLs embedded in the SignedData (shared by its signers). */
  readonly crls: readonly Uint8Array[]
  /**
   * Verifies the signature over `content` (or over a digest of it: signed attributes needed);
   * false when it does not verify.
   */
  readonly verifySignature: (content: Uint8Array | ContentDigest, crypto: Crypto, verifier?: SignatureVerifier) => Promise<boolean>
}

const textDecoder = new TextDecoder('latin1')

function notBase64(cause?: unknown): never {
  return refuse(LoginErrorCode.Malformed, 'The CMS is neither DER nor base64', {}, cause)
}

function base64ToBytes(b64: string): Uint8Array {
  if (b64.trim().length === 0) notBase64()
  try {
    return fromBase64(b64, { urlSafe: true })
  } catch (e) {
    return notBase64(e)
  }
}

/** Longest CMS text read: base64 of MAX_CMS_BYTES with line breaks and armour to spare. */
export const MAX_CMS_TEXT = 2 * MAX_CMS_BYTES

/**
 * The body between the first PEM header and the END line after it, found with indexOf: a lazy
 * `BEGIN…([\s\S]*?)…END` regex scans to the end of the text from every header, so thousands
 * of headers without an END took seconds (quadratic) on the unauthenticated login route.
 */
function pemBody(text: string): string | undefined {
  const begin = /-----BEGIN [A-Z0-9 ]+-----/.exec(text)
  if (!begin) return undefined
  const from = begin.index + begin[0].length
  const end = text.indexOf('-----END ', from)
  return end < 0 ? undefined : text.slice(from, end)
}

/** What a ParsedSignedData says of its SignerInfo, shared by signers and countersigners. */
export function signerInfoFields(info: FastSignerInfo): Pick<ParsedSignedData,
  'digestAlgorithm' | 'signatureAlgorithm' | 'signatureAlgorithmIdentifier' | 'signingTime' | 'signingCertificates' | 'messageDigest' | 'signatureValue' | 'unsignedAttributes'> {
  return {
    digestAlgorithm: info.digestAlgorithm,
    signatureAlgorithm: info.signatureAlgorithm.algorithmId,
    signatureAlgorithmIdentifier: info.signatureAlgorithm,
    ...(info.signingTime ? { signingTime: info.signingTime } : {}),
    signingCertificates: info.signingCertificates ?? [],
    ...(info.messageDigest ? { messageDigest: info.messageDigest } : {}),
    signatureValue: info.signature,
    unsignedAttributes: info.unsignedAttrs ?? [],
  }
}

/** Turns DER bytes, base64 text or PEM text (as bytes or string) into DER. */
export function decodeCmsInput(input: Uint8Array | string, maxText = MAX_CMS_TEXT): Uint8Array {
  if (typeof input !== 'string') {
    if (input[0] === 0x30) return input
    if (input.length > maxText) refuse(LoginErrorCode.Malformed, `The CMS text is longer than ${maxText} characters`)
    input = textDecoder.decode(input)
  }
  if (input.length > maxText) refuse(LoginErrorCode.Malformed, `The CMS text is longer than ${maxText} characters`)
  return base64ToBytes(pemBody(input) ?? input.trim())
}

function octetStringBytes(s: asn1js.OctetString): Uint8Array {
  if (!s.idBlock.isConstructed) return s.valueBlock.valueHexView
  // BER constructed OCTET STRING (NCALayer writes indefinite-length CMS): concatenate the chunks.
  const parts = (s.valueBlock.value as asn1js.OctetString[]).map(octetStringBytes)
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

function single<T>(all: T[]): T {
  // The same certificate twice (parsed objects are shared per DER) is one certificate: co-signing tools repeat them.
  const matches = [...new Set(all)]
  if (matches.length === 0) refuse(LoginErrorCode.Malformed, 'The CMS does not include the signer certificate')
  if (matches.length > 1) refuse(LoginErrorCode.Malformed, 'The CMS includes several certificates matching the signer')
  return matches[0] as T
}

function findSigner(signerInfo: pkijs.SignerInfo, certs: readonly ParsedCertificate[]): ParsedCertificate {
  const sid = signerInfo.sid
  return single(
    certs.filter((c) => {
      if (sid instanceof pkijs.IssuerAndSerialNumber) {
        return c.cert.issuer.isEqual(sid.issuer) && c.cert.serialNumber.isEqual(sid.serialNumber)
      }
      const ski = (sid as unknown as asn1js.Primitive).valueBlock?.valueHexView
      return ski !== undefined && c.subjectKeyId !== undefined && c.subjectKeyId === toHex(ski)
    }),
  )
}

export function findSignerFast(sid: FastSignerId, certs: readonly ParsedCertificate[]): ParsedCertificate {
  if ('ski' in sid) return single(certs.filter((c) => c.subjectKeyId === toHex(sid.ski)))
  let issuerName: pkijs.RelativeDistinguishedNames | undefined
  return single(
    certs.filter((c) => {
      if (!sameBytes(c.cert.serialNumber.valueBlock.valueHexView, sid.serial)) return false
      if (sameBytes(new Uint8Array(c.cert.issuer.valueBeforeDecode), sid.issuer)) return true
      // Same name, other string encoding: compare the way pkijs (RFC 5280 §7.1) does.
      issuerName ??= signerIssuerName(sid.issuer)
      return c.cert.issuer.isEqual(issuerName)
    }),
  )
}

/** The SignerInfo's issuer as a Name; a SEQUENCE that is not one is ERR_MALFORMED (asn1js throws AsnError). */
function signerIssuerName(der: Uint8Array): pkijs.RelativeDistinguishedNames {
  try {
    return pkijs.RelativeDistinguishedNames.fromBER(der.slice())
  } catch (e) {
    return refuse(LoginErrorCode.Malformed, 'The signer identifier of the CMS does not hold a valid issuer name', {}, e)
  }
}

function signingTimeOf(signerInfo: pkijs.SignerInfo): Date | undefined {
  const attr = signerInfo.signedAttrs?.attributes.find((a) => a.type === CmsOid.signingTime)
  // An empty value SET leaves pkijs's `values` undefined; the fast path skips such a signingTime too.
  const v = attr?.values?.[0]
  if (v instanceof asn1js.UTCTime || v instanceof asn1js.GeneralizedTime) return v.toDate()
  return undefined
}

function signingCertificatesOf(signerInfo: pkijs.SignerInfo): SigningCertificateAttribute[] {
  const out: SigningCertificateAttribute[] = []
  for (const a of signerInfo.signedAttrs?.attributes ?? []) {
    if (a.type !== CmsOid.signingCertificateV2 && a.type !== CmsOid.signingCertificate) continue
    if (a.values?.length !== 1 || out.some((o) => o.type === a.type)) refuse(LoginErrorCode.Malformed, 'The CMS has a repeated or multi-valued signing-certificate attribute')
    // The bytes as signed; signed attributes are DER (RFC 5652 §5.3), anything else is refused as malformed.
    out.push({ type: a.type, value: new Uint8Array((a.values[0] as asn1js.AsnType).valueBeforeDecodeView) })
  }
  return out
}

function pkijsSignedData(der: Uint8Array): pkijs.SignedData {
  try {
    const asn = asn1js.fromBER(der as Uint8Array<ArrayBuffer>)
    if (asn.offset === -1) throw new Error(asn.result.error)
    const info = new pkijs.ContentInfo({ schema: asn.result })
    if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new Error(`content type ${info.contentType}`)
    return new pkijs.SignedData({ schema: info.content })
  } catch (e) {
    return refuse(LoginErrorCode.Malformed, 'The CMS is not a SignedData structure', {}, e)
  }
}

const berOf = (v: { toSchema(): asn1js.AsnType } | asn1js.AsnType): Uint8Array =>
  new Uint8Array('toSchema' in v ? v.toSchema().toBER(false) : (v as asn1js.AsnType).toBER(false))

/** The SignerInfo's attribute fields as the fast path reads them, for a digest-only check of a BER CMS. */
function fastInfoOf(signerInfo: pkijs.SignerInfo, messageDigest: Uint8Array | undefined, contentType: string | undefined): FastSignerInfo {
  const signedAttrs = signerInfo.signedAttrs ? new Uint8Array(signerInfo.signedAttrs.encodedValue) : undefined
  return {
    sid: { ski: new Uint8Array() },
    digestAlgorithm: signerInfo.digestAlgorithm.algorithmId,
    signatureAlgorithm: signerInfo.signatureAlgorithm,
    signature: signerInfo.signature.valueBlock.valueHexView,
    ...(signedAttrs ? { signedAttrs } : {}),
    ...(messageDigest ? { messageDigest } : {}),
    ...(contentType ? { contentTypeAttr: contentType } : {}),
  }
}

function parseWithPkijs(der: Uint8Array, all = false): ParsedSignedData[] {
  const signedData = pkijsSignedData(der)
  checkSignerCount(signedData.signerInfos.length, all)
  checkCertificateCount(signedData.certificates?.length ?? 0, all)
  const certificates = (signedData.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => parseCertificateCached(new Uint8Array(c.toSchema().toBER(false))))
  const crls = (signedData.crls ?? []).filter((c): c is pkijs.CertificateRevocationList => c instanceof pkijs.CertificateRevocationList).map(berOf)
  const eContent = signedData.encapContentInfo.eContent
  return signedData.signerInfos.map((signerInfo, index) => {
    const signer = findSigner(signerInfo, certificates)
    const signingTime = signingTimeOf(signerInfo)
    const signingCertificates = signingCertificatesOf(signerInfo)
    const attr = (oid: string) => signerInfo.signedAttrs?.attributes.find((a) => a.type === oid)?.values?.[0]
    const md = attr(CmsOid.messageDigest)
    const messageDigest = md instanceof asn1js.OctetString ? md.valueBlock.valueHexView : undefined
    const ct = attr(CmsOid.contentType)
    const contentTypeAttr = ct instanceof asn1js.ObjectIdentifier ? ct.valueBlock.toString() : undefined
    return {
      contentType: signedData.encapContentInfo.eContentType,
      content: eContent ? octetStringBytes(eContent) : undefined,
      signer,
      certificates,
      digestAlgorithm: signerInfo.digestAlgorithm.algorithmId,
      signatureAlgorithm: signerInfo.signatureAlgorithm.algorithmId,
      signatureAlgorithmIdentifier: signerInfo.signatureAlgorithm,
      ...(signingTime ? { signingTime } : {}),
      signingCertificates,
      ...(messageDigest ? { messageDigest } : {}),
      signatureValue: signerInfo.signature.valueBlock.valueHexView,
      unsignedAttributes: (signerInfo.unsignedAttrs?.attributes ?? []).map((a) => ({ type: a.type, values: (a.values ?? []).map((v: asn1js.AsnType) => berOf(v)) })),
      crls,
      verifySignature: async (content, crypto, verifier) => {
        if (!(content instanceof Uint8Array)) {
          // pkijs takes only the bytes; a digest is compared here as the fast path does.
          const ok = await verifySignerInfoFast(fastInfoOf(signerInfo, messageDigest, contentTypeAttr), signedData.encapContentInfo.eContentType, signer, content, verifier ?? defaultSignatureVerifier(crypto))
          return ok ?? false
        }
        try {
          return await signedData.verify(
            { signer: index, ...(eContent ? {} : { data: content.slice().buffer as ArrayBuffer }), checkChain: false },
            getEngine(crypto),
          )
        } catch {
          return false
        }
      },
    }
  })
}

function checkSignerCount(n: number, all: boolean): void {
  if (!all && n !== 1) refuse(LoginErrorCode.Malformed, `The CMS has ${n} signers, expected 1`)
  if (n === 0 || n > MAX_CMS_SIGNERS) refuse(LoginErrorCode.Malformed, `The CMS has ${n} signers, expected 1 to ${MAX_CMS_SIGNERS}`)
}

function parseFast(der: Uint8Array, all = false): ParsedSignedData[] {
  const fast = parseSignedDataDer(der)
  checkSignerCount(fast.signerInfos.length, all)
  checkCertificateCount(fast.certificates.length, all)
  const certificates = fast.certificates.map(parseCertificateCached)
  return fast.signerInfos.map((info, index) => {
    const signer = findSignerFast(info.sid, certificates)
    return {
      contentType: fast.eContentType,
      content: fast.content,
      signer,
      certificates,
      ...signerInfoFields(info),
      crls: fast.crls,
      verifySignature: async (content, crypto, verifier) => {
        const ok = await verifySignerInfoFast(info, fast.eContentType, signer, content, verifier ?? defaultSignatureVerifier(crypto))
        // Algorithms the fast path does not handle (RSA-PSS, …) go through pkijs.
        return ok ?? (parseWithPkijs(der, true)[index] as ParsedSignedData).verifySignature(content, crypto)
      },
    }
  })
}

function parseAll(input: Uint8Array | string, all: boolean, maxBytes = MAX_CMS_BYTES): ParsedSignedData[] {
  // The boundary for outside bytes: asn1js, pkijs and atob throw their own error types on
  // inputs nobody foresaw; a relying party must only ever see a code.
  try {
    const der = decodeCmsInput(input, Math.max(MAX_CMS_TEXT, 2 * maxBytes))
    if (der.length > maxBytes) refuse(LoginErrorCode.Malformed, `The CMS is larger than ${maxBytes} bytes`)
    try {
      return parseFast(der, all)
    } catch (e) {
      if (!(e instanceof DerError)) throw e
      return parseWithPkijs(der, all) // BER (NCALayer's indefinite lengths) or an unusual layout
    }
  } catch (e) {
    throw asMalformed(e, 'The CMS')
  }
}

/**
 * Every signer of a signed document (co-signatures: `openssl cms -resign`, NCALayer multi-sign),
 * each as a ParsedSignedData over the same content. Throws only QoltanbaError: ERR_MALFORMED
 * for anything that is not a readable SignedData with 1 to MAX_CMS_SIGNERS signers whose
 * certificates it carries.
 */
export function parseSignedDataSigners(input: Uint8Array | string, maxBytes = MAX_DOCUMENT_CMS_BYTES): ParsedSignedData[] {
  return parseAll(input, true, maxBytes)
}

/** Largest signed-document CMS read by default: an attached signature holds the document itself. */
export const MAX_DOCUMENT_CMS_BYTES = 64 * 1024 * 1024

/**
 * Parses the CMS structure (no cryptography). Throws only QoltanbaError: ERR_MALFORMED for
 * anything that is not a readable SignedData with one signer whose certificate it carries.
 */
export function parseSignedData(input: Uint8Array | string): ParsedSignedData {
  return parseAll(input, false)[0] as ParsedSignedData
}

/**
 * Refuses a CMS whose eContentType is not in `allowed` (default: id-data only) with
 * ERR_WRONG_CONTENT_TYPE. A signature over a timestamp token (id-ct-TSTInfo) or a receipt is a
 * valid signature over other bytes with another meaning; it must not pass for a signed document.
 */
export function checkContentType(parsed: ParsedSignedData, allowed: readonly string[] = [CmsOid.data]): void {
  if (!allowed.includes(parsed.contentType)) {
    refuse(LoginErrorCode.WrongContentType, `The CMS signs content of type ${parsed.contentType}, expected ${allowed.join(' or ')}`, { contentType: parsed.contentType })
  }
}

/**
 * Checks the algorithms and the signer key against the policy, then verifies the signature over
 * `content` (the encapsulated content, or the detached content the caller supplies),
 * and checks the ESS signing-certificate attribute, when there is one, against the signer.
 * Throws ERR_WEAK_ALGORITHM / ERR_WEAK_KEY / ERR_UNSUPPORTED_ALGORITHM / ERR_SIGNATURE_INVALID /
 * ERR_SIGNING_CERT_MISMATCH.
 */
export async function verifySignedData(parsed: ParsedSignedData, content: Uint8Array | ContentDigest, crypto: Crypto = getCrypto(), verifier?: SignatureVerifier): Promise<void> {
  checkDigestAlgorithm(parsed.digestAlgorithm)
  checkSignatureAlgorithm(parsed.signatureAlgorithmIdentifier, 'the CMS signature')
  checkKeyStrength(parsed.signer.publicKey, parsed.signer.subjectDn)
  let ok = false
  try {
    ok = await parsed.verifySignature(content, crypto, verifier)
  } catch (e) {
    refuse(LoginErrorCode.SignatureInvalid, 'The CMS signature does not verify with the included certificate', {}, e)
  }
  if (!ok) refuse(LoginErrorCode.SignatureInvalid, 'The CMS signature does not verify with the included certificate')
  if (parsed.signingCertificates.length) {
    await checkSigningCertificate(parsed.signingCertificates, parsed.signer, crypto, verifier ?? defaultSignatureVerifier(crypto))
  }
}
