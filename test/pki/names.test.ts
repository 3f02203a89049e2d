import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { describe, expect, it } from 'vitest'
import { buildName, describeName } from '../../src/pki/names.ts'

function nameFrom(rdns: Array<Array<[string, pkijs.AttributeValueType]>>): pkijs.RelativeDistinguishedNames {
  const seq = new asn1js.Sequence({
    value: rdns.map(
      (set) => new asn1js.Set({ value: set.map(([type, value]) => new pkijs.AttributeTypeAndValue({ type, value }).toSchema()) }),
    ),
  })
  return pkijs.RelativeDistinguishedNames.fromBER(seq.toBER(false))
}

describe('buildName', () => {
  it('puts one attribute per RDN in NCA order with NCA string types', () => {
    const name = buildName({
      givenName: 'НҰРМҰХАМЕДҰЛЫ',
      organizationalUnit: 'BIN012345678912',
      organization: '"АЛАШ" ПАРТИЯСЫ',
      country: 'KZ',
      serialNumber: 'IIN123456789012',
      surname: 'БӨКЕЙХАН',
      commonName: 'БӨКЕЙХАН ӘЛИХАН',
      email: '',
    })
    const seq = asn1js.fromBER(name.toSchema().toBER(false)).result as asn1js.Sequence
    const rdns = seq.valueBlock.value as asn1js.Set[]
    expect(rdns).toHaveLength(7)
    const types = rdns.map((set) => {
      expect(set.valueBlock.value).toHaveLength(1)
      const atv = set.valueBlock.value[0] as asn1js.Sequence
      return [(atv.valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString(), atv.valueBlock.value[1]!.constructor.name]
    })
    expect(types).toEqual([
      ['2.5.4.3', 'Utf8String'],
      ['2.5.4.4', 'Utf8String'],
      ['2.5.4.5', 'PrintableString'],
      ['2.5.4.6', 'PrintableString'],
      ['2.5.4.10', 'Utf8String'],
      ['2.5.4.11', 'Utf8String'],
      ['2.5.4.42', 'Utf8String'],
    ])
    expect(describeName(name)).toMatchObject({ iin: '123456789012', bin: '012345678912', organization: '"АЛАШ" ПАРТИЯСЫ' })
  })

  it('rejects Cyrillic in SERIALNUMBER and a bad country code', () => {
    expect(() => buildName({ serialNumber: 'ИИН123' })).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED', details: { field: 'serialNumber' } }))
    expect(() => buildName({ country: 'Kazakhstan' })).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
  })
})

describe('describeName', () => {
  it('reads BMPString, PrintableString, UTF8String and multi-valued RDNs', () => {
    const name = nameFrom([
      [['2.5.4.6', new asn1js.PrintableString({ value: 'KZ' })]],
      [
        ['2.5.4.3', new asn1js.BmpString({ value: 'ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)' })],
        ['2.5.4.10', new asn1js.Utf8String({ value: 'Тест, ЖШС' })],
      ],
      [['1.2.3.4', new asn1js.Utf8String({ value: 'x' })]],
    ])
    const info = describeName(name)
    expect(info.country).toBe('KZ')
    expect(info.commonName).toBe('ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)')
    expect(info.dn).toBe('C=KZ, CN=ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA) + O=Тест\\, ЖШС, 1.2.3.4=x')
    expect(info.attributes.map((a) => a.rdn)).toEqual([0, 1, 1, 2])
    expect(info.iin).toBeUndefined()
  })
})
