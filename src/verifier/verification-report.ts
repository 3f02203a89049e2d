/**
 * A DocumentVerification (verify-document.ts) as plain JSON data: what POST
 * /api/v1/signatures/verify answers and what the /verify page shows, whether the check ran on the
 * server or, offline, in the browser — one shape for both. A signer's certificate travels as
 * base64 DER so a client can show it with its own certificate view in the reader's words;
 * dates are ISO strings.
 */
import { toBase64 } from '../core/bytes.ts'
import type { ParsedCertificate } from './certificate.ts'
import type { RevocationResult } from './revocation.ts'
import type { DocumentVerification, SignatureLevel, SignerVerdict, VerdictNote } from './verify-document.ts'
import type { SubjectIdentity } from './name.ts'

export interface CertificateSummary {
  readonly subject: string
  readonly issuer: string
  readonly serial: string
  readonly notBefore: string
  readonly notAfter: string
}

export interface SignerReport {
  readonly valid: boolean
  readonly code?: string
  readonly message?: string
  readonly details?: Readonly<Record<string, string | number | boolean>>
  readonly level: SignatureLevel
  readonly identity: SubjectIdentity
  readonly certificate: CertificateSummary & { readonly der: string }
  readonly digestAlgorithm: string
  readonly signatureAlgorithm: string
  readonly signingTime: string | null
  readonly timestamp: { readonly time: string; readonly tsa: CertificateSummary; readonly policy: string; readonly serial: string } | null
  readonly checkedAt: string
  readonly chain: readonly CertificateSummary[]
  readonly revocations: readonly { readonly status: string; readonly source: string; readonly revokedAt?: string; readonly reason?: number }[]
  readonly notes: readonly VerdictNote[]
  readonly countersignatures: readonly SignerReport[]
}

export interface VerificationReport {
  readonly valid: boolean
  readonly document: { readonly sha256: string; readonly bytes?: number; readonly attached: boolean }
  readonly signers: readonly SignerReport[]
}

const summary = (c: ParsedCertificate): CertificateSummary => ({
  subject: c.subjectDn,
  issuer: c.issuerDn,
  serial: c.serialHex,
  notBefore: c.notBefore.toISOString(),
  notAfter: c.notAfter.toISOString(),
})

const revocationOf = (r: RevocationResult) => ({
  status: r.status,
  source: r.source,
  ...(r.revokedAt ? { revokedAt: r.revokedAt.toISOString() } : {}),
  ...(r.reason !== undefined ? { reason: r.reason } : {}),
})

function signerReport(s: SignerVerdict): SignerReport {
  return {
    valid: s.valid,
    ...(s.code ? { code: s.code, message: s.reason ?? '', details: s.details ?? {} } : {}),
    level: s.level,
    identity: s.identity,
    certificate: { ...summary(s.certificate), der: toBase64(s.certificate.der) },
    digestAlgorithm: s.digestAlgorithm,
    signatureAlgorithm: s.signatureAlgorithm,
    signingTime: s.signingTime?.toISOString() ?? null,
    timestamp: s.timestamp ? { time: s.timestamp.time.toISOString(), tsa: summary(s.timestamp.tsa), policy: s.timestamp.policy, serial: s.timestamp.serialHex } : null,
    checkedAt: s.checkedAt.toISOString(),
    chain: s.chain.map(summary),
    revocations: s.revocations.map(revocationOf),
    notes: s.notes,
    countersignatures: s.countersignatures.map(signerReport),
  }
}

/** The JSON report of a verification. */
export function verificationReport(r: DocumentVerification): VerificationReport {
  return { valid: r.valid, document: r.document, signers: r.signers.map(signerReport) }
}
