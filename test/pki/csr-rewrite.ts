/**
 * Rewrites the attributes of an OpenSSL-made CSR and signs it again with its key (node:crypto),
 * for requests OpenSSL will not write but a hostile client can: an extensionRequest whose value
 * SET is empty or holds two values, or two extensionRequest attributes. The result still has a
 * valid self-signature (`openssl req -verify` says so), so only the attribute is wrong.
 */
import { createSign } from 'node:crypto'
import * as asn1js from 'asn1js'

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14'

/** An extensionRequest attribute whose value SET holds `values` (each an Extensions SEQUENCE). */
export function extensionRequest(values: asn1js.BaseBlock[]): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: EXTENSION_REQUEST }), new asn1js.Set({ value: values })] })
}

/** An Extensions value requesting keyUsage digitalSignature (critical). */
export function keyUsageExtensions(): asn1js.Sequence {
  const bits = new asn1js.BitString({ valueHex: new Uint8Array([0x80]).buffer, unusedBits: 7 })
  const ext = new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: '2.5.29.15' }), new asn1js.Boolean({ value: true }), new asn1js.OctetString({ valueHex: bits.toBER(false) })],
  })
  return new asn1js.Sequence({ value: [ext] })
}

/** The CSR `der` with its [0] attributes replaced by `attributes`, signed again with `keyPem` (SHA-256). */
export function withAttributes(der: Uint8Array, keyPem: string, attributes: asn1js.Sequence[]): Uint8Array {
  const parsed = asn1js.fromBER(new Uint8Array(der))
  if (parsed.offset === -1) throw new Error('not a CSR')
  const request = parsed.result as asn1js.Sequence
  const info = request.valueBlock.value[0] as asn1js.Sequence
  const attrs = info.valueBlock.value[3] as asn1js.Constructed
  attrs.valueBlock.value = attributes
  const tbs = new Uint8Array(info.toBER(false))
  request.valueBlock.value[2] = new asn1js.BitString({ valueHex: createSign('sha256').update(tbs).sign(keyPem) })
  return new Uint8Array(request.toBER(false))
}
