/**
 * The JSON answer of POST /api/v1/signatures/verify: src/verifier's DocumentVerification as plain
 * data. A signer's certificate goes out as base64 DER so a client can show it with its own
 * certificate view (src/pki/certificate-info.ts) in the reader's words; dates are ISO strings.
 */
import type { DocumentVerification, ParsedCertificate, RevocationResult, SignerVerdict } from '../../src/verifier/index.ts'

const certificateOf = (c: ParsedCertificate) => ({
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

function signerReport(s: SignerVerdict) {
  return {
    valid: s.valid,
    ...(s.code ? { code: s.code, message: s.reason ?? '', details: s.details ?? {} } : {}),
    level: s.level,
    identity: s.identity,
    certificate: { ...certificateOf(s.certificate), der: Buffer.from(s.certificate.der).toString('base64') },
    digestAlgorithm: s.digestAlgorithm,
    signatureAlgorithm: s.signatureAlgorithm,
    signingTime: s.signingTime?.toISOString() ?? null,
    timestamp: s.timestamp
      ? { time: s.timestamp.time.toISOString(), tsa: certificateOf(s.timestamp.tsa), policy: s.timestamp.policy, serial: s.timestamp.serialHex }
      : null,
    checkedAt: s.checkedAt.toISOString(),
    chain: s.chain.map(certificateOf),
    revocations: s.revocations.map(revocationOf),
    notes: s.notes,
  }
}

export type SignatureVerificationReport = ReturnType<typeof verificationReport>

export function verificationReport(r: DocumentVerification) {
  return { valid: r.valid, document: r.document, signers: r.signers.map(signerReport) }
}
