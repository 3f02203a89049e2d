/**
 * The ESS signing-certificate binding (RFC 2634 §5.4 signingCertificate with a SHA-1 ESSCertID,
 * RFC 5035 signingCertificateV2 with an ESSCertIDv2, hash SHA-256 by default). When the signer
 * put one in its signed attributes, the first certificate identifier names the certificate the
 * signer meant: its hash must be the hash of the certificate that verified the signature, and
 * its issuerSerial, when present, that certificate's issuer and serial number. Otherwise someone
 * has swapped in another certificate for the same key (RFC 5035 §1) and the CMS is refused.
 * Absent attributes are accepted: NCALayer and `openssl cms -sign` without -cades may omit them.
 */
import * as pkijs from 'pkijs'
import { sameBytes } from '../core/bytes.ts'
import { AlgorithmOid, CmsOid } from '../pki/oids.ts'
import type { ParsedCertificate } from './certificate.ts'
import { childrenOf, encodingOf, expectTag, DerError, oidOf, readTlv, valueOf, type Tlv } from '../pki/der-reader.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import type { HashName, SignatureVerifier } from './signature-verifier.ts'

/** One signingCertificate / signingCertificateV2 attribute value, as encoded (a DER SEQUENCE). */
export interface SigningCertificateAttribute {
  readonly type: typeof CmsOid.signingCertificate | typeof CmsOid.signingCertificateV2
  readonly value: Uint8Array
}

/** The first ESSCertID / ESSCertIDv2 of an attribute. */
interface EssCertId {
  readonly hashOid: string
  readonly certHash: Uint8Array
  readonly issuerSerial?: { readonly directoryNames: readonly Uint8Array[]; readonly serial: Uint8Array }
}

const ESS_HASHES: Readonly<Record<string, HashName | 'SHA-1'>> = {
  [AlgorithmOid.sha1]: 'SHA-1',
  [AlgorithmOid.sha256]: 'SHA-256',
  [AlgorithmOid.sha384]: 'SHA-384',
  [AlgorithmOid.sha512]: 'SHA-512',
}

function malformed(cause?: unknown): never {
  return refuse(LoginErrorCode.Malformed, 'The signing-certificate attribute is malformed', {}, cause)
}

/** Parses the first ESSCertID(v2) of `attr`; throws ERR_MALFORMED. */
function firstCertId(attr: SigningCertificateAttribute): EssCertId {
  const buf = attr.value
  try {
    const top = readTlv(buf, 0)
    if (top.end !== buf.length) malformed()
    const [certs] = childrenOf(buf, expectTag(top, 0x30))
    const [first] = childrenOf(buf, expectTag(certs, 0x30))
    const parts = childrenOf(buf, expectTag(first, 0x30))
    let i = 0
    let hashOid: string = attr.type === CmsOid.signingCertificateV2 ? AlgorithmOid.sha256 : AlgorithmOid.sha1
    // ESSCertIDv2.hashAlgorithm is OPTIONAL (DEFAULT sha256): a SEQUENCE before the OCTET STRING.
    if (attr.type === CmsOid.signingCertificateV2 && parts[0]?.tag === 0x30) {
      hashOid = oidOf(valueOf(buf, expectTag(childrenOf(buf, parts[i++] as Tlv)[0], 0x06)))
    }
    const certHash = valueOf(buf, expectTag(parts[i++], 0x04))
    const isTlv = parts[i]
    if (!isTlv) return { hashOid, certHash }
    const [names, serial] = childrenOf(buf, expectTag(isTlv, 0x30))
    // GeneralNames; directoryName is [4] EXPLICIT Name.
    const directoryNames = childrenOf(buf, expectTag(names, 0x30))
      .filter((n) => n.tag === 0xa4)
      .map((n) => encodingOf(buf, expectTag(childrenOf(buf, n)[0], 0x30)))
    return { hashOid, certHash, issuerSerial: { directoryNames, serial: valueOf(buf, expectTag(serial, 0x02)) } }
  } catch (e) {
    if (e instanceof DerError) return malformed(e)
    throw e
  }
}

function sameIssuer(name: Uint8Array, cert: ParsedCertificate): boolean {
  if (sameBytes(name, new Uint8Array(cert.cert.issuer.valueBeforeDecode))) return true
  try {
    // Same name, other string encoding: compare the way pkijs (RFC 5280 §7.1) does.
    return cert.cert.issuer.isEqual(pkijs.RelativeDistinguishedNames.fromBER(name.slice()))
  } catch {
    return false
  }
}

/** Certificate hashes per parsed certificate (parsed certificates are memoised, so these are too). */
const certHashes = new WeakMap<ParsedCertificate, Map<string, Uint8Array>>()

async function certificateHash(cert: ParsedCertificate, hash: HashName | 'SHA-1', crypto: Crypto, verifier: SignatureVerifier): Promise<Uint8Array> {
  let perCert = certHashes.get(cert)
  if (!perCert) certHashes.set(cert, (perCert = new Map()))
  let h = perCert.get(hash)
  if (!h) {
    h =
      hash === 'SHA-1'
        ? new Uint8Array(await crypto.subtle.digest('SHA-1', cert.der as Uint8Array<ArrayBuffer>))
        : await verifier.digest(hash, cert.der)
    perCert.set(hash, h)
  }
  return h
}

/**
 * Checks every signing-certificate attribute against `signer`, the certificate whose key
 * verified the signature. Throws ERR_SIGNING_CERT_MISMATCH, ERR_UNSUPPORTED_ALGORITHM (an
 * ESSCertIDv2 hash we do not know) or ERR_MALFORMED.
 */
export async function checkSigningCertificate(
  attrs: readonly SigningCertificateAttribute[],
  signer: ParsedCertificate,
  crypto: Crypto,
  verifier: SignatureVerifier,
): Promise<void> {
  for (const attr of attrs) {
    const id = firstCertId(attr)
    const hash = ESS_HASHES[id.hashOid]
    if (!hash) refuse(LoginErrorCode.UnsupportedAlgorithm, `The signing-certificate attribute uses the unknown hash ${id.hashOid}`, { hash: id.hashOid })
    const name = attr.type === CmsOid.signingCertificateV2 ? 'signingCertificateV2' : 'signingCertificate'
    if (!sameBytes(await certificateHash(signer, hash, crypto, verifier), id.certHash)) {
      refuse(LoginErrorCode.SigningCertMismatch, `The ${name} attribute names another certificate than the one that verified the signature`, { attribute: name })
    }
    const is = id.issuerSerial
    if (is && (!sameBytes(is.serial, signer.cert.serialNumber.valueBlock.valueHexView) || !is.directoryNames.some((n) => sameIssuer(n, signer)))) {
      refuse(LoginErrorCode.SigningCertMismatch, `The ${name} attribute names another issuer and serial number than the signer certificate's`, { attribute: name })
    }
  }
}
