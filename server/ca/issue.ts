/**
 * Issuing end-entity certificates: pure build + sign, no database, so the platform's approve
 * transaction can call it and insert the result itself (a serial clash there is retried).
 * Nothing is signed while the issuing CA is revoked (ERR_ISSUING_CA_REVOKED, from the status the
 * loaded CA keeps in memory; store.ts re-reads it inside the transaction that stores).
 */
import { createHash, randomBytes } from 'node:crypto'
import type { CertificatePurpose, KeyStorage } from '../db/schema.ts'
import type { CertificateProfile } from '../profiles/types.ts'
import { buildName, type SubjectFields } from '../../src/pki/names.ts'
import { ISSUING_NAME, type CaHierarchy } from './hierarchy.ts'
import { issuingCaRevokedError, type IssuingCaRevocation } from './issuing-ca-revocation.ts'
import {
  authorityInfoAccess, authorityKeyIdentifier, basicConstraints, certificatePolicies, crlDistributionPoints, extKeyUsage, keyIdentifier, keyUsage,
  signCertificateAsync, spkiKeyType, subjectAltNameEmail, subjectKeyIdentifier, type CertificateTemplate,
} from './x509-build.ts'

/** The parts of a loaded CA issuance uses. */
export interface IssuingCa {
  readonly hierarchy: CaHierarchy
  /** Public origin for AIA and CRL DP, without a trailing slash. */
  readonly publicUrl: string
  /** The issuing CA certificate's revocation as last read (authority.ts), or undefined while it is good. */
  issuingCaRevocation?(): IssuingCaRevocation | undefined
}

export interface IssueInput {
  /** The profile (server/profiles) and which of its two certificates to issue. */
  readonly profile: Pick<CertificateProfile, 'id' | 'certificates' | 'validityDays'>
  readonly purpose: CertificatePurpose
  /** The parsed CSR (pki's parseCsr); only its public key is used. */
  readonly csr: { readonly publicKey: { readonly spki: Uint8Array } }
  /** Subject fields; the subject is built with one attribute per RDN in NCA order. */
  readonly subject: SubjectFields
  /** Put in subjectAltName rfc822Name (as current NCA certificates do). */
  readonly email?: string | null
  /** Where the key lives: picks the profile's validity (1 year browser/file, 3 years token). */
  readonly storage?: KeyStorage
  /** Overrides the validity in days (e.g. operator certificates). */
  readonly validityDays?: number
  /** Defaults to now (whole seconds). */
  readonly notBefore?: Date
  /** The subject Name DER when the caller built it already (saves a second pkijs build). */
  readonly subjectName?: Uint8Array
}

export interface IssuedCertificate {
  /** Lowercase hex of the serial, as in the certificates table. */
  readonly serialHex: string
  readonly der: Buffer
  readonly notBefore: Date
  readonly notAfter: Date
  /** Name of the issuing CA (certificates.issuer). */
  readonly issuer: string
  /** SHA-256 hex of the SPKI DER (certificates.spki_sha256). */
  readonly spkiSha256: string
}

const DAY = 86_400_000

/**
 * A fresh serial: 16 random bytes, top bit cleared (positive) and the next one set so DER keeps
 * all 16 bytes — 126 bits of entropy, well above CA/B Forum's 64.
 */
function newSerial(): Buffer {
  const s = randomBytes(16)
  s[0] = ((s[0] as number) & 0x7f) | 0x40
  return s
}

/**
 * Builds and signs an end-entity certificate for `input`. Rejects with QoltanbaError ERR_MALFORMED
 * when a subject field cannot be encoded, and with ApiError ERR_ISSUING_CA_REVOKED (409) while
 * the issuing CA is revoked. Each call draws a new random serial, so a caller that
 * hits the serial's unique constraint simply calls again.
 */
export function issueCertificate(ca: IssuingCa, input: IssueInput): Promise<IssuedCertificate> {
  try {
    const revoked = ca.issuingCaRevocation?.()
    if (revoked) throw issuingCaRevokedError(revoked)
    const t = prepare(ca, input)
    return signCertificateAsync(t.template, ca.hierarchy.issuing.signer).then((der) => t.result(der))
  } catch (e) {
    return Promise.reject(e)
  }
}

/** Everything but the signature. */
function prepare(ca: IssuingCa, input: IssueInput): { template: CertificateTemplate; result: (der: Buffer) => IssuedCertificate } {
  const issuing = ca.hierarchy.issuing
  const spki = Buffer.from(input.csr.publicKey.spki)
  const notBefore = new Date(Math.floor((input.notBefore ?? new Date()).getTime() / 1000) * 1000)
  // 365 days per year like NCA's 1-year certificates; never beyond the issuing CA.
  const days = input.validityDays ?? input.profile.validityDays[input.storage ?? 'file']
  const wanted = new Date(notBefore.getTime() + days * DAY)
  const notAfter = wanted > issuing.notAfter ? issuing.notAfter : wanted
  const subject = input.subjectName ? Buffer.from(input.subjectName) : Buffer.from(buildName(input.subject).toSchema().toBER(false))
  const template = input.profile.certificates[input.purpose]
  const keyType = spkiKeyType(spki)
  const extensions = [
    basicConstraints(false),
    keyUsage(template.keyUsage[keyType]),
    extKeyUsage(template.extKeyUsage),
    ...(template.policies.length ? [certificatePolicies(template.policies.map((oid) => ({ oid })))] : []),
    subjectKeyIdentifier(keyIdentifier(spki)),
    authorityKeyIdentifier(issuing.keyId),
    authorityInfoAccess({ ocsp: `${ca.publicUrl}/ocsp`, caIssuers: `${ca.publicUrl}/ca/${ISSUING_NAME}.crt` }),
    crlDistributionPoints(`${ca.publicUrl}/crl/${ISSUING_NAME}.crl`),
    ...(input.email ? [subjectAltNameEmail(input.email)] : []),
  ]
  const serial = newSerial()
  const spkiSha256 = createHash('sha256').update(spki).digest('hex')
  return {
    template: { serial, issuer: issuing.subject, subject, notBefore, notAfter, spki, extensions },
    result: (der) => ({ serialHex: serial.toString('hex'), der, notBefore, notAfter, issuer: ISSUING_NAME, spkiSha256 }),
  }
}
