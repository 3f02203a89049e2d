/**
 * What makes a certificate fit to be a signer (sign-in, document signatures) as opposed to a link
 * in a path: it must be an end entity. RFC 5280 lets a CA certificate sit at the end of a path
 * (x509-limbo rfc5280::ca-as-leaf), but a CA key that signs logins or documents is either a
 * mis-issued certificate or a CA key used outside its purpose (issue 14, defect 8).
 */
import { ANY_EXTENDED_KEY_USAGE, EkuOid } from '../pki/oids.ts'
import type { ParsedCertificate } from './certificate.ts'
import { refuse, LoginErrorCode } from './errors.ts'

/** anyExtendedKeyUsage (RFC 5280 §4.2.1.12): the certificate may be used for any purpose. */

/** Refuses a signer certificate with cA=TRUE or keyCertSign (ERR_SIGNER_IS_CA). */
export function checkEndEntity(leaf: ParsedCertificate): void {
  if (leaf.basicConstraints?.cA || leaf.keyUsage?.has('keyCertSign')) {
    refuse(LoginErrorCode.SignerIsCa, `"${leaf.subjectDn}" is a CA certificate, not an end-entity certificate`, {
      subject: leaf.subjectDn,
      cA: leaf.basicConstraints?.cA ?? false,
      keyCertSign: leaf.keyUsage?.has('keyCertSign') ?? false,
    })
  }
}

/**
 * Refuses a leaf whose extKeyUsage, when present, names neither `purpose` nor
 * anyExtendedKeyUsage (ERR_WRONG_KEY_USAGE). No extKeyUsage means no restriction.
 */
export function checkExtendedKeyUsage(leaf: ParsedCertificate, purpose: string): void {
  const ekus = leaf.extKeyUsage
  if (!ekus || ekus.includes(purpose) || ekus.includes(ANY_EXTENDED_KEY_USAGE)) return
  const name = Object.entries(EkuOid).find(([, oid]) => oid === purpose)?.[0] ?? purpose
  refuse(LoginErrorCode.WrongKeyUsage, `The certificate's extKeyUsage does not allow ${name}`, { extKeyUsage: ekus.join(','), required: purpose })
}
