/**
 * Distinguished names: build one per NCA RK profile, describe any name we receive.
 *
 * pkijs puts every attribute pushed into `typesAndValues` into ONE multi-valued RDN, so we encode
 * the SEQUENCE OF SET ourselves (one attribute per SET) and load it back through pkijs, which then
 * keeps those exact bytes (docs/pkijs-notes.md#names-one-attribute-per-rdn).
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import type { CsrSubject } from '../core/signer.ts'
import { NameOid, NameShortName } from './oids.ts'

/**
 * Subject fields of an NCA RK-style certificate (src/core's CsrSubject, so a signer's CSR
 * subject is one). Empty strings are left out.
 */
export type SubjectFields = CsrSubject

/** A readable view of a DN. */
export interface NameInfo {
  readonly commonName?: string
  readonly surname?: string
  readonly givenName?: string
  readonly serialNumber?: string
  readonly country?: string
  readonly locality?: string
  readonly state?: string
  readonly organization?: string
  readonly organizationalUnit?: string
  readonly email?: string
  /** 12 digits taken from SERIALNUMBER "IIN…". */
  readonly iin?: string
  /** 12 digits taken from OU or SERIALNUMBER "BIN…". */
  readonly bin?: string
  /** One line, attributes in encoded order, e.g. "CN=ТЕСТОВ ТЕСТ, SURNAME=ТЕСТОВ, SERIALNUMBER=IIN123456789011, C=KZ". */
  readonly dn: string
  /** Every attribute in encoded order; `rdn` numbers the RDN it sits in (equal for multi-valued RDNs). */
  readonly attributes: ReadonlyArray<{ readonly oid: string; readonly name?: string; readonly value: string; readonly rdn: number }>
}

type StringType = typeof asn1js.Utf8String | typeof asn1js.PrintableString | typeof asn1js.IA5String

/** NCA RK order: CN, SURNAME, SERIALNUMBER, C, O, OU, GIVENNAME, then E. */
const ORDER: ReadonlyArray<[keyof SubjectFields, string, StringType]> = [
  ['commonName', NameOid.commonName, asn1js.Utf8String],
  ['surname', NameOid.surname, asn1js.Utf8String],
  ['serialNumber', NameOid.serialNumber, asn1js.PrintableString],
  ['country', NameOid.country, asn1js.PrintableString],
  ['organization', NameOid.organization, asn1js.Utf8String],
  ['organizationalUnit', NameOid.organizationalUnit, asn1js.Utf8String],
  ['givenName', NameOid.givenName, asn1js.Utf8String],
  ['email', NameOid.email, asn1js.IA5String],
]

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/
const IA5 = /^[\x00-\x7f]*$/

/**
 * Builds a subject with one attribute per RDN in NCA order.
 * @throws QoltanbaError ERR_MALFORMED when a value cannot be encoded in its string type
 *   (details.field names it), e.g. Cyrillic in SERIALNUMBER.
 * @example buildName({ commonName: 'ТЕСТОВ ТЕСТ', surname: 'ТЕСТОВ', serialNumber: 'IIN123456789011', country: 'KZ' })
 */
export function buildName(fields: SubjectFields): pkijs.RelativeDistinguishedNames {
  return pkijs.RelativeDistinguishedNames.fromBER(encodeName(fields))
}

/** The DER of buildName's Name, for callers that only need the bytes (same checks and errors). */
export function encodeName(fields: SubjectFields): ArrayBuffer {
  const rdns: asn1js.Set[] = []
  for (const [field, oid, Str] of ORDER) {
    const value = fields[field]?.trim()
    if (!value) continue
    const ok =
      Str === asn1js.PrintableString ? PRINTABLE.test(value) : Str === asn1js.IA5String ? IA5.test(value) : true
    if (!ok || (field === 'country' && !/^[A-Z]{2}$/.test(value))) {
      throw new QoltanbaError(ErrorCode.Malformed, `subject field ${field} has characters its type cannot hold`, { field })
    }
    const atv = new pkijs.AttributeTypeAndValue({ type: oid, value: new Str({ value }) })
    rdns.push(new asn1js.Set({ value: [atv.toSchema()] }))
  }
  return new asn1js.Sequence({ value: rdns }).toBER(false)
}

/** The text of a DirectoryString-like value (UTF8, Printable, BMP, Teletex, IA5, Universal…). */
export function attributeText(value: unknown): string {
  const block = (value as { valueBlock?: { value?: unknown; valueHexView?: Uint8Array } } | undefined)?.valueBlock
  if (typeof block?.value === 'string') return block.value
  // Unknown types: show the bytes as hex, as OpenSSL does ("#04…").
  const hex = [...(block?.valueHexView ?? [])].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `#${hex}`
}

/** RFC 4514 escaping of one attribute value. */
function escapeDnValue(v: string): string {
  return v.replace(/([,+"\\<>;])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ')
}

/** Groups attributes into their RDNs, from the encoded bytes when pkijs kept them. */
function rdnGroups(rdn: pkijs.RelativeDistinguishedNames): pkijs.AttributeTypeAndValue[][] {
  if (rdn.valueBeforeDecode.byteLength === 0) return rdn.typesAndValues.length ? [rdn.typesAndValues] : []
  const seq = asn1js.fromBER(rdn.valueBeforeDecode).result as asn1js.Sequence
  return seq.valueBlock.value.map((set) =>
    (set as asn1js.Set).valueBlock.value.map((atv) => new pkijs.AttributeTypeAndValue({ schema: atv })),
  )
}

const FIELD_BY_OID: Readonly<Record<string, keyof NameInfo>> = {
  [NameOid.commonName]: 'commonName',
  [NameOid.surname]: 'surname',
  [NameOid.givenName]: 'givenName',
  [NameOid.serialNumber]: 'serialNumber',
  [NameOid.country]: 'country',
  [NameOid.locality]: 'locality',
  [NameOid.state]: 'state',
  [NameOid.organization]: 'organization',
  [NameOid.organizationalUnit]: 'organizationalUnit',
  [NameOid.email]: 'email',
}

/**
 * Describes any DN: readable fields (the first of each kind), IIN/BIN, a one-line `dn` and all
 * attributes. Handles UTF8String, PrintableString, BMPString and other string types.
 */
export function describeName(rdn: pkijs.RelativeDistinguishedNames): NameInfo {
  const fields: Record<string, string> = {}
  const attributes: Array<{ oid: string; name?: string; value: string; rdn: number }> = []
  const parts: string[] = []
  rdnGroups(rdn).forEach((group, i) => {
    const texts: string[] = []
    for (const atv of group) {
      const value = attributeText(atv.value)
      const name = NameShortName[atv.type]
      attributes.push({ oid: atv.type, ...(name ? { name } : {}), value, rdn: i })
      texts.push(`${name ?? atv.type}=${escapeDnValue(value)}`)
      const field = FIELD_BY_OID[atv.type]
      if (field && fields[field] === undefined) fields[field] = value
    }
    parts.push(texts.join(' + '))
  })
  const idFrom = (s: string | undefined, prefix: string) => {
    const m = s?.match(new RegExp(`^${prefix}(\\d{12})$`))
    return m?.[1]
  }
  const iin = idFrom(fields.serialNumber, 'IIN')
  const bin = idFrom(fields.organizationalUnit, 'BIN') ?? idFrom(fields.serialNumber, 'BIN')
  return { ...fields, ...(iin ? { iin } : {}), ...(bin ? { bin } : {}), dn: parts.join(', '), attributes }
}
