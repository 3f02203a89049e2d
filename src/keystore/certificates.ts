/** Certificates in containers: stored with a readable summary, matched to keys by public key. */
import { describeCertificate, certificateMatchesKey, type CertificateInfo } from '../pki/certificate-info.ts'
import { asMalformed, ErrorCode, QoltanbaError } from '../core/errors.ts'
import { EkuOid, PolicyOid } from '../pki/oids.ts'
import { decodeDerOrPem } from '../pki/pem.ts'
import type { KeystoreContext } from './context.ts'
import { notFound } from './containers.ts'
import type { CertificatePurpose, CertificateRecord, CertificateSummary } from './schema.ts'

const AUTH_MARKS: ReadonlySet<string> = new Set([EkuOid.clientAuth, PolicyOid.individualAuth, PolicyOid.legalEntityAuth])
const SIGN_MARKS: ReadonlySet<string> = new Set([EkuOid.emailProtection, PolicyOid.individualSigning, PolicyOid.legalEntitySigning])

/** What a certificate is for, from its EKU and NCA policies (key usage as the fallback). */
export function purposesOf(info: CertificateInfo): CertificatePurpose[] {
  const marks = [...(info.extKeyUsage ?? []).map((e) => e.oid), ...info.policies.map((p) => p.oid)]
  const purposes: CertificatePurpose[] = []
  if (marks.some((m) => AUTH_MARKS.has(m))) purposes.push('auth')
  if (marks.some((m) => SIGN_MARKS.has(m))) purposes.push('sign')
  if (purposes.length === 0 && info.keyUsage?.includes('nonRepudiation')) purposes.push('sign')
  return purposes
}

/** The stored summary of a certificate (ERR_MALFORMED when it does not parse). */
export async function summarizeCertificate(der: Uint8Array, crypto: Crypto): Promise<CertificateSummary> {
  let info: CertificateInfo
  try {
    info = await describeCertificate(der, crypto)
  } catch (e) {
    throw asMalformed(e, 'Certificate')
  }
  const { subject, issuer } = info
  return {
    subjectName: subject.dn,
    ...(subject.commonName ? { commonName: subject.commonName } : {}),
    ...((info.iin ?? subject.iin) ? { iin: info.iin ?? subject.iin } : {}),
    ...((info.bin ?? subject.bin) ? { bin: info.bin ?? subject.bin } : {}),
    ...(subject.organization ? { organization: subject.organization } : {}),
    issuerName: issuer.commonName ?? issuer.dn,
    serialNumber: info.serialNumber,
    notBefore: info.notBefore.getTime(),
    notAfter: info.notAfter.getTime(),
    purposes: purposesOf(info),
    keyAlgorithm: keyAlgorithmLabel(info),
    fingerprintSha256: info.fingerprintSha256,
  }
}

/** True when `certificate` certifies the key with SubjectPublicKeyInfo `spki`. */
export function certificateBelongsTo(certificate: Uint8Array, spki: Uint8Array): boolean {
  try {
    return certificateMatchesKey(certificate, spki)
  } catch {
    return false
  }
}

/**
 * Stores an issued certificate (DER or PEM) in the container whose key it certifies, with the
 * issuing CA certificates (`chain`, DER or PEM) in the same transaction, so CMS signatures
 * carry the chain.
 * @throws ERR_KEY_MISMATCH when no key of the container matches, ERR_MALFORMED, ERR_NOT_FOUND.
 */
export async function attachCertificate(
  ctx: KeystoreContext,
  containerId: string,
  certificate: Uint8Array,
  chain: readonly Uint8Array[] = [],
): Promise<CertificateRecord> {
  const der = decodeCertificate(certificate)
  const summary = await summarizeCertificate(der, ctx.crypto)
  const chainDers = chain.map(decodeCertificate)
  const chainSummaries = await Promise.all(chainDers.map((c) => summarizeCertificate(c, ctx.crypto)))
  const keys = await ctx.db.run((db) => db.getAllFromIndex('keys', 'byContainer', containerId))
  const key = keys.find((k) => certificateBelongsTo(der, k.spki))
  if (!key) {
    if (keys.length === 0) throw notFound(containerId)
    throw new QoltanbaError(ErrorCode.KeyMismatch, 'The certificate is not for a key of this container')
  }
  const now = Date.now()
  const record: CertificateRecord = { id: `${containerId}:${summary.fingerprintSha256}`, containerId, keyId: key.id, der, summary, addedAt: now }
  const chainRecords: CertificateRecord[] = chainDers.map((c, i) => {
    const s = chainSummaries[i] as CertificateSummary
    return { id: `${containerId}:${s.fingerprintSha256}`, containerId, der: c, summary: s, addedAt: now }
  })
  await ctx.db.write(['containers', 'certificates'], async (tx) => {
    const container = await tx.objectStore('containers').get(containerId)
    if (!container) throw notFound(containerId)
    const store = tx.objectStore('certificates')
    await store.put(record)
    // A CA certificate already stored (e.g. from the imported file) keeps its record.
    for (const ca of chainRecords) if (ca.id !== record.id && !(await store.get(ca.id))) await store.put(ca)
    await tx.objectStore('containers').put({ ...container, updatedAt: now })
  })
  return record
}

function decodeCertificate(bytes: Uint8Array): Uint8Array {
  try {
    return decodeDerOrPem(bytes)
  } catch (e) {
    throw asMalformed(e, 'Certificate')
  }
}

/** Marks a stored certificate revoked at `revokedAt` (or not revoked, with undefined). */
export async function setCertificateRevoked(ctx: KeystoreContext, certificateId: string, revokedAt: number | undefined): Promise<void> {
  await ctx.db.write(['certificates'], async (tx) => {
    const store = tx.objectStore('certificates')
    const record = await store.get(certificateId)
    if (!record) throw new QoltanbaError(ErrorCode.NotFound, 'No such certificate', { certificateId })
    const { revokedAt: _old, ...rest } = record
    await store.put(revokedAt === undefined ? rest : { ...rest, revokedAt })
  })
}

function keyAlgorithmLabel(info: CertificateInfo): string {
  const key = info.publicKey
  if (key.algorithm === 'RSA') return `RSA-${key.bits ?? '?'}`
  if (key.algorithm === 'EC') return `ECDSA ${key.curve ?? ''}`.trim()
  return key.algorithm
}

/** Removes a stored certificate (never its key). */
export async function deleteCertificate(ctx: KeystoreContext, certificateId: string): Promise<void> {
  await ctx.db.write(['certificates'], async (tx) => {
    const store = tx.objectStore('certificates')
    if (!(await store.get(certificateId))) throw new QoltanbaError(ErrorCode.NotFound, 'No such certificate', { certificateId })
    await store.delete(certificateId)
  })
}
