/**
 * X.509 v3 certificates built as DER by hand (see der.ts for why) and signed by a CaSigner.
 * Extensions follow RFC 5280; which ones an end-entity certificate gets is decided in issue.ts.
 */
import { createHash } from 'node:crypto'
import { KEY_USAGE_NAMES, type KeyUsageName } from '../../src/pki/extensions.ts'
import { AccessMethodOid, AlgorithmOid, ExtensionOid, PolicyQualifierOid } from '../../src/pki/oids.ts'
import { childrenOf, expectTag, oidOf, readTlv, valueOf, type Tlv } from '../../src/pki/der-reader.ts'
import { bitString, bool, explicit, ia5, implicitPrim, int, NULL, octetString, oid, seq, tlv, uintBytes, x509Time } from './der.ts'
import type { CaSigner } from './signer.ts'

/** One Extension DER. */
export function extension(extnId: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(extnId), bool(true), octetString(value)) : seq(oid(extnId), octetString(value))
}

export function basicConstraints(ca: boolean, pathLen?: number): Buffer {
  const inner = ca ? seq(bool(true), ...(pathLen === undefined ? [] : [int(pathLen)])) : seq()
  return extension(ExtensionOid.basicConstraints, true, inner)
}

/** keyUsage as a DER named BIT STRING (trailing zero bits removed, as DER requires). */
export function keyUsage(names: readonly string[]): Buffer {
  let bits = 0
  let highest = -1
  for (const n of names) {
    const i = KEY_USAGE_NAMES.indexOf(n as KeyUsageName)
    if (i < 0) throw new Error(`unknown key usage ${n}`)
    bits |= 1 << i
    highest = Math.max(highest, i)
  }
  if (highest < 0) throw new Error('empty key usage')
  const nBytes = highest >= 8 ? 2 : 1
  const bytes = Buffer.alloc(nBytes)
  for (let i = 0; i <= highest; i++) if (bits & (1 << i)) bytes[i >> 3] = (bytes[i >> 3] as number) | (0x80 >> (i & 7))
  const unused = nBytes * 8 - 1 - highest
  return extension(ExtensionOid.keyUsage, true, tlv(0x03, Buffer.from([unused]), bytes))
}

export function extKeyUsage(oids: readonly string[], critical = false): Buffer {
  return extension(ExtensionOid.extKeyUsage, critical, seq(...oids.map(oid)))
}

/** certificatePolicies with an optional CPS URI qualifier on each policy. */
export function certificatePolicies(policies: ReadonlyArray<{ oid: string; cps?: string }>): Buffer {
  return extension(
    ExtensionOid.certificatePolicies,
    false,
    seq(...policies.map((p) => seq(oid(p.oid), ...(p.cps ? [seq(seq(oid(PolicyQualifierOid.cps), ia5(p.cps)))] : [])))),
  )
}

export function subjectKeyIdentifier(keyId: Buffer): Buffer {
  return extension(ExtensionOid.subjectKeyIdentifier, false, octetString(keyId))
}

export function authorityKeyIdentifier(keyId: Buffer): Buffer {
  return extension(ExtensionOid.authorityKeyIdentifier, false, seq(implicitPrim(0, keyId)))
}

/** AuthorityInfoAccess with an OCSP URL and/or a caIssuers URL (GeneralName uniformResourceIdentifier [6]). */
export function authorityInfoAccess(urls: { ocsp?: string; caIssuers?: string }): Buffer {
  const items: Buffer[] = []
  if (urls.ocsp) items.push(seq(oid(AccessMethodOid.ocsp), implicitPrim(6, Buffer.from(urls.ocsp, 'latin1'))))
  if (urls.caIssuers) items.push(seq(oid(AccessMethodOid.caIssuers), implicitPrim(6, Buffer.from(urls.caIssuers, 'latin1'))))
  return extension(ExtensionOid.authorityInfoAccess, false, seq(...items))
}

/** cRLDistributionPoints with one fullName URI. */
export function crlDistributionPoints(url: string): Buffer {
  // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames { [6] URI } } }
  return extension(ExtensionOid.crlDistributionPoints, false, seq(seq(explicit(0, tlv(0xa0, implicitPrim(6, Buffer.from(url, 'latin1')))))))
}

/** subjectAltName with one rfc822Name. */
export function subjectAltNameEmail(email: string): Buffer {
  return extension(ExtensionOid.subjectAltName, false, seq(implicitPrim(1, Buffer.from(email, 'latin1'))))
}

export function ocspNoCheck(): Buffer {
  return extension(ExtensionOid.ocspNoCheck, false, NULL)
}

