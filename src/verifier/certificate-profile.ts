/**
 * The RFC 5280 profile rules a verifier can check on one certificate alone (the MUSTs of §4.1
 * and §4.2), computed once when the certificate is parsed and refused when it is used on a path.
 * A certificate a conforming CA cannot have issued is refused rather than interpreted: two
 * implementations reading such a certificate differently is how path-validation bypasses start
 * (a duplicate extension whose second copy one library takes and another ignores).
 *
 * Decisions where the RFC leaves room, documented in src/verifier/README.md:
 * - times: UTCTime must be `YYMMDDHHMMSSZ`, GeneralizedTime `YYYYMMDDHHMMSSZ`, and dates
 *   before 2050 must be UTCTime (§4.1.2.5) — all refused otherwise (OpenSSL is laxer);
 * - AKI is required in every certificate that is not self-issued (§4.2.1.1 exempts only
 *   self-signed ones; a self-issued key-rollover certificate without AKI is tolerated);
 * - basicConstraints must be critical in a CA certificate (§4.2.1.9) — refused otherwise;
 * - serial numbers that are zero, negative or longer than 20 octets are refused, although
 *   §4.1.2.2 asks users to "gracefully handle" the first two: a CA that issues them is not one a
 *   relying party should trust silently (NCA serials are positive 20-octet values);
 * - the certificate must be DER (§4.1: "encoded using DER"): every level of the certificate, the
 *   values of the extensions the verifier decodes, the RSA key and the ECDSA signature inside their
 *   BIT STRINGs, and no unused bits in the signature or subjectPublicKey. The signed part of a
 *   BER variant is unchanged, so it still verifies, but its bytes and fingerprint are not the ones
 *   the CA issued. OpenSSL refuses only some of these (unused bits, a non-DER signature, bad
 *   INTEGER or OID encodings); it reads long-form lengths, indefinite lengths and BOOLEAN 0x01.
 */
import type * as pkijs from 'pkijs'
import { sameBytes } from '../core/bytes.ts'
import { AlgorithmOid, ExtensionOid } from '../pki/oids.ts'
import { childrenOf, DerError, oidOf, readTlv, valueOf, type Tlv } from '../pki/der-reader.ts'
import { assertStrictDer } from '../pki/der-strict.ts'
import { LoginErrorCode } from './errors.ts'
import { PathExtensionOid, ANY_POLICY } from './extension-facts.ts'
import { altNameProblem, type GeneralNameFact } from './general-names.ts'

/** One violated MUST: the code it is refused with and a stable rule name for logs and tests. */
export interface ProfileProblem {
  readonly code: LoginErrorCode
  readonly rule: string
  readonly message: string
}

/** What the rules read besides the raw DER (the facts certificate.ts decoded). */
interface ProfileFacts {
  readonly basicConstraints?: { readonly cA: boolean }
  readonly keyUsage?: ReadonlySet<string>
  readonly subjectKeyId?: string
  readonly selfIssued: boolean
  readonly subjectAltNames?: readonly GeneralNameFact[]
  readonly policyMappings?: readonly { readonly issuerDomainPolicy: string; readonly subjectDomainPolicy: string }[]
}

const UTC_TIME = /^\d{12}Z$/
const GENERALIZED_TIME = /^\d{14}Z$/

function timeProblem(der: Uint8Array, t: Tlv, field: string): string | undefined {
  if (t.end - t.valueStart > 32) return `${field} is ${t.end - t.valueStart} bytes long, not a time`
  const text = String.fromCharCode(...valueOf(der, t))
  if (t.tag === 0x17) {
    if (!UTC_TIME.test(text)) return `${field} UTCTime "${text}" is not YYMMDDHHMMSSZ`
    return undefined
  }
  if (t.tag === 0x18) {
    if (!GENERALIZED_TIME.test(text)) return `${field} GeneralizedTime "${text}" is not YYYYMMDDHHMMSSZ`
    if (Number(text.slice(0, 4)) < 2050) return `${field} ${text.slice(0, 4)} must be a UTCTime (dates before 2050)`
    return undefined
  }
  return `${field} is neither UTCTime nor GeneralizedTime`
}

