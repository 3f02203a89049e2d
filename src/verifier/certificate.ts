/**
 * A certificate parsed once into the facts path validation and login checks need, so each check
 * reads plain fields instead of walking pkijs structures again.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { sameBytes, toHex } from '../core/bytes.ts'
import { describeNameBrief } from './name.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import { AccessMethodOid, AlgorithmOid, ExtensionOid } from '../pki/oids.ts'
import { keyUsageNames, type KeyUsageName } from '../pki/extensions.ts'
import {
  decodePathExtension,
  type NameConstraintsFacts,
  type PathExtensionFacts,
  type PolicyConstraintsFacts,
  type PolicyMappingFact,
} from './extension-facts.ts'
import type { GeneralNameFact } from './general-names.ts'
import { profileProblems, type ProfileProblem } from './certificate-profile.ts'

/** A keyUsage bit name (src/pki's table; `nonRepudiation` is X.509's contentCommitment). */
export type KeyUsageBit = KeyUsageName

/** Public key facts used for the strength policy. */
export interface PublicKeyFacts {
  readonly algorithm: 'RSA' | 'EC' | 'other'
  /** RSA modulus size in bits. */
  readonly bits?: number
  /** EC named-curve OID. */
  readonly curve?: string
  /** The SPKI algorithm OID as written. */
  readonly oid: string
}

/** One certificate with the facts the verifier reads. */
export interface ParsedCertificate {
  readonly der: Uint8Array
  readonly cert: pkijs.Certificate
  /** Serial number as lower-case hex without leading zero bytes. */
  readonly serialHex: string
  readonly subjectDn: string
  readonly issuerDn: string
  readonly notBefore: Date
  readonly notAfter: Date
  readonly signatureAlgorithm: string
  readonly publicKey: PublicKeyFacts
  /** Present when the certificate has a basicConstraints extension. */
  readonly basicConstraints?: { readonly cA: boolean; readonly pathLen?: number }
  /** Present when the certificate has a keyUsage extension. */
  readonly keyUsage?: ReadonlySet<KeyUsageBit>
  /** Present when the certificate has an extKeyUsage extension. */
  readonly extKeyUsage?: readonly string[]
  readonly criticalExtensions: readonly string[]
  readonly subjectKeyId?: string
  readonly authorityKeyId?: string
  /** OCSP responder URLs from authorityInfoAccess. */
  readonly ocspUrls: readonly string[]
  /** CRL URLs from cRLDistributionPoints. */
  readonly crlUrls: readonly string[]
  /** Issuer and subject are the same name (RFC 5280 §6.1: self-issued). */
  readonly selfIssued: boolean
  readonly subjectAltNames?: readonly GeneralNameFact[]
  readonly nameConstraints?: NameConstraintsFacts
  /** Policy OIDs from certificatePolicies. */
  readonly policies?: readonly string[]
  readonly policyMappings?: readonly PolicyMappingFact[]
  readonly policyConstraints?: PolicyConstraintsFacts
  readonly inhibitAnyPolicy?: number
  /** RFC 5280 profile violations (MUST rules), refused when the certificate is on a path. */
  readonly profileProblems: readonly ProfileProblem[]
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0
  while (i < bytes.length - 1 && bytes[i] === 0) i++
  return bytes.subarray(i)
}

function rsaBits(modulus: Uint8Array): number {
  const m = stripLeadingZeros(modulus)
  const top = m[0] ?? 0
  return (m.length - 1) * 8 + (top === 0 ? 0 : Math.floor(Math.log2(top)) + 1)
}

function publicKeyFacts(spki: pkijs.PublicKeyInfo): PublicKeyFacts {
  const oid = spki.algorithm.algorithmId
  if (oid === AlgorithmOid.rsaEncryption || oid === AlgorithmOid.rsassaPss) {
    const rsa = pkijs.RSAPublicKey.fromBER(spki.subjectPublicKey.valueBlock.valueHexView as Uint8Array<ArrayBuffer>)
    return { algorithm: 'RSA', bits: rsaBits(rsa.modulus.valueBlock.valueHexView), oid }
  }
  if (oid === AlgorithmOid.ecPublicKey) {
    const params = spki.algorithm.algorithmParams
    const curve = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : undefined
    return curve ? { algorithm: 'EC', curve, oid } : { algorithm: 'EC', oid }
  }
  return { algorithm: 'other', oid }
}

function keyUsageBits(bits: asn1js.BitString): Set<KeyUsageBit> {
  return new Set(keyUsageNames(bits))
}

function accessUrls(names: pkijs.GeneralName[] | undefined): string[] {
  return (names ?? []).filter((n) => n.type === 6 && typeof n.value === 'string').map((n) => n.value as string)
}

function extensionValue(ext: pkijs.Extension): asn1js.AsnType {
  const bytes = ext.extnValue.valueBlock.valueHexView
  const parsed = asn1js.fromBER(bytes as Uint8Array<ArrayBuffer>)
  if (parsed.offset === -1 || parsed.offset !== bytes.length) throw new Error(`extension ${ext.extnID} is not DER`)
  return parsed.result
}

