/**
 * PKCS#10 built with pkijs and signed by a key on the token: the TBS bytes are encoded here and
 * handed to `sign` (the token), so the private key never leaves it.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import type { WireSubject } from '../src/core/agent-protocol.ts'
import { buildName } from '../src/pki/names.ts'

/** Signature algorithm identifier for a key type, with SHA-256. */
export function sha256SignatureAlgorithm(keyAlgorithm: 'RSA' | 'EC'): pkijs.AlgorithmIdentifier {
  return keyAlgorithm === 'RSA'
    ? new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.11', algorithmParams: new asn1js.Null() })
    : new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.10045.4.3.2' })
}

/** One attribute per RDN, in NCA order (src/pki/names.ts; pkijs alone would put them all in one RDN). */
export function buildSubject(subject: WireSubject): pkijs.RelativeDistinguishedNames {
  return buildName(subject)
}

const KEY_USAGE_BITS: Record<string, number> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
}

function keyUsageExtension(names: readonly string[]): pkijs.Extension {
  const bits = names.map((n) => KEY_USAGE_BITS[n]).filter((b): b is number => b !== undefined)
  let byte = 0
  for (const b of bits) byte |= 0x80 >> b
  const highest = Math.max(...bits)
  const value = new asn1js.BitString({ valueHex: new Uint8Array([byte]), unusedBits: 7 - highest })
  return new pkijs.Extension({ extnID: '2.5.29.15', critical: true, extnValue: value.toBER() })
}

/** Options of `buildCsr`. */
export interface BuildCsrOptions {
  readonly subject: WireSubject
  readonly spki: Uint8Array
  readonly keyAlgorithm: 'RSA' | 'EC'
  readonly keyUsage?: readonly string[]
  readonly extKeyUsage?: readonly string[]
  readonly email?: string
  /** Signs the DER bytes given, returning the signature in X.509 form (DER for ECDSA). */
  readonly sign: (tbs: Uint8Array) => Uint8Array
}

/** A signed PKCS#10 (DER). */
export function buildCsr(options: BuildCsrOptions): Uint8Array {
  const csr = new pkijs.CertificationRequest()
  csr.version = 0
  csr.subject = buildSubject(options.subject)
  csr.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(new Uint8Array(options.spki))
  const extensions: pkijs.Extension[] = []
  const keyUsage = options.keyUsage?.length ? options.keyUsage : ['digitalSignature', 'nonRepudiation']
  extensions.push(keyUsageExtension(keyUsage))
  if (options.extKeyUsage?.length) {
    const eku = new pkijs.ExtKeyUsage({ keyPurposes: [...options.extKeyUsage] })
    extensions.push(new pkijs.Extension({ extnID: '2.5.29.37', extnValue: eku.toSchema().toBER() }))
  }
  if (options.email) {
    const san = new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 1, value: options.email })] })
    extensions.push(new pkijs.Extension({ extnID: '2.5.29.17', extnValue: san.toSchema().toBER() }))
  }
  csr.attributes = [
    new pkijs.Attribute({ type: '1.2.840.113549.1.9.14', values: [new pkijs.Extensions({ extensions }).toSchema()] }),
  ]
  csr.signatureAlgorithm = sha256SignatureAlgorithm(options.keyAlgorithm)
  // encodeTBS is protected in pkijs's typings but is what its own sign() uses to fill tbsView.
  const tbs = (csr as unknown as { encodeTBS(): asn1js.Sequence }).encodeTBS()
  csr.tbsView = new Uint8Array(tbs.toBER())
  csr.signatureValue = new asn1js.BitString({ valueHex: options.sign(csr.tbsView) })
  return new Uint8Array(csr.toSchema().toBER())
}
