/**
 * X.509 extensions shared by CSRs and certificates: encode keyUsage/EKU/SAN for requests, and
 * read any extension list into plain, display-ready data.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { AccessMethodOid, EkuRole, ExtensionOid, PolicyName, PolicyQualifierOid } from './oids.ts'
import { toHex } from '../core/bytes.ts'

/** keyUsage bits in RFC 5280 order (bit 0 first). */
export const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const

/** One keyUsage bit by name. `nonRepudiation` is X.509's `contentCommitment`. */
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number]

/**
 * The minimal DER BIT STRING for a set of key usages (trailing zero bits trimmed, as DER requires).
 * @example keyUsageBitString(['digitalSignature', 'keyEncipherment']) // 03 02 05 a0
 */
export function keyUsageBitString(names: readonly KeyUsageName[]): asn1js.BitString {
  const bits = names.map((n) => KEY_USAGE_NAMES.indexOf(n)).filter((i) => i >= 0)
  if (bits.length === 0) return new asn1js.BitString({ valueHex: new ArrayBuffer(0), unusedBits: 0 })
  const highest = Math.max(...bits)
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1)
  for (const i of bits) bytes[i >> 3]! |= 0x80 >> (i & 7)
  return new asn1js.BitString({ valueHex: bytes.buffer, unusedBits: 7 - (highest & 7) })
}

