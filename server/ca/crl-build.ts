/**
 * CRL DER built by hand, for CRLs of a million entries.
 *
 * Why not pkijs: it takes ~14 s to build and sign 100k entries and its parser fails past ~1,250
 * entries with reason codes (docs/pkijs-notes.md#building-crls-and-ocsp-responses). Here each revoked entry is encoded
 * once (by the database: certificates.crl_entry, migration 004, whose encoder must match
 * crlEntry below — the tests compare them), the list arrives as one Buffer, and the TBSCertList
 * is signed once: 1M entries cost about a concat of ~55 MB.
 */
import { ExtensionOid, HOLD_INSTRUCTION_REJECT } from '../../src/pki/oids.ts'
import { bitString, derLength, enumerated, explicit, int, oid, seq, uintBytes, x509Time } from './der.ts'
import type { CaSigner } from './signer.ts'
import { extension } from './x509-build.ts'

/** RFC 5280 CRLReason codes. */
export const CrlReason = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const
export type CrlReasonName = keyof typeof CrlReason


/** Precomputed entry extensions per reason: they repeat for every entry. */
const entryExtensions = new Map<number, Buffer>()
function extensionsFor(reason: number): Buffer {
  let e = entryExtensions.get(reason)
  if (!e) {
    // RFC 5280 §5.3.1: omit the reasonCode rather than say "unspecified".
    const parts = reason === CrlReason.unspecified ? [] : [extension(ExtensionOid.reasonCode, false, enumerated(reason))]
    if (reason === CrlReason.certificateHold) parts.push(extension(ExtensionOid.holdInstructionCode, false, oid(HOLD_INSTRUCTION_REJECT)))
    e = parts.length ? seq(...parts) : Buffer.alloc(0)
    entryExtensions.set(reason, e)
  }
  return e
}

/** One revokedCertificates entry (the reference for the database's crl_entry_der). `serial` is the magnitude bytes of the serial number. */
export function crlEntry(serial: Uint8Array, revokedAt: Date, reason: number): Buffer {
  const ext = extensionsFor(reason)
  return ext.length ? seq(uintBytes(serial), x509Time(revokedAt), ext) : seq(uintBytes(serial), x509Time(revokedAt))
}

export interface CrlTemplate {
  /** Issuer Name DER (the issuing CA's subject, byte for byte). */
  readonly issuer: Uint8Array
  readonly issuerKeyId: Uint8Array
  readonly thisUpdate: Date
  readonly nextUpdate: Date
  readonly crlNumber: number | bigint
  /** Entry DERs as crlEntry makes them, any order; a Buffer may hold several entries back to back. */
  readonly entries: readonly Buffer[]
}

/** Builds and signs a v2 CRL with CRLNumber and AuthorityKeyIdentifier. */
export function signCrl(t: CrlTemplate, signer: CaSigner): Buffer {
  let revoked: Buffer[] = []
  if (t.entries.length) {
    let len = 0
    for (const e of t.entries) len += e.length
    // SEQUENCE header + entries in one allocation (avoids a second 60 MB copy for 1M entries).
    const header = Buffer.concat([Buffer.from([0x30]), derLength(len)])
    revoked = [header, ...t.entries]
  }
  const crlExtensions = explicit(
    0,
    seq(
      extension(ExtensionOid.authorityKeyIdentifier, false, seq(Buffer.concat([Buffer.from([0x80, t.issuerKeyId.length]), Buffer.from(t.issuerKeyId)]))),
      extension(ExtensionOid.cRLNumber, false, int(t.crlNumber)),
    ),
  )
  const head = Buffer.concat([int(1), signer.signatureAlgorithm, Buffer.from(t.issuer), x509Time(t.thisUpdate), x509Time(t.nextUpdate)])
  const tbsParts = [head, ...revoked, crlExtensions]
  let tbsLen = 0
  for (const p of tbsParts) tbsLen += p.length
  const tbs = Buffer.concat([Buffer.from([0x30]), derLength(tbsLen), ...tbsParts], 1 + derLength(tbsLen).length + tbsLen)
  const sig = bitString(signer.sign(tbs))
  const bodyLen = tbs.length + signer.signatureAlgorithm.length + sig.length
  return Buffer.concat([Buffer.from([0x30]), derLength(bodyLen), tbs, signer.signatureAlgorithm, sig])
}
