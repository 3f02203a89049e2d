/**
 * PKCS#10 certification requests: create (RSA PKCS#1 v1.5 or ECDSA, never SHA-1, one RDN per
 * attribute, extensionRequest), verify the self-signature, and describe any request.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { parsePki, toArrayBuffer } from './asn1.ts'
import { getCrypto, getEngine } from './engine.ts'
import { asMalformed, ErrorCode, QoltanbaError } from '../core/errors.ts'
import { readExtensions, requestedExtensions, type ExtensionsInfo, type KeyUsageName } from './extensions.ts'
import { buildName, describeName, type NameInfo, type SubjectFields } from './names.ts'
import { CmsOid, isGostOid } from './oids.ts'
import { describePublicKey, isWebCryptoSignature, signatureAlgorithmName, type PublicKeyDescription } from './public-key.ts'
import { rawSignatureAlgorithm, type RawSigner } from './raw-signer.ts'
import { signPkiObject, type SignHash } from './x509-helpers.ts'

/** What a CSR asks for, whoever signs it. */
export interface CsrContent {
  readonly subject: SubjectFields
  readonly keyUsage?: readonly KeyUsageName[]
  /** EKU OIDs, e.g. [EkuOid.clientAuth, EkuOid.ncaIndividual]. */
  readonly extKeyUsage?: readonly string[]
  /** Requested as subjectAltName rfc822Name. */
  readonly email?: string
}

/** Options of {@link createCsr}. */
export interface CreateCsrOptions extends CsrContent {
  /** RSA (RSASSA-PKCS1-v1_5 with its own hash) or ECDSA P-256/P-384 key pair. */
  readonly keys: CryptoKeyPair
  /** ECDSA hash; default SHA-256 for P-256 and SHA-384 for P-384. RSA keys use the hash bound to the key. */
  readonly hash?: SignHash
}

/** Options of {@link createCsrRaw}. */
export interface CreateCsrRawOptions extends CsrContent {
  /** DER SubjectPublicKeyInfo of the key that signs. */
  readonly spki: Uint8Array
}

/** The request without its key and signature. */
function unsignedCsr(opts: CsrContent): pkijs.CertificationRequest {
  const csr = new pkijs.CertificationRequest()
  csr.version = 0
  csr.subject = buildName(opts.subject)
  const extensions = requestedExtensions(opts)
  // RFC 2986 makes [0] attributes mandatory; pkijs omits it when unset.
  csr.attributes = extensions.length
    ? [
        new pkijs.Attribute({
          type: CmsOid.extensionRequest,
          values: [new pkijs.Extensions({ extensions }).toSchema()],
        }),
      ]
    : []
  return csr
}

/** A readable view of a CSR. */
export interface CsrInfo {
  readonly subject: NameInfo
  readonly publicKey: PublicKeyDescription
  readonly signatureAlgorithm: { readonly oid: string; readonly name: string }
  /** The requested extensions (extensionRequest); empty lists when none. */
  readonly extensions: ExtensionsInfo
}

/**
 * Creates a DER PKCS#10 request signed by `keys.privateKey`.
 * @throws QoltanbaError ERR_WEAK_ALGORITHM for an RSA key bound to SHA-1; ERR_UNSUPPORTED_ALGORITHM
 *   for other key types; ERR_MALFORMED for subject values their type cannot hold.
 * @example
 * const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
 * const der = await createCsr({ subject: { commonName: 'ТЕСТОВ ТЕСТ', country: 'KZ' }, keys, keyUsage: ['digitalSignature'] })
 */
export async function createCsr(opts: CreateCsrOptions, crypto: Crypto = getCrypto()): Promise<Uint8Array<ArrayBuffer>> {
  const csr = unsignedCsr(opts)
  await csr.subjectPublicKeyInfo.importKey(opts.keys.publicKey, getEngine(crypto))
  await signPkiObject(csr, opts.keys.privateKey, opts.hash, crypto)
  return new Uint8Array(csr.toSchema(false).toBER(false))
}

/**
 * {@link createCsr} for a key pki cannot hold (a token): the TBS bytes go to `signer.sign`, so
 * the private key never leaves the token. Synchronous, see raw-signer.ts.
 * @throws QoltanbaError ERR_MALFORMED for a bad `spki` or subject values their type cannot hold.
 */