/** The subjectPublicKey bits of an SPKI (what key identifiers and OCSP key hashes are over). */
export function spkiPublicKeyBits(spki: Uint8Array): Buffer {
  const buf = Buffer.from(spki)
  const outer = readTlv(buf, 0)
  const [, bits] = childrenOf(buf, outer)
  const b = expectTag(bits, 0x03, 'BIT STRING')
  return buf.subarray(b.valueStart + 1, b.end)
}

/**
 * 'RSA' for an rsaEncryption SubjectPublicKeyInfo, 'EC' for anything else — read off the
 * AlgorithmIdentifier instead of building a KeyObject (createPublicKey costs ~0.2 ms a call on
 * issuance's hot path; the key itself was checked when its CSR's signature was verified).
 */
export function spkiKeyType(spki: Uint8Array): 'RSA' | 'EC' {
  const buf = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength)
  const [alg] = childrenOf(buf, readTlv(buf, 0))
  const [algOid] = childrenOf(buf, expectTag(alg, 0x30, 'AlgorithmIdentifier'))
  return oidOf(valueOf(buf, expectTag(algOid, 0x06, 'OBJECT IDENTIFIER'))) === AlgorithmOid.rsaEncryption ? 'RSA' : 'EC'
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Uint8Array): Buffer {
  return createHash('sha1').update(spkiPublicKeyBits(spki)).digest()
}

/** What a certificate needs besides the signer. */
export interface CertificateTemplate {
  /** Positive serial as big-endian magnitude bytes. */
  readonly serial: Uint8Array
  /** Issuer Name DER (byte-identical to the issuer certificate's subject). */
  readonly issuer: Uint8Array
  readonly subject: Uint8Array
  readonly notBefore: Date
  readonly notAfter: Date
  readonly spki: Uint8Array
  readonly extensions: readonly Buffer[]
}

/** Builds the TBSCertificate, signs it and returns the Certificate DER. */
export function signCertificate(t: CertificateTemplate, signer: CaSigner): Buffer {
  const tbs = tbsCertificate(t, signer)
  return seq(tbs, signer.signatureAlgorithm, bitString(signer.sign(tbs)))
}

/** signCertificate with the signature made off the main thread (CaSigner.signAsync). */
export async function signCertificateAsync(t: CertificateTemplate, signer: CaSigner): Promise<Buffer> {
  const tbs = tbsCertificate(t, signer)
  return seq(tbs, signer.signatureAlgorithm, bitString(await signer.signAsync(tbs)))
}

function tbsCertificate(t: CertificateTemplate, signer: CaSigner): Buffer {
  return seq(
    explicit(0, int(2)),
    uintBytes(t.serial),
    signer.signatureAlgorithm,
    Buffer.from(t.issuer),
    seq(x509Time(t.notBefore), x509Time(t.notAfter)),
    Buffer.from(t.subject),
    Buffer.from(t.spki),
    explicit(3, seq(...t.extensions)),
  )
}

/** Fields of a certificate the CA needs when it loads one from disk. */
export interface CertificateParts {
  readonly serial: Buffer
  readonly issuer: Buffer
  readonly subject: Buffer
  readonly spki: Buffer
  readonly notBefore: Date
  readonly notAfter: Date
}

function readTime(buf: Buffer, t: Tlv): Date {
  const s = buf.subarray(t.valueStart, t.end).toString('latin1')
  const full = t.tag === 0x17 ? `${Number(s.slice(0, 2)) >= 50 ? '19' : '20'}${s}` : s
  return new Date(Date.UTC(+full.slice(0, 4), +full.slice(4, 6) - 1, +full.slice(6, 8), +full.slice(8, 10), +full.slice(10, 12), +full.slice(12, 14)))
}

/** Splits a certificate into the parts above (the CA's own, trusted input). */
export function certificateParts(der: Uint8Array): CertificateParts {
  const buf = Buffer.from(der)
  const [tbsT] = childrenOf(buf, readTlv(buf, 0))
  const tbs = childrenOf(buf, expectTag(tbsT, 0x30, 'TBSCertificate'))
  const off = tbs[0]?.tag === 0xa0 ? 1 : 0
  const slice = (i: number): Buffer => {
    const t = tbs[off + i]
    if (!t) throw new Error('truncated certificate')
    return buf.subarray(t.start, t.end)
  }
  const serialT = tbs[off] as Tlv
  const validity = childrenOf(buf, tbs[off + 3] as Tlv)
  return {
    serial: buf.subarray(serialT.valueStart, serialT.end),
    issuer: slice(2),
    subject: slice(4),
    spki: slice(5),
    notBefore: readTime(buf, validity[0] as Tlv),
    notAfter: readTime(buf, validity[1] as Tlv),
  }
}