function serialProblem(serial: Uint8Array): string | undefined {
  if (serial.length > 20) return `the serial number is ${serial.length} octets long (at most 20)`
  if (((serial[0] ?? 0) & 0x80) !== 0) return 'the serial number is negative'
  if (serial.every((b) => b === 0)) return 'the serial number is zero'
  return undefined
}

/** The extensions certificate.ts decodes: their values must be DER too (the others are opaque). */
const DECODED_EXTENSIONS: ReadonlySet<string> = new Set([
  ExtensionOid.basicConstraints,
  ExtensionOid.keyUsage,
  ExtensionOid.extKeyUsage,
  ExtensionOid.subjectKeyIdentifier,
  ExtensionOid.authorityKeyIdentifier,
  ExtensionOid.authorityInfoAccess,
  ExtensionOid.crlDistributionPoints,
  ExtensionOid.subjectAltName,
  ExtensionOid.nameConstraints,
  ExtensionOid.certificatePolicies,
  ExtensionOid.policyMappings,
  ExtensionOid.policyConstraints,
  ExtensionOid.inhibitAnyPolicy,
])

const ECDSA_SIGNATURE_ARC = '1.2.840.10045.4.'

/** The BIT STRING's bits when it declares no unused bits; otherwise the reason it does not. */
function wholeOctets(der: Uint8Array, t: Tlv | undefined, field: string): Uint8Array | string {
  if (!t || t.tag !== 0x03 || t.end === t.valueStart) return `${field} is not a BIT STRING`
  const unused = der[t.valueStart] as number
  return unused === 0 ? der.subarray(t.valueStart + 1, t.end) : `${field} declares ${unused} unused bits`
}

/** Why the certificate is not DER, or undefined when it is (see the header comment). */
function derProblem(der: Uint8Array, cert: pkijs.Certificate): string | undefined {
  try {
    assertStrictDer(der)
    const outer = readTlv(der, 0)
    const [tbs, outerAlg, signature] = childrenOf(der, outer)
    const tbsFields = childrenOf(der, tbs as Tlv)
    const spki = tbsFields[(tbsFields[0]?.tag === 0xa0 ? 1 : 0) + 5]
    const signatureBits = wholeOctets(der, signature, 'the signature')
    if (typeof signatureBits === 'string') return signatureBits
    const [spkiAlg, spkiKey] = spki ? childrenOf(der, spki) : []
    const keyBits = wholeOctets(der, spkiKey, 'subjectPublicKey')
    if (typeof keyBits === 'string') return keyBits
    const keyOid = spkiAlg ? oidOf(valueOf(der, childrenOf(der, spkiAlg)[0] as Tlv)) : ''
    if (keyOid === AlgorithmOid.rsaEncryption || keyOid === AlgorithmOid.rsassaPss) assertStrictDer(keyBits)
    const signatureOid = outerAlg ? oidOf(valueOf(der, childrenOf(der, outerAlg)[0] as Tlv)) : ''
    if (signatureOid.startsWith(ECDSA_SIGNATURE_ARC)) assertStrictDer(signatureBits)
    for (const ext of cert.extensions ?? []) {
      if (DECODED_EXTENSIONS.has(ext.extnID)) assertStrictDer(ext.extnValue.valueBlock.valueHexView)
    }
    return undefined
  } catch (e) {
    if (e instanceof DerError) return e.message
    throw e
  }
}

