/**
 * A test GOST 34.310-2004 PKI whose certificates and CRLs our own code signs (src/pki/gost): a
 * self-signed root, end-entity certificates for sign-in (clientAuth) and signing, and CRLs.
 * The GOST key forms are NCA's (the sample GOSTKNCA file's): SPKI OCTET STRING X‖Y
 * little-endian, PKCS#8 OCTET STRING { INTEGER d }.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { webcrypto } from 'node:crypto'
import { EkuOid, ExtensionOid, GostOid } from '../../../src/pki/oids.ts'
import { keyUsageBitString, type KeyUsageName } from '../../../src/pki/extensions.ts'
import { toTime } from '../../../src/pki/x509-helpers.ts'
import { GOST_2004, joinPublicKey, openGostPrivateKey, publicPointOf, randomScalar, type GostSigningKey } from '../../../src/pki/gost/index.ts'

export interface GostTestKey {
  readonly pkcs8: Uint8Array
  readonly spki: Uint8Array
  readonly key: GostSigningKey
}

export interface GostTestCert {
  readonly der: Uint8Array
  readonly cert: pkijs.Certificate
  readonly key: GostTestKey
  readonly serialHex: string
}

const ab = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer

/** A fresh GOST-2004 key in NCA's PKCS#8 and SPKI forms. */
export function gostTestKey(): GostTestKey {
  const curve = GOST_2004.curve()
  const d = randomScalar(curve, (b) => webcrypto.getRandomValues(b))
  const dBytes = Uint8Array.from(Buffer.from(d.toString(16).padStart(64, '0'), 'hex'))
  const params = () =>
    new asn1js.Sequence({
      value: [new asn1js.ObjectIdentifier({ value: GostOid.curve2004A }), new asn1js.ObjectIdentifier({ value: GostOid.digest34311TestParams })],
    })
  const algorithm = () => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: GostOid.key2004 }), params()] })
  const integer = new asn1js.Integer({ valueHex: ab(dBytes[0]! & 0x80 ? Uint8Array.from([0, ...dBytes]) : dBytes) })
  const pkcs8 = new Uint8Array(
    new asn1js.Sequence({
      value: [new asn1js.Integer({ value: 0 }), algorithm(), new asn1js.OctetString({ valueHex: integer.toBER(false) })],
    }).toBER(false),
  )
  const q = publicPointOf(curve, d).toAffine()
  const xy = joinPublicKey(curve, q.x, q.y)
  const spki = new Uint8Array(
    new asn1js.Sequence({
      value: [algorithm(), new asn1js.BitString({ valueHex: new asn1js.OctetString({ valueHex: ab(xy) }).toBER(false) })],
    }).toBER(false),
  )
  return { pkcs8, spki, key: openGostPrivateKey(pkcs8) }
}

function name(cn: string, extra: [string, string][] = []): pkijs.RelativeDistinguishedNames {
  const attr = (type: string, value: string) =>
    new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) })
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [attr('2.5.4.3', cn), ...extra.map(([t, v]) => (t === '2.5.4.5' || t === '2.5.4.6' ? new pkijs.AttributeTypeAndValue({ type: t, value: new asn1js.PrintableString({ value: v }) }) : attr(t, v)))],
  })
}

async function keyId(spki: Uint8Array): Promise<Uint8Array> {
  const info = pkijs.PublicKeyInfo.fromBER(ab(spki))
  return new Uint8Array(await webcrypto.subtle.digest('SHA-1', info.subjectPublicKey.valueBlock.valueHexView as Uint8Array<ArrayBuffer>)).subarray(0, 20)
}

/** Signs a pkijs certificate or CRL with a GOST key: our code makes the signature. */
function gostSign(obj: pkijs.Certificate | pkijs.CertificateRevocationList, signer: GostSigningKey): void {
  const alg = () => new pkijs.AlgorithmIdentifier({ algorithmId: signer.algorithm.signatureOid, algorithmParams: new asn1js.Null() })
  obj.signature = alg()
  obj.signatureAlgorithm = alg()
  // pkijs keeps a CRL's encodeTBS protected; it is the same TBS encoder its own sign() uses.
  const tbs = new Uint8Array((obj as unknown as { encodeTBS(): asn1js.Sequence }).encodeTBS().toBER(false))
  obj.tbsView = tbs
  obj.signatureValue = new asn1js.BitString({ valueHex: ab(signer.sign(tbs)) })
}

let serial = 0x4a0001

interface IssueOptions {
  readonly subject: string
  readonly subjectExtra?: [string, string][]
  readonly issuer?: GostTestCert
  readonly ca?: boolean
  readonly keyUsage: KeyUsageName[]
  readonly eku?: string[]
  readonly notBefore?: Date
  readonly notAfter?: Date
  /** A CRL distribution point (the relying party fetches the issuer's CRL there). */
  readonly crlUrl?: string
}