/**
 * Parses a DER certificate into {@link ParsedCertificate}; throws ERR_MALFORMED on anything that
 * is not a well-formed X.509 certificate (including malformed known extensions).
 */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  let cert: pkijs.Certificate
  try {
    cert = pkijs.Certificate.fromBER(der as Uint8Array<ArrayBuffer>)
  } catch (e) {
    return refuse(LoginErrorCode.Malformed, 'The certificate is not a valid X.509 certificate', {}, e)
  }
  try {
    const facts: {
      basicConstraints?: { cA: boolean; pathLen?: number }
      keyUsage?: Set<KeyUsageBit>
      extKeyUsage?: string[]
      subjectKeyId?: string
      authorityKeyId?: string
      ocspUrls: string[]
      crlUrls: string[]
    } & PathExtensionFacts = { ocspUrls: [], crlUrls: [] }
    const critical: string[] = []
    for (const ext of cert.extensions ?? []) {
      if (ext.critical) critical.push(ext.extnID)
      switch (ext.extnID) {
        case ExtensionOid.basicConstraints: {
          const bc = new pkijs.BasicConstraints({ schema: extensionValue(ext) })
          const pl = bc.pathLenConstraint
          const pathLen = pl === undefined ? undefined : typeof pl === 'number' ? pl : pl.valueBlock.valueDec
          facts.basicConstraints = pathLen === undefined ? { cA: bc.cA } : { cA: bc.cA, pathLen }
          break
        }
        case ExtensionOid.keyUsage: {
          const v = extensionValue(ext)
          if (!(v instanceof asn1js.BitString)) throw new Error('keyUsage is not a BIT STRING')
          facts.keyUsage = keyUsageBits(v)
          break
        }
        case ExtensionOid.extKeyUsage:
          facts.extKeyUsage = new pkijs.ExtKeyUsage({ schema: extensionValue(ext) }).keyPurposes
          if (facts.extKeyUsage.length === 0) throw new Error('extKeyUsage is empty') // SIZE (1..MAX)
          break
        case ExtensionOid.subjectKeyIdentifier: {
          const v = extensionValue(ext)
          if (!(v instanceof asn1js.OctetString)) throw new Error('subjectKeyIdentifier is not an OCTET STRING')
          facts.subjectKeyId = toHex(v.valueBlock.valueHexView)
          break
        }
        case ExtensionOid.authorityKeyIdentifier: {
          const aki = new pkijs.AuthorityKeyIdentifier({ schema: extensionValue(ext) })
          if (aki.keyIdentifier) facts.authorityKeyId = toHex(aki.keyIdentifier.valueBlock.valueHexView)
          break
        }
        case ExtensionOid.authorityInfoAccess: {
          const aia = new pkijs.InfoAccess({ schema: extensionValue(ext) })
          facts.ocspUrls = accessUrls(aia.accessDescriptions.filter((d) => d.accessMethod === AccessMethodOid.ocsp).map((d) => d.accessLocation))
          break
        }
        case ExtensionOid.crlDistributionPoints: {
          const cdp = new pkijs.CRLDistributionPoints({ schema: extensionValue(ext) })
          for (const dp of cdp.distributionPoints) {
            if (Array.isArray(dp.distributionPoint)) facts.crlUrls.push(...accessUrls(dp.distributionPoint as pkijs.GeneralName[]))
          }
          break
        }
        default:
          Object.assign(facts, decodePathExtension(ext.extnID, () => extensionValue(ext)))
      }
    }
    const parsed = {
      der,
      cert,
      serialHex: toHex(stripLeadingZeros(cert.serialNumber.valueBlock.valueHexView)),
      subjectDn: describeNameBrief(cert.subject),
      issuerDn: describeNameBrief(cert.issuer),
      notBefore: cert.notBefore.value,
      notAfter: cert.notAfter.value,
      signatureAlgorithm: cert.signatureAlgorithm.algorithmId,
      publicKey: publicKeyFacts(cert.subjectPublicKeyInfo),
      criticalExtensions: critical,
      selfIssued: cert.issuer.isEqual(cert.subject),
      ...facts,
    }
    return { ...parsed, profileProblems: profileProblems(der, cert, parsed) }
  } catch (e) {
    return refuse(LoginErrorCode.Malformed, 'The certificate has a malformed extension', {}, e)
  }
}

const parsedCache = new Map<string, ParsedCertificate>()
const latin1 = new TextDecoder('latin1')
const PARSED_CACHE_MAX = 2000

/**
 * The memo key: length and the last 48 bytes, which are signature bytes — as good as random
 * between certificates. Cheaper than turning the whole DER into a string on every sign-in; a
 * hit still counts only after a full byte comparison, so a certificate crafted to share the
 * tail of another one can at worst evict it, never be taken for it.
 */
function cacheKey(der: Uint8Array): string {
  return `${der.length}:${latin1.decode(der.subarray(Math.max(0, der.length - 48)))}`
}

/**
 * {@link parseCertificate} with a memo: sign-ins repeat the same few certificates (a user's own,
 * the CA's), and a parsed certificate is immutable. Entries are checked against the full DER, so
 * a different certificate can never hit another's entry.
 */
export function parseCertificateCached(der: Uint8Array): ParsedCertificate {
  const key = cacheKey(der)
  const hit = parsedCache.get(key)
  if (hit && sameBytes(hit.der, der)) return hit
  const parsed = parseCertificate(der.slice())
  if (!hit && parsedCache.size >= PARSED_CACHE_MAX) {
    const oldest = parsedCache.keys().next().value
    if (oldest !== undefined) parsedCache.delete(oldest)
  }
  parsedCache.set(key, parsed)
  return parsed
}
