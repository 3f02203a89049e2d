/** JSON shapes of applications in API responses (no hashes, no secrets). */
import type { Application, ApplicationRequest, AuditEntry, Certificate, RegistrationCenterRow } from '../db/schema.ts'
import { centerView } from '../centers/views.ts'
import { toPem } from '../../src/pki/pem.ts'

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null)

/** What the applicant sees with the access code; `center` is the row of a.registration_center_id (as it is now). */
export function applicantView(a: Application, requests: ApplicationRequest[], center?: RegistrationCenterRow) {
  return {
    number: a.number,
    status: a.status,
    profile: a.profile,
    storage: a.storage,
    region: a.region,
    registrationCenterId: a.registration_center_id,
    registrationCenter: center ? centerView(center) : null,
    city: a.city,
    createdAt: iso(a.created_at),
    expiresAt: iso(a.expires_at),
    statusChangedAt: iso(a.status_changed_at),
    issuedAt: iso(a.issued_at),
    installedAt: iso(a.installed_at),
    rejectedAt: iso(a.rejected_at),
    rejectionReason: a.rejection_reason,
    expiredAt: iso(a.expired_at),
    requests: requests.map((r) => ({
      purpose: r.purpose,
      keyAlgorithm: r.key_algorithm,
      keyBits: r.key_bits,
      keyCurve: r.key_curve,
      spkiSha256: r.spki_sha256,
      certificateSerial: r.certificate_serial,
    })),
  }
}

/** Audit action of an application signed by the applicant's current signing certificate (a kiosk's hand-off, server/handoffs/application.ts). */
export const HOLDER_SIGNED_ACTION = 'application.holder_signed'

/** The applicant's certificate that signed the application too, and when; null when none did. */
export function holderSignature(audit: readonly AuditEntry[]): { signerSerial: string; at: string | null } | null {
  const entry = audit.find((e) => e.action === HOLDER_SIGNED_ACTION)
  const serial = (entry?.after as { signerSerial?: unknown } | null | undefined)?.signerSerial
  return entry && typeof serial === 'string' ? { signerSerial: serial, at: iso(entry.at) } : null
}

/** What the operator sees: everything about the applicant plus the history. */
export function operatorView(a: Application, requests: ApplicationRequest[], certificates: Certificate[], audit: AuditEntry[], center?: RegistrationCenterRow) {
  return {
    ...applicantView(a, requests, center),
    iin: a.iin,
    bin: a.bin,
    organization: a.organization,
    email: a.email,
    surname: a.surname,
    name: a.name,
    patronymic: a.patronymic,
    submittedBy: a.submitted_by,
    statusChangedBy: a.status_changed_by,
    issuedBy: a.issued_by,
    installedBy: a.installed_by,
    rejectedBy: a.rejected_by,
    certificates: certificates.map(certificateView),
    history: audit.map((e) => ({ at: iso(e.at), actor: e.actor, action: e.action, before: e.before, after: e.after })),
    holderSignature: holderSignature(audit),
  }
}

/** What names an application and its state: the first fields of every summary of it. */
export function applicationHeadline(a: Pick<Application, 'number' | 'status' | 'profile' | 'iin' | 'bin'>) {
  return { number: a.number, status: a.status, profile: a.profile, iin: a.iin, bin: a.bin }
}

/** A summary row for the operator's list. */
export function listItem(a: Application) {
  return {
    ...applicationHeadline(a),
    surname: a.surname,
    name: a.name,
    patronymic: a.patronymic,
    region: a.region,
    createdAt: iso(a.created_at),
    expiresAt: iso(a.expires_at),
    statusChangedAt: iso(a.status_changed_at),
  }
}

export function certificateView(c: Certificate) {
  return {
    serial: c.serial,
    purpose: c.purpose,
    profile: c.profile,
    issuer: c.issuer,
    subjectDn: c.subject_dn,
    notBefore: iso(c.not_before),
    notAfter: iso(c.not_after),
    status: c.status,
    revokedAt: iso(c.revoked_at),
    revocationReason: c.revocation_reason,
    pem: toPem(new Uint8Array(c.der), 'CERTIFICATE'),
  }
}
