/**
 * A typed, display-ready description of an X.509 certificate, and matching a certificate to a
 * public key (to attach an issued certificate to the key pair it was requested for).
 */
import * as pkijs from 'pkijs'
import { parsePki } from './asn1.ts'
import { getCrypto } from './engine.ts'
import { readExtensions, type ExtensionsInfo } from './extensions.ts'
import { describeName, type NameInfo } from './names.ts'
import { AlgorithmOid } from './oids.ts'
import { describePublicKey, signatureAlgorithmName, type PublicKeyDescription } from './public-key.ts'
import { bytesEqual, toHex } from '../core/bytes.ts'
import { sha256hex } from './x509-helpers.ts'

/** What a certificate says, with extensions flattened in (see {@link ExtensionsInfo}). */
export interface CertificateInfo extends ExtensionsInfo {
  /** 1, 2 or 3. */
  readonly version: number
  /** Lower-case hex without a sign byte, e.g. "3a5f…". */
  readonly serialNumber: string
  readonly subject: NameInfo
  readonly issuer: NameInfo
  /** Subject IIN (12 digits), when SERIALNUMBER is "IIN…". */
  readonly iin?: string
  /** BIN (12 digits) from OU or SERIALNUMBER "BIN…". */
  readonly bin?: string
  readonly notBefore: Date
  readonly notAfter: Date
  readonly publicKey: PublicKeyDescription
  readonly signatureAlgorithm: { readonly oid: string; readonly name: string }
  /** SHA-256 of the DER, lower-case hex. */
  readonly fingerprintSha256: string
  /** Subject equals issuer (a root or a self-signed certificate). */
  readonly selfIssued: boolean
}

/** Parses DER into a pkijs Certificate through the guarded parser. */
export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  return parsePki(pkijs.Certificate, der, 'certificate')
}

/** Hex of an INTEGER's magnitude (the 00 sign byte DER adds before a high bit is dropped). */
function serialHex(serial: pkijs.Certificate['serialNumber']): string {
  const bytes = serial.valueBlock.valueHexView
  const start = bytes.length > 1 && bytes[0] === 0 ? 1 : 0
  return toHex(bytes.subarray(start))
}

/**
 * Describes a DER certificate.
 * @throws QoltanbaError ERR_MALFORMED / ERR_TOO_LARGE.
 * @example const info = await describeCertificate(der); info.iin; info.extKeyUsage?.map((e) => e.role)
 */
export async function describeCertificate(der: Uint8Array, crypto: Crypto = getCrypto()): Promise<CertificateInfo> {
  const cert = parseCertificate(der)
  const subject = describeName(cert.subject)
  const issuer = describeName(cert.issuer)
  const sigOid = cert.signatureAlgorithm.algorithmId
  return {
    ...readExtensions(cert.extensions),
    version: cert.version + 1,
    serialNumber: serialHex(cert.serialNumber),
    subject,
    issuer,
    ...(subject.iin ? { iin: subject.iin } : {}),
    ...(subject.bin ? { bin: subject.bin } : {}),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    publicKey: describePublicKey(cert.subjectPublicKeyInfo),
    signatureAlgorithm: { oid: sigOid, name: signatureAlgorithmName(sigOid) },
    fingerprintSha256: await sha256hex(der, crypto),
    selfIssued: bytesEqual(
      new Uint8Array(cert.subject.toSchema().toBER(false)),
      new Uint8Array(cert.issuer.toSchema().toBER(false)),
    ),
  }
}

/** The algorithm OID, its parameters and the key bits: equal for the same public key. */
function keyParts(spki: pkijs.PublicKeyInfo): [string, Uint8Array, Uint8Array] {
  const params = spki.algorithm.algorithmParams
  const paramBytes = params && 'toBER' in params ? new Uint8Array(params.toBER(false)) : new Uint8Array()
  return [spki.algorithm.algorithmId, paramBytes, spki.subjectPublicKey.valueBlock.valueHexView]
}

/**
 * True when the certificate certifies the public key `spkiDer` (e.g. from `spkiOf(keys.publicKey)`).
 * Compares algorithm, curve and key bits, so a NULL vs absent RSA parameter does not matter.
 * @throws QoltanbaError ERR_MALFORMED when either input does not parse.
 */
export function certificateMatchesKey(certDer: Uint8Array, spkiDer: Uint8Array): boolean {
  const cert = parseCertificate(certDer)
  const spki = parsePki(pkijs.PublicKeyInfo, spkiDer, 'public key')
  const [certAlg, certParams, certKey] = keyParts(cert.subjectPublicKeyInfo)
  const [alg, params, key] = keyParts(spki)
  if (certAlg !== alg || !bytesEqual(certKey, key)) return false
  // RSA may carry NULL or nothing; EC must name the same curve.
  return certAlg !== AlgorithmOid.ecPublicKey || bytesEqual(certParams, params)
}