export function createCsrRaw(opts: CreateCsrRawOptions, signer: RawSigner): Uint8Array<ArrayBuffer> {
  const csr = unsignedCsr(opts)
  csr.subjectPublicKeyInfo = parsePki(pkijs.PublicKeyInfo, opts.spki, 'public key')
  csr.signatureAlgorithm = rawSignatureAlgorithm(signer)
  // encodeTBS is protected in pkijs's typings but is what its own sign() uses to fill tbsView.
  csr.tbsView = new Uint8Array((csr as unknown as { encodeTBS(): asn1js.Sequence }).encodeTBS().toBER())
  csr.signatureValue = new asn1js.BitString({ valueHex: toArrayBuffer(signer.sign(csr.tbsView)) })
  return new Uint8Array(csr.toSchema(false).toBER(false))
}

/**
 * Parses DER into a pkijs CertificationRequest through the guarded parser (for code that issues
 * certificates from it: `csr.subjectPublicKeyInfo`, `csr.subject`).
 * @throws QoltanbaError ERR_MALFORMED / ERR_TOO_LARGE.
 */
export function parseCertificationRequest(der: Uint8Array): pkijs.CertificationRequest {
  return parsePki(pkijs.CertificationRequest, der, 'certification request')
}
const loadCsr = parseCertificationRequest

/**
 * The requested extensions. RFC 2986 §4.1 makes an attribute's values a SET SIZE(1..MAX) and
 * PKCS#9 extensionRequest is single-valued: an empty SET (pkijs then leaves `values` undefined),
 * a second value or a second extensionRequest is refused, since two readers could see different
 * extensions in it.
 */
function requestedExtensionsOf(csr: pkijs.CertificationRequest): pkijs.Extension[] {
  const attrs = (csr.attributes ?? []).filter((a) => a.type === CmsOid.extensionRequest)
  if (attrs.length === 0) return []
  const values = attrs.length === 1 ? (attrs[0]?.values ?? []) : []
  if (values.length !== 1) {
    throw new QoltanbaError(ErrorCode.Malformed, 'extensionRequest must be one attribute with exactly one value', { attributes: attrs.length, values: values.length })
  }
  try {
    return new pkijs.Extensions({ schema: values[0] }).extensions
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, 'extensionRequest is malformed', {}, { cause: e })
  }
}

/**
 * Describes a DER CSR (it does not verify it; see {@link verifyCsr}).
 * @throws QoltanbaError ERR_MALFORMED / ERR_TOO_LARGE, and nothing else whatever the bytes.
 */
export function parseCsr(der: Uint8Array): CsrInfo {
  const csr = loadCsr(der)
  // pkijs objects built from odd but schema-valid DER have missing members (see above), so
  // reading them is guarded as a whole: outside bytes must end in a code, never a TypeError.
  try {
    const extensions = requestedExtensionsOf(csr)
    const sigOid = csr.signatureAlgorithm.algorithmId
    return {
      subject: describeName(csr.subject),
      publicKey: describePublicKey(csr.subjectPublicKeyInfo),
      signatureAlgorithm: { oid: sigOid, name: signatureAlgorithmName(sigOid) },
      extensions: readExtensions(extensions),
    }
  } catch (e) {
    throw asMalformed(e, 'certification request')
  }
}

/**
 * Verifies a CSR's self-signature (proof of possession).
 * @returns false when the signature does not match.
 * @throws QoltanbaError ERR_MALFORMED for garbage; ERR_UNSUPPORTED_ALGORITHM for signature
 *   algorithms WebCrypto lacks (GOST, Ed25519).
 */
export async function verifyCsr(der: Uint8Array, crypto: Crypto = getCrypto()): Promise<boolean> {
  const csr = loadCsr(der)
  const oid = csr.signatureAlgorithm.algorithmId
  if (!isWebCryptoSignature(oid)) {
    throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `cannot verify ${signatureAlgorithmName(oid)}`, {
      oid,
      gost: isGostOid(oid),
    })
  }
  try {
    return await csr.verify(getEngine(crypto))
  } catch {
    // A signature value that does not even decode (or a key that does not import) is a failed proof.
    return false
  }
}
