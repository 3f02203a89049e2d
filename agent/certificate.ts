/**
 * Facts the agent needs from an X.509 certificate: the DER pieces PKCS#11 stores next to it
 * (CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER), its public key, and whether it passes an
 * NCALayer-style `signerParams` filter (EKU/policy OIDs, IIN, BIN, serial number).
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { ErrorCode, QoltanbaError } from '../src/core/errors.ts'
import { ExtensionOid, NameOid } from '../src/pki/oids.ts'

/** Parsed certificate facts. */
export interface CertificateFacts {
  readonly certificate: pkijs.Certificate
  readonly subject: Uint8Array
  readonly issuer: Uint8Array
  /** DER INTEGER of the serial number (CKA_SERIAL_NUMBER). */
  readonly serialNumber: Uint8Array
  readonly serialHex: string
  readonly spki: Uint8Array
}

const MAX_CERTIFICATE_BYTES = 64 * 1024

/** Parses DER; ERR_MALFORMED on anything that is not one certificate. */
export function parseCertificate(der: Uint8Array): CertificateFacts {
  if (der.length > MAX_CERTIFICATE_BYTES) throw new QoltanbaError(ErrorCode.TooLarge, 'The certificate is too large')
  try {
    const asn = asn1js.fromBER(der)
    if (asn.offset === -1 || asn.offset !== der.length) throw new Error('trailing or broken DER')
    const certificate = new pkijs.Certificate({ schema: asn.result })
    const serial = certificate.serialNumber.valueBlock.valueHexView
    return {
      certificate,
      subject: new Uint8Array(certificate.subject.toSchema().toBER()),
      issuer: new Uint8Array(certificate.issuer.toSchema().toBER()),
      serialNumber: new Uint8Array(certificate.serialNumber.toBER()),
      serialHex: Buffer.from(serial).toString('hex').replace(/^0+(?=.)/, ''),
      spki: new Uint8Array(certificate.subjectPublicKeyInfo.toSchema().toBER()),
    }
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, 'The certificate is malformed', {}, { cause: e })
  }
}

/** NCALayer `signerParams` subset the agent honours. */
export interface SignerParams {
  readonly extKeyUsageOids?: readonly string[]
  readonly iin?: string
  readonly bin?: string
  readonly serialNumber?: string
}

function subjectValues(cert: pkijs.Certificate, type: string): string[] {
  return cert.subject.typesAndValues.filter((t) => t.type === type).map((t) => String(t.value.valueBlock.value))
}

function extensionOids(cert: pkijs.Certificate): string[] {
  const out: string[] = []
  for (const ext of cert.extensions ?? []) {
    if (ext.extnID === ExtensionOid.extKeyUsage && ext.parsedValue instanceof pkijs.ExtKeyUsage) out.push(...ext.parsedValue.keyPurposes)
    if (ext.extnID === ExtensionOid.certificatePolicies && ext.parsedValue instanceof pkijs.CertificatePolicies) {
      out.push(...ext.parsedValue.certificatePolicies.map((p) => p.policyIdentifier))
    }
  }
  return out
}

/** True when `facts` passes the filter (an empty filter passes everything). */
export function matchesSignerParams(facts: CertificateFacts, params: SignerParams): boolean {
  const cert = facts.certificate
  const oids = params.extKeyUsageOids ?? []
  if (oids.length > 0) {
    const present = new Set(extensionOids(cert))
    if (!oids.some((o) => present.has(o))) return false
  }
  if (params.iin && !subjectValues(cert, NameOid.serialNumber).includes(`IIN${params.iin}`)) return false
  if (params.bin && !subjectValues(cert, NameOid.organizationalUnit).includes(`BIN${params.bin}`)) return false
  if (params.serialNumber && params.serialNumber.toLowerCase().replace(/^0+/, '') !== facts.serialHex) return false
  return true
}
