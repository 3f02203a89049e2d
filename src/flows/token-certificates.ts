/**
 * Token certificates (from our agent) described for display: name, IIN, validity and whether
 * they authenticate (clientAuth). Shared by sign-in and My certificates. Loads pkijs lazily.
 */
import type { SignerCertificate } from '@/core/signer.ts'

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2'

/** One token certificate as the views show it. */
export interface TokenCertificateView {
  /** Unique across tokens: `<storageId>/<id>`. */
  readonly key: string
  readonly id: string
  readonly storageId: string
  readonly keyId?: string
  /** Label of the token holding it (its storage id when unknown). */
  readonly tokenLabel: string
  readonly label?: string
  readonly commonName: string
  readonly iin?: string
  readonly notAfter: number
  /** The certificate may sign in (clientAuth, or no extKeyUsage at all). */
  readonly auth: boolean
  /** Lower-case hex serial (renewal names the certificate by it). */
  readonly serial: string
  /** The key's family (a renewal makes new keys of the same one). */
  readonly keyAlgorithm: 'RSA' | 'EC' | 'other'
  readonly bin?: string
}

/**
 * Describes agent certificates; ones that do not parse are left out.
 * @param tokenLabels token labels by storage id (from `listTokens`).
 */
export async function describeTokenCertificates(
  certificates: readonly SignerCertificate[],
  tokenLabels: ReadonlyMap<string, string> = new Map(),
): Promise<TokenCertificateView[]> {
  const pki = await import('@/pki/index.ts')
  const out: TokenCertificateView[] = []
  for (const c of certificates) {
    try {
      const info = await pki.describeCertificate(c.der)
      out.push({
        key: `${c.storageId}/${c.id}`,
        id: c.id,
        storageId: c.storageId,
        ...(c.keyId ? { keyId: c.keyId } : {}),
        ...(c.label ? { label: c.label } : {}),
        tokenLabel: tokenLabels.get(c.storageId) ?? c.storageId,
        commonName: info.subject.commonName ?? c.label ?? c.id,
        ...(info.iin ? { iin: info.iin } : {}),
        notAfter: info.notAfter.getTime(),
        auth: !info.extKeyUsage || info.extKeyUsage.some((e) => e.oid === CLIENT_AUTH_OID),
        serial: info.serialNumber,
        keyAlgorithm: info.publicKey.algorithm === 'RSA' || info.publicKey.algorithm === 'EC' ? info.publicKey.algorithm : 'other',
        ...(info.bin ? { bin: info.bin } : {}),
      })
    } catch {
      // Not a certificate we can read: nothing to show or sign with.
    }
  }
  return out
}
