/**
 * Decoders for the extensions path validation reads beyond the basic ones in certificate.ts:
 * subjectAltName, nameConstraints and the four policy extensions. Each takes the decoded
 * extnValue and returns plain data; a structure that does not decode throws (the caller turns
 * that into ERR_MALFORMED).
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { generalNameFact, type GeneralNameFact } from './general-names.ts'
import { ANY_POLICY, ExtensionOid } from '../pki/oids.ts'

/** Extension OIDs used only by the verifier's RFC 5280 processing. */
export const PathExtensionOid = {
  nameConstraints: ExtensionOid.nameConstraints,
  policyMappings: ExtensionOid.policyMappings,
  policyConstraints: ExtensionOid.policyConstraints,
  inhibitAnyPolicy: ExtensionOid.inhibitAnyPolicy,
} as const

export { ANY_POLICY }

/** One GeneralSubtree; `unsupported` says why it cannot be evaluated (minimum/maximum set). */
export interface Subtree {
  readonly base: GeneralNameFact
  readonly unsupported?: string
}

export interface NameConstraintsFacts {
  /** Undefined when permittedSubtrees is absent (no restriction), as distinct from present. */
  readonly permitted?: readonly Subtree[]
  readonly excluded: readonly Subtree[]
}

export interface PolicyConstraintsFacts {
  readonly requireExplicitPolicy?: number
  readonly inhibitPolicyMapping?: number
}

export interface PolicyMappingFact {
  readonly issuerDomainPolicy: string
  readonly subjectDomainPolicy: string
}

function integerValue(v: number | asn1js.Integer | undefined): number | undefined {
  if (v === undefined) return undefined
  return typeof v === 'number' ? v : v.valueBlock.valueDec
}

function subtree(s: pkijs.GeneralSubtree): Subtree {
  const base = generalNameFact(s.base)
  const min = integerValue(s.minimum) ?? 0
  if (min !== 0 || s.maximum !== undefined) return { base, unsupported: 'minimum/maximum in a GeneralSubtree (RFC 5280 §4.2.1.10: MUST be 0/absent)' }
  return { base }
}

/** subjectAltName → names; an empty SEQUENCE throws (SIZE (1..MAX)). */
export function decodeSubjectAltName(value: asn1js.AsnType): GeneralNameFact[] {
  const names = new pkijs.AltName({ schema: value }).altNames
  if (names.length === 0) throw new Error('subjectAltName is empty')
  return names.map(generalNameFact)
}

/** nameConstraints; both subtrees absent or empty throws (RFC 5280 §4.2.1.10). */
export function decodeNameConstraints(value: asn1js.AsnType): NameConstraintsFacts {
  const nc = new pkijs.NameConstraints({ schema: value })
  const permitted = nc.permittedSubtrees?.map(subtree)
  const excluded = (nc.excludedSubtrees ?? []).map(subtree)
  if ((permitted?.length ?? 0) === 0 && excluded.length === 0) throw new Error('nameConstraints has neither permitted nor excluded subtrees')
  if (permitted && permitted.length === 0) throw new Error('nameConstraints has an empty permittedSubtrees')
  return permitted ? { permitted, excluded } : { excluded }
}

/** certificatePolicies → policy OIDs; a repeated OID throws (§4.2.1.4: MUST NOT appear more than once). */
export function decodeCertificatePolicies(value: asn1js.AsnType): string[] {
  const oids = new pkijs.CertificatePolicies({ schema: value }).certificatePolicies.map((p) => p.policyIdentifier)
  if (oids.length === 0) throw new Error('certificatePolicies is empty')
  if (new Set(oids).size !== oids.length) throw new Error('certificatePolicies names a policy twice')
  return oids
}

export function decodePolicyMappings(value: asn1js.AsnType): PolicyMappingFact[] {
  const mappings = new pkijs.PolicyMappings({ schema: value }).mappings
  if (mappings.length === 0) throw new Error('policyMappings is empty')
  return mappings.map((m) => ({ issuerDomainPolicy: m.issuerDomainPolicy, subjectDomainPolicy: m.subjectDomainPolicy }))
}

/** policyConstraints (read directly: pkijs keeps the implicit INTEGERs as raw blocks). */
export function decodePolicyConstraints(value: asn1js.AsnType): PolicyConstraintsFacts {
  if (!(value instanceof asn1js.Sequence)) throw new Error('policyConstraints is not a SEQUENCE')
  const out: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } = {}
  for (const item of value.valueBlock.value) {
    const tag = item.idBlock.tagNumber
    if (item.idBlock.tagClass !== 3 || (tag !== 0 && tag !== 1)) throw new Error('policyConstraints has an unexpected field')
    const bytes = (item.valueBlock as { valueHexView?: Uint8Array }).valueHexView
    if (!bytes || bytes.length === 0 || bytes.length > 4 || (bytes[0] as number) & 0x80) throw new Error('policyConstraints SkipCerts is not a small non-negative INTEGER')
    const n = bytes.reduce((acc, b) => acc * 256 + b, 0)
    if (tag === 0) out.requireExplicitPolicy = n
    else out.inhibitPolicyMapping = n
  }
  if (out.requireExplicitPolicy === undefined && out.inhibitPolicyMapping === undefined) throw new Error('policyConstraints is empty')
  return out
}

export function decodeInhibitAnyPolicy(value: asn1js.AsnType): number {
  if (!(value instanceof asn1js.Integer) || value.valueBlock.isHexOnly || value.valueBlock.valueDec < 0) {
    throw new Error('inhibitAnyPolicy is not a small non-negative INTEGER')
  }
  return value.valueBlock.valueDec
}

/** The facts the decoders above give, named as the fields of ParsedCertificate they fill. */
export interface PathExtensionFacts {
  subjectAltNames?: GeneralNameFact[]
  nameConstraints?: NameConstraintsFacts
  policies?: string[]
  policyMappings?: PolicyMappingFact[]
  policyConstraints?: PolicyConstraintsFacts
  inhibitAnyPolicy?: number
}

const PATH_EXTENSION_DECODERS: ReadonlyMap<string, (value: asn1js.AsnType) => PathExtensionFacts> = new Map<string, (value: asn1js.AsnType) => PathExtensionFacts>([
  [ExtensionOid.subjectAltName, (v) => ({ subjectAltNames: decodeSubjectAltName(v) })],
  [ExtensionOid.nameConstraints, (v) => ({ nameConstraints: decodeNameConstraints(v) })],
  [ExtensionOid.certificatePolicies, (v) => ({ policies: decodeCertificatePolicies(v) })],
  [ExtensionOid.policyMappings, (v) => ({ policyMappings: decodePolicyMappings(v) })],
  [ExtensionOid.policyConstraints, (v) => ({ policyConstraints: decodePolicyConstraints(v) })],
  [ExtensionOid.inhibitAnyPolicy, (v) => ({ inhibitAnyPolicy: decodeInhibitAnyPolicy(v) })],
])

/**
 * Decodes the extension `oid` when it is one of those above; undefined for any other OID, whose
 * `value` is then never read.
 */
export function decodePathExtension(oid: string, value: () => asn1js.AsnType): PathExtensionFacts | undefined {
  const decode = PATH_EXTENSION_DECODERS.get(oid)
  return decode ? decode(value()) : undefined
}
