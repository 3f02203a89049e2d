/**
 * Name constraints (RFC 5280 §4.2.1.10, §6.1.3(b)(c), §6.1.4(g)) for directoryName,
 * rfc822Name, dNSName, iPAddress and URI. The state is kept as the list of permitted-subtree
 * sets met so far plus every excluded subtree: a name must fall in each set that constrains its
 * form and in no excluded subtree, which is exactly the intersection/union of §6.1.4(g) without
 * computing intersections of subtrees.
 *
 * Fail closed: a constraint in a form we cannot evaluate (otherName, x400Address, ediPartyName,
 * registeredID, minimum/maximum set), a malformed constraint, or a URI without a host, refuses
 * the path when a name of that form appears below it (§4.2.1.10 "MUST either process the
 * constraint or reject the certificate"). A wildcard dNSName (`*.example.com`) is treated as
 * every name it may match (CVE-2025-61727): it is permitted only when all of them are, and
 * refused when any of them is excluded.
 */
import type * as pkijs from 'pkijs'
import { NameOid } from '../pki/oids.ts'
import type { ParsedCertificate } from './certificate.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import type { NameConstraintsFacts, Subtree } from './extension-facts.ts'
import { isValidDnsName, isValidMailbox, uriHost, type GeneralNameFact } from './general-names.ts'

/**
 * Most (name × subtree) comparisons one certificate may cost. A CA with thousands of subtrees
 * over a certificate with thousands of names is a denial of service (x509-limbo nc-dos-*);
 * OpenSSL refuses such pairs the same way.
 */
const MAX_COMPARISONS = 1 << 16

/** Permitted sets (one per constraining CA) and excluded subtrees met so far on the path. */
export interface NameConstraintState {
  readonly permitted: readonly (readonly Subtree[])[]
  readonly excluded: readonly Subtree[]
}

export const EMPTY_NAME_CONSTRAINTS: NameConstraintState = { permitted: [], excluded: [] }

/** The state after a CA certificate with `nc` (§6.1.4(g)). */
export function addNameConstraints(state: NameConstraintState, nc: NameConstraintsFacts): NameConstraintState {
  return {
    permitted: nc.permitted ? [...state.permitted, nc.permitted] : state.permitted,
    excluded: [...state.excluded, ...nc.excluded],
  }
}

function lower(s: string): string {
  return s.toLowerCase()
}

function dnsWithin(name: string, base: string): boolean {
  if (base === '') return true
  return name === base || name.endsWith(`.${base}`)
}

/** Why a constraint base cannot be evaluated, or undefined when it can. */
function constraintProblem(subtree: Subtree): string | undefined {
  if (subtree.unsupported) return subtree.unsupported
  const base = subtree.base
  switch (base.kind) {
    case 'dns':
      return base.value === '' || isValidDnsName(base.value, false) ? undefined : `dNSName constraint "${base.value}" is not a host name`
    case 'email': {
      const v = base.value
      if (v.includes('@')) return isValidMailbox(v) ? undefined : `rfc822Name constraint "${v}" is not a mailbox`
      const host = v.startsWith('.') ? v.slice(1) : v
      return isValidDnsName(host, false) ? undefined : `rfc822Name constraint "${v}" is not a host or domain`
    }
    case 'uri': {
      const host = base.value.startsWith('.') ? base.value.slice(1) : base.value
      return isValidDnsName(host, false) ? undefined : `URI constraint "${base.value}" is not a host or domain`
    }
    case 'ip': {
      const n = base.bytes.length
      if (n !== 8 && n !== 32) return `iPAddress constraint of ${n} bytes is not an address and mask`
      const mask = base.bytes.subarray(n / 2)
      const bits = [...mask].map((b) => b.toString(2).padStart(8, '0')).join('')
      if (!/^1*0*$/.test(bits)) return 'iPAddress constraint mask is not a CIDR prefix'
      return undefined
    }
    case 'dn':
      return undefined
    default:
      return `constraints on name form [${base.tag}] are not supported`
  }
}

function rdnPrefix(prefix: pkijs.RelativeDistinguishedNames, name: pkijs.RelativeDistinguishedNames): boolean {
  const p = prefix.typesAndValues
  const n = name.typesAndValues
  if (p.length > n.length) return false
  return p.every((tv, i) => tv.isEqual(n[i] as pkijs.AttributeTypeAndValue))
}

/**
 * How `name` relates to `subtree`: 'in' (every name it denotes is inside), 'partly' (a wildcard
 * some of whose names are inside) or 'out'. Both are of the same form; the constraint is valid.
 */