/** The problems of one certificate (empty for a conforming one). */
export function profileProblems(der: Uint8Array, cert: pkijs.Certificate, facts: ProfileFacts): ProfileProblem[] {
  const out: ProfileProblem[] = []
  const add = (rule: string, message: string, code: LoginErrorCode = LoginErrorCode.CertProfile) => out.push({ code, rule, message })

  // The reads below assume DER (a BER certificate may not even be readable by them).
  const notDer = derProblem(der, cert)
  if (notDer) return [{ code: LoginErrorCode.CertProfile, rule: 'der-encoding', message: `the certificate is not DER: ${notDer} (§4.1)` }]

  // Raw fields pkijs normalises away: serial bytes, time encodings, both signature algorithms.
  const outer = readTlv(der, 0)
  const [tbs, outerAlg] = childrenOf(der, outer)
  const tbsFields = childrenOf(der, tbs as Tlv)
  const offset = tbsFields[0]?.tag === 0xa0 ? 1 : 0
  const [serial, innerAlg, , validity] = tbsFields.slice(offset)
  const serialBytes = valueOf(der, serial as Tlv)
  const serialIssue = serialProblem(serialBytes)
  if (serialIssue) add('serial-number', serialIssue, LoginErrorCode.InvalidSerial)
  if (!innerAlg || !outerAlg || !sameBytes(valueOf(der, innerAlg), valueOf(der, outerAlg))) {
    add('signature-algorithm-mismatch', 'signatureAlgorithm differs from the signature field inside the certificate (§4.1.1.2)')
  }
  const [notBefore, notAfter] = childrenOf(der, validity as Tlv)
  for (const [t, field] of [[notBefore, 'notBefore'], [notAfter, 'notAfter']] as const) {
    const issue = t ? timeProblem(der, t, field) : `${field} is missing`
    if (issue) add('time-encoding', issue)
  }

  const extensions = cert.extensions ?? []
  const seen = new Set<string>()
  for (const ext of extensions) {
    if (seen.has(ext.extnID)) add('duplicate-extension', `extension ${ext.extnID} appears twice (§4.2)`, LoginErrorCode.DuplicateExtension)
    seen.add(ext.extnID)
  }
  const critical = (oid: string) => extensions.find((e) => e.extnID === oid)?.critical
  const isCa = facts.basicConstraints?.cA === true
  const emptySubject = cert.subject.typesAndValues.length === 0

  if (cert.issuer.typesAndValues.length === 0) add('empty-issuer', 'the issuer name is empty (§4.1.2.4)')
  if (isCa && emptySubject) add('ca-empty-subject', 'a CA certificate has an empty subject (§4.1.2.6)')
  if (emptySubject && (!facts.subjectAltNames || critical(ExtensionOid.subjectAltName) !== true)) {
    add('empty-subject-san', 'the subject is empty and subjectAltName is missing or not critical (§4.2.1.6)')
  }
  if (cert.version >= 2) {
    if (!facts.selfIssued && critical(ExtensionOid.authorityKeyIdentifier) === undefined) {
      add('missing-aki', 'authorityKeyIdentifier is missing in a certificate that is not self-signed (§4.2.1.1)')
    }
    if (isCa && facts.subjectKeyId === undefined) add('missing-ski', 'subjectKeyIdentifier is missing in a CA certificate (§4.2.1.2)')
  }
  if (critical(ExtensionOid.authorityKeyIdentifier)) add('critical-aki', 'authorityKeyIdentifier is marked critical (§4.2.1.1)')
  if (critical(ExtensionOid.subjectKeyIdentifier)) add('critical-ski', 'subjectKeyIdentifier is marked critical (§4.2.1.2)')
  if (critical(ExtensionOid.authorityInfoAccess)) add('critical-aia', 'authorityInfoAccess is marked critical (§4.2.2.1)')
  if (isCa && critical(ExtensionOid.basicConstraints) === false) add('basic-constraints-not-critical', 'basicConstraints is not critical in a CA certificate (§4.2.1.9)')
  if (facts.keyUsage?.has('keyCertSign') && !isCa) add('key-cert-sign-without-ca', 'keyCertSign is set but basicConstraints cA is not (§4.2.1.3)')
  if (critical(PathExtensionOid.nameConstraints) !== undefined) {
    if (!isCa) add('name-constraints-not-ca', 'nameConstraints in a certificate that is not a CA (§4.2.1.10)')
    if (critical(PathExtensionOid.nameConstraints) === false) add('name-constraints-not-critical', 'nameConstraints is not critical (§4.2.1.10)')
  }
  if (critical(PathExtensionOid.policyConstraints) === false) add('policy-constraints-not-critical', 'policyConstraints is not critical (§4.2.1.11)')
  if (critical(PathExtensionOid.inhibitAnyPolicy) === false) add('inhibit-any-policy-not-critical', 'inhibitAnyPolicy is not critical (§4.2.1.14)')
  if (facts.policyMappings?.some((m) => m.issuerDomainPolicy === ANY_POLICY || m.subjectDomainPolicy === ANY_POLICY)) {
    add('policy-mapping-any-policy', 'policyMappings maps to or from anyPolicy (§4.2.1.5)')
  }
  for (const name of facts.subjectAltNames ?? []) {
    const issue = altNameProblem(name)
    if (issue) add('malformed-san', `subjectAltName: ${issue}`)
  }
  return out
}
