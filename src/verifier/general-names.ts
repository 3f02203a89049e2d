/**
 * GeneralName (RFC 5280 §4.2.1.6) as plain data, for subjectAltName and name constraints. Only
 * the forms the verifier can compare are decoded; the others keep their tag so a constraint on
 * them can be refused (fail closed, §4.2.1.10) instead of silently ignored.
 */
import * as asn1js from 'asn1js'
import type * as pkijs from 'pkijs'

/** One subject alternative name or name-constraint base. */
export type GeneralNameFact =
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'ip'; readonly bytes: Uint8Array }
  | { readonly kind: 'dn'; readonly name: pkijs.RelativeDistinguishedNames }
  /** otherName (0), x400Address (3), ediPartyName (5), registeredID (8). */
  | { readonly kind: 'other'; readonly tag: number }

export type GeneralNameKind = GeneralNameFact['kind']

/** Converts a pkijs GeneralName; throws when the value does not have the form its tag says. */
export function generalNameFact(name: pkijs.GeneralName): GeneralNameFact {
  switch (name.type) {
    case 1:
    case 2:
    case 6: {
      if (typeof name.value !== 'string') throw new Error(`GeneralName [${name.type}] is not an IA5String`)
      const kind = name.type === 1 ? 'email' : name.type === 2 ? 'dns' : 'uri'
      return { kind, value: name.value }
    }
    case 4:
      return { kind: 'dn', name: name.value as pkijs.RelativeDistinguishedNames }
    case 7: {
      if (!(name.value instanceof asn1js.OctetString)) throw new Error('iPAddress is not an OCTET STRING')
      return { kind: 'ip', bytes: name.value.valueBlock.valueHexView.slice() }
    }
    default:
      return { kind: 'other', tag: name.type }
  }
}

const LDH_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i

/**
 * A dNSName in the preferred name syntax (RFC 5280 §4.2.1.6, RFC 1034 §3.5): LDH labels of at
 * most 63 characters, at most 253 in all, a top label that is not all digits (so an IPv4 address
 * is not a host name). A leftmost `*` label is accepted in certificates (`wildcard`), as every
 * web certificate has one; RFC 6125 gives it meaning, RFC 5280 does not forbid it.
 */
export function isValidDnsName(value: string, wildcard: boolean): boolean {
  if (value.length === 0 || value.length > 253) return false
  const labels = value.split('.')
  if (wildcard && labels[0] === '*' && labels.length > 2) labels.shift()
  if (!labels.every((l) => LDH_LABEL.test(l))) return false
  return !/^\d+$/.test(labels[labels.length - 1] as string)
}

/** `local@domain` with exactly one `@`, a non-empty local part and a host name domain. */
export function isValidMailbox(value: string): boolean {
  const at = value.indexOf('@')
  if (at <= 0 || at !== value.lastIndexOf('@')) return false
  return isValidDnsName(value.slice(at + 1), false)
}

/** The host of an absolute URI with an authority (`scheme://[user@]host[:port]…`), lower case; undefined otherwise. */
export function uriHost(uri: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri)
  const host = m?.[1]
  return host ? host.toLowerCase() : undefined
}

/** Why a subjectAltName entry is malformed, or undefined when it is well-formed. */
export function altNameProblem(name: GeneralNameFact): string | undefined {
  switch (name.kind) {
    case 'dns':
      return isValidDnsName(name.value, true) ? undefined : `dNSName "${name.value}" is not a host name`
    case 'email':
      return isValidMailbox(name.value) ? undefined : `rfc822Name "${name.value}" is not a mailbox`
    case 'ip':
      return name.bytes.length === 4 || name.bytes.length === 16 ? undefined : `iPAddress of ${name.bytes.length} bytes is not an address`
    case 'uri':
      return /^[a-z][a-z0-9+.-]*:/i.test(name.value) ? undefined : `URI "${name.value}" has no scheme`
    default:
      return undefined
  }
}