function relation(name: GeneralNameFact, base: GeneralNameFact): 'in' | 'partly' | 'out' {
  if (name.kind === 'dns' && base.kind === 'dns') {
    const n = lower(name.value)
    const b = lower(base.value)
    if (n.startsWith('*.')) {
      const parent = n.slice(2)
      if (dnsWithin(parent, b)) return 'in' // every x.parent is under b
      return b.endsWith(`.${parent}`) ? 'partly' : 'out' // b lies under parent: some x.parent may be b
    }
    return dnsWithin(n, b) ? 'in' : 'out'
  }
  if (name.kind === 'email' && base.kind === 'email') {
    const at = name.value.lastIndexOf('@')
    const domain = lower(name.value.slice(at + 1))
    const b = base.value
    if (b.includes('@')) {
      const bAt = b.lastIndexOf('@')
      return name.value.slice(0, at) === b.slice(0, bAt) && domain === lower(b.slice(bAt + 1)) ? 'in' : 'out'
    }
    if (b.startsWith('.')) return domain.endsWith(lower(b)) ? 'in' : 'out'
    return domain === lower(b) ? 'in' : 'out'
  }
  if (name.kind === 'uri' && base.kind === 'uri') {
    const host = uriHost(name.value) as string
    const b = lower(base.value)
    return (b.startsWith('.') ? host.endsWith(b) : host === b) ? 'in' : 'out'
  }
  if (name.kind === 'ip' && base.kind === 'ip') {
    const n = name.bytes
    if (base.bytes.length !== n.length * 2) return 'out'
    for (let i = 0; i < n.length; i++) {
      const mask = base.bytes[n.length + i] as number
      if (((n[i] as number) & mask) !== ((base.bytes[i] as number) & mask)) return 'out'
    }
    return 'in'
  }
  if (name.kind === 'dn' && base.kind === 'dn') return rdnPrefix(base.name, name.name) ? 'in' : 'out'
  return 'out'
}

/** The names of `cert` that constraints apply to (§4.2.1.10): subject DN, its emailAddress, SAN. */
function constrainedNames(cert: ParsedCertificate): GeneralNameFact[] {
  const names: GeneralNameFact[] = []
  const subject = cert.cert.subject
  if (subject.typesAndValues.length > 0) names.push({ kind: 'dn', name: subject })
  for (const tv of subject.typesAndValues) {
    if (tv.type === NameOid.email) names.push({ kind: 'email', value: String((tv.value.valueBlock as { value?: unknown }).value ?? '') })
  }
  names.push(...(cert.subjectAltNames ?? []))
  return names
}

function nameText(name: GeneralNameFact): string {
  switch (name.kind) {
    case 'dn':
      return 'the subject name'
    case 'ip':
      return `IP address ${[...name.bytes].join(name.bytes.length === 4 ? '.' : ':')}`
    case 'other':
      return `a name of form [${name.tag}]`
    default:
      return `"${name.value}"`
  }
}

/** Same form; the unsupported forms only match their own tag. */
function sameForm(name: GeneralNameFact, base: GeneralNameFact): boolean {
  if (name.kind === 'other') return base.kind === 'other' && name.tag === base.tag
  return name.kind === base.kind
}

/**
 * Refuses `cert` when one of its names breaks `state` (ERR_NAME_CONSTRAINTS). `cert` is below
 * every CA whose constraints are in `state`; the caller skips self-issued intermediates.
 */
export function checkNameConstraints(cert: ParsedCertificate, state: NameConstraintState): void {
  if (state.permitted.length === 0 && state.excluded.length === 0) return
  const names = constrainedNames(cert)
  const subtreeCount = state.excluded.length + state.permitted.reduce((n, set) => n + set.length, 0)
  if (names.length * subtreeCount > MAX_COMPARISONS) {
    refuse(LoginErrorCode.NameConstraints, `"${cert.subjectDn}" has ${names.length} names under ${subtreeCount} name constraints: too many to check`, {
      subject: cert.subjectDn,
      names: names.length,
      subtrees: subtreeCount,
    })
  }
  const fail = (name: GeneralNameFact, why: string): never =>
    refuse(LoginErrorCode.NameConstraints, `${nameText(name)} in "${cert.subjectDn}" ${why}`, { subject: cert.subjectDn, form: name.kind })
  for (const name of names) {
    const applicable = (s: Subtree) => sameForm(name, s.base)
    const check = (s: Subtree) => {
      const problem = constraintProblem(s)
      if (problem) fail(name, `cannot be checked: ${problem}`)
      if (name.kind === 'uri' && !uriHost(name.value)) fail(name, 'has no host to check against URI constraints')
      if (name.kind === 'dns' && !isValidDnsName(name.value, true)) fail(name, 'is not a host name')
      if (name.kind === 'email' && !isValidMailbox(name.value)) fail(name, 'is not a mailbox')
      if (name.kind === 'ip' && name.bytes.length !== 4 && name.bytes.length !== 16) fail(name, 'is not an IP address')
    }
    for (const s of state.excluded) {
      if (!applicable(s)) continue
      check(s)
      if (relation(name, s.base) !== 'out') fail(name, 'is in an excluded subtree')
    }
    for (const set of state.permitted) {
      const forForm = set.filter(applicable)
      if (forForm.length === 0) continue
      forForm.forEach(check)
      if (!forForm.some((s) => relation(name, s.base) === 'in')) fail(name, 'is outside the permitted subtrees')
    }
  }
}