/** The key usage names set in a keyUsage BIT STRING. */
export function keyUsageNames(bitString: asn1js.BitString): KeyUsageName[] {
  const bytes = bitString.valueBlock.valueHexView
  return KEY_USAGE_NAMES.filter((_, i) => ((bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0)
}

/** An EKU OID with its role name when it has one (clientAuth, ncaIndividual…). */
export interface EkuInfo {
  readonly oid: string
  readonly role?: string
}

/** A certificate policy with its NCA name and CPS URI when present. */
export interface PolicyInfo {
  readonly oid: string
  readonly name?: string
  readonly cps?: string
}

/** Everything `pki` understands in an extension list; absent extensions are absent fields. */
export interface ExtensionsInfo {
  readonly keyUsage?: readonly KeyUsageName[]
  readonly extKeyUsage?: readonly EkuInfo[]
  /** rfc822Name entries of subjectAltName. */
  readonly emails: readonly string[]
  readonly dnsNames: readonly string[]
  readonly policies: readonly PolicyInfo[]
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number }
  /** Hex. */
  readonly subjectKeyIdentifier?: string
  /** Hex keyIdentifier of AuthorityKeyIdentifier. */
  readonly authorityKeyIdentifier?: string
  readonly ocspUrls: readonly string[]
  readonly caIssuersUrls: readonly string[]
  readonly crlUrls: readonly string[]
  /** freshestCRL (delta CRL) URLs. */
  readonly deltaCrlUrls: readonly string[]
  /** OIDs of critical extensions. */
  readonly critical: readonly string[]
  /** OIDs of extensions not described above (or that failed to parse). */
  readonly other: readonly string[]
}

function uris(names: readonly pkijs.GeneralName[] | undefined): string[] {
  return (names ?? []).filter((n) => n.type === 6 && typeof n.value === 'string').map((n) => n.value as string)
}

function distributionUrls(value: unknown): string[] {
  const points = (value as pkijs.CRLDistributionPoints).distributionPoints ?? []
  return points.flatMap((p) => (Array.isArray(p.distributionPoint) ? uris(p.distributionPoint) : []))
}

function cpsOf(policy: pkijs.PolicyInformation): string | undefined {
  const q = policy.policyQualifiers?.find((x) => x.policyQualifierId === PolicyQualifierOid.cps)
  const v = (q?.qualifier as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value
  return typeof v === 'string' ? v : undefined
}

/** Parses one extension value into the fields of `out`; false when it is not one we read. */
function readOne(ext: pkijs.Extension, out: Record<string, unknown>): boolean {
  const v: unknown = ext.parsedValue
  if (v === undefined || (v as { parsingError?: string }).parsingError) return false
  switch (ext.extnID) {
    case ExtensionOid.keyUsage:
      if (!(v instanceof asn1js.BitString)) return false
      out.keyUsage = keyUsageNames(v)
      return true
    case ExtensionOid.extKeyUsage:
      out.extKeyUsage = (v as pkijs.ExtKeyUsage).keyPurposes.map((oid) => (EkuRole[oid] ? { oid, role: EkuRole[oid] } : { oid }))
      return true
    case ExtensionOid.subjectAltName: {
      const names = (v as pkijs.AltName).altNames ?? []
      out.emails = names.filter((n) => n.type === 1).map((n) => String(n.value))
      out.dnsNames = names.filter((n) => n.type === 2).map((n) => String(n.value))
      return true
    }
    case ExtensionOid.certificatePolicies:
      out.policies = (v as pkijs.CertificatePolicies).certificatePolicies.map((p) => {
        const name = PolicyName[p.policyIdentifier]
        const cps = cpsOf(p)
        return { oid: p.policyIdentifier, ...(name ? { name } : {}), ...(cps ? { cps } : {}) }
      })
      return true
    case ExtensionOid.basicConstraints: {
      const bc = v as pkijs.BasicConstraints
      const len = bc.pathLenConstraint
      const pathLength = typeof len === 'number' ? len : len?.valueBlock.valueDec
      out.basicConstraints = { ca: bc.cA, ...(pathLength !== undefined ? { pathLength } : {}) }
      return true
    }
    case ExtensionOid.subjectKeyIdentifier:
      if (!(v instanceof asn1js.OctetString)) return false
      out.subjectKeyIdentifier = toHex(v.valueBlock.valueHexView)
      return true
    case ExtensionOid.authorityKeyIdentifier: {
      const id = (v as pkijs.AuthorityKeyIdentifier).keyIdentifier
      if (id) out.authorityKeyIdentifier = toHex(id.valueBlock.valueHexView)
      return true
    }
    case ExtensionOid.authorityInfoAccess: {
      const ads = (v as pkijs.InfoAccess).accessDescriptions
      out.ocspUrls = ads.filter((a) => a.accessMethod === AccessMethodOid.ocsp).flatMap((a) => uris([a.accessLocation]))
      out.caIssuersUrls = ads.filter((a) => a.accessMethod === AccessMethodOid.caIssuers).flatMap((a) => uris([a.accessLocation]))
      return true
    }
    case ExtensionOid.crlDistributionPoints:
      out.crlUrls = distributionUrls(v)
      return true
    case ExtensionOid.freshestCrl:
      out.deltaCrlUrls = distributionUrls(v)
      return true
    default:
      return false
  }
}

/** Reads an extension list (certificate `extensions` or a CSR's extensionRequest). */
export function readExtensions(extensions: readonly pkijs.Extension[] | undefined): ExtensionsInfo {
  const out: Record<string, unknown> = {
    emails: [],
    dnsNames: [],
    policies: [],
    ocspUrls: [],
    caIssuersUrls: [],
    crlUrls: [],
    deltaCrlUrls: [],
  }
  const critical: string[] = []
  const other: string[] = []
  for (const ext of extensions ?? []) {
    if (ext.critical) critical.push(ext.extnID)
    let known = false
    try {
      known = readOne(ext, out)
    } catch {
      known = false // a broken extension is reported in `other`, the rest stays readable
    }
    if (!known) other.push(ext.extnID)
  }
  return { ...out, critical, other } as unknown as ExtensionsInfo
}

/** Extensions a CSR asks for: keyUsage (critical), extKeyUsage, subjectAltName e-mail. */
export function requestedExtensions(opts: {
  readonly keyUsage?: readonly KeyUsageName[]
  readonly extKeyUsage?: readonly string[]
  readonly email?: string
}): pkijs.Extension[] {
  const exts: pkijs.Extension[] = []
  if (opts.keyUsage?.length) {
    exts.push(
      new pkijs.Extension({
        extnID: ExtensionOid.keyUsage,
        critical: true,
        extnValue: keyUsageBitString(opts.keyUsage).toBER(false),
      }),
    )
  }
  if (opts.extKeyUsage?.length) {
    const eku = new pkijs.ExtKeyUsage({ keyPurposes: [...opts.extKeyUsage] })
    exts.push(new pkijs.Extension({ extnID: ExtensionOid.extKeyUsage, extnValue: eku.toSchema().toBER(false) }))
  }
  if (opts.email) {
    const san = new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 1, value: opts.email })] })
    exts.push(new pkijs.Extension({ extnID: ExtensionOid.subjectAltName, extnValue: san.toSchema().toBER(false) }))
  }
  return exts
}
