/**
 * The few subject-name facts a sign-in needs: a readable DN for logs and the Kazakh identifiers
 * NCA puts in the name (IIN in SERIALNUMBER as "IIN…", BIN in OU as "BIN…").
 */
import type * as pkijs from 'pkijs'
import { NameOid, NameShortName } from '../pki/oids.ts'

/** Identity facts read from a certificate subject. */
export interface SubjectIdentity {
  readonly dn: string
  readonly commonName?: string
  readonly surname?: string
  readonly givenName?: string
  readonly organization?: string
  readonly email?: string
  /** 12-digit individual identification number, from SERIALNUMBER "IIN…". */
  readonly iin?: string
  /** 12-digit business identification number, from OU "BIN…". */
  readonly bin?: string
}

function attributeValues(name: pkijs.RelativeDistinguishedNames, oid: string): string[] {
  return name.typesAndValues
    .filter((tv) => tv.type === oid)
    .map((tv) => String((tv.value.valueBlock as { value?: unknown }).value ?? ''))
}

/** "CN=…, SERIALNUMBER=…" in certificate order, for logs and audit records. */
export function describeNameBrief(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${NameShortName[tv.type] ?? tv.type}=${String((tv.value.valueBlock as { value?: unknown }).value ?? '')}`)
    .join(', ')
}

function prefixed(values: string[], prefix: string): string | undefined {
  for (const v of values) {
    const m = new RegExp(`^${prefix}(\\d{12})$`).exec(v.trim())
    if (m) return m[1]
  }
  return undefined
}

/** Reads the identity facts from a subject name. */
export function subjectIdentity(name: pkijs.RelativeDistinguishedNames): SubjectIdentity {
  const first = (oid: string) => attributeValues(name, oid)[0]
  const out: Record<string, string | undefined> = {
    dn: describeNameBrief(name),
    commonName: first(NameOid.commonName),
    surname: first(NameOid.surname),
    givenName: first(NameOid.givenName),
    organization: first(NameOid.organization),
    email: first(NameOid.email),
    iin: prefixed(attributeValues(name, NameOid.serialNumber), 'IIN'),
    bin: prefixed(attributeValues(name, NameOid.organizationalUnit), 'BIN'),
  }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k]
  return out as unknown as SubjectIdentity
}