/** A certificate for a fresh GOST key, self-signed when no issuer is given. */
export async function issueGostCertificate(opts: IssueOptions): Promise<GostTestCert> {
  const key = gostTestKey()
  const cert = new pkijs.Certificate()
  cert.version = 2
  const serialHex = (serial++).toString(16)
  cert.serialNumber = new asn1js.Integer({ valueHex: ab(Buffer.from(serialHex, 'hex')) })
  cert.subject = name(opts.subject, opts.subjectExtra)
  cert.issuer = opts.issuer ? opts.issuer.cert.subject : name(opts.subject, opts.subjectExtra)
  cert.notBefore = toTime(opts.notBefore ?? new Date(Date.now() - 3600_000))
  cert.notAfter = toTime(opts.notAfter ?? new Date(Date.now() + 365 * 86400_000))
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(ab(key.spki))
  const ski = await keyId(key.spki)
  const aki = opts.issuer ? await keyId(opts.issuer.key.spki) : ski
  const extensions = [
    new pkijs.Extension({ extnID: ExtensionOid.keyUsage, critical: true, extnValue: keyUsageBitString(opts.keyUsage).toBER(false) }),
    new pkijs.Extension({ extnID: ExtensionOid.subjectKeyIdentifier, extnValue: new asn1js.OctetString({ valueHex: ab(ski) }).toBER(false) }),
    new pkijs.Extension({ extnID: ExtensionOid.authorityKeyIdentifier, extnValue: new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: ab(aki) }) }).toSchema().toBER(false) }),
  ]
  if (opts.ca) {
    extensions.push(new pkijs.Extension({ extnID: ExtensionOid.basicConstraints, critical: true, extnValue: new pkijs.BasicConstraints({ cA: true }).toSchema().toBER(false) }))
  }
  if (opts.eku) {
    extensions.push(new pkijs.Extension({ extnID: ExtensionOid.extKeyUsage, extnValue: new pkijs.ExtKeyUsage({ keyPurposes: opts.eku }).toSchema().toBER(false) }))
  }
  if (opts.crlUrl) {
    const point = new pkijs.DistributionPoint({ distributionPoint: [new pkijs.GeneralName({ type: 6, value: opts.crlUrl })] })
    extensions.push(new pkijs.Extension({ extnID: ExtensionOid.crlDistributionPoints, extnValue: new pkijs.CRLDistributionPoints({ distributionPoints: [point] }).toSchema().toBER(false) }))
  }
  cert.extensions = extensions
  gostSign(cert, opts.issuer ? opts.issuer.key.key : key.key)
  const der = new Uint8Array(cert.toSchema().toBER(false))
  return { der, cert: pkijs.Certificate.fromBER(der), key, serialHex }
}

/** A GOST root and a sign-in certificate (clientAuth, digitalSignature) under it. */
export async function buildGostPki(crlUrl?: string): Promise<{ root: GostTestCert; leaf: GostTestCert; signer: GostTestCert }> {
  const root = await issueGostCertificate({ subject: 'Qoltanba GOST TEST ROOT', subjectExtra: [['2.5.4.6', 'KZ']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] })
  const person: [string, string][] = [['2.5.4.4', 'ТЕСТОВ'], ['2.5.4.5', 'IIN123456789011'], ['2.5.4.6', 'KZ']]
  const leaf = await issueGostCertificate({ subject: 'ТЕСТОВ ТЕСТ', subjectExtra: person, issuer: root, keyUsage: ['digitalSignature', 'keyEncipherment'], eku: [EkuOid.clientAuth], ...(crlUrl ? { crlUrl } : {}) })
  const signer = await issueGostCertificate({ subject: 'ТЕСТОВ ТЕСТ', subjectExtra: person, issuer: root, keyUsage: ['digitalSignature', 'nonRepudiation'], eku: [EkuOid.emailProtection], ...(crlUrl ? { crlUrl } : {}) })
  return { root, leaf, signer }
}

/** A CRL of `issuer` signed with its GOST key, revoking `revokedSerials`. */
export function gostCrl(issuer: GostTestCert, revokedSerials: string[] = [], now = new Date()): Uint8Array {
  const crl = new pkijs.CertificateRevocationList()
  crl.version = 1
  crl.issuer = issuer.cert.subject
  crl.thisUpdate = toTime(new Date(now.getTime() - 60_000))
  crl.nextUpdate = toTime(new Date(now.getTime() + 86400_000))
  if (revokedSerials.length) {
    crl.revokedCertificates = revokedSerials.map(
      (hex) => new pkijs.RevokedCertificate({ userCertificate: new asn1js.Integer({ valueHex: ab(Buffer.from(hex, 'hex')) }), revocationDate: toTime(new Date(now.getTime() - 30_000)) }),
    )
  }
  gostSign(crl, issuer.key.key)
  return new Uint8Array(crl.toSchema().toBER(false))
}
