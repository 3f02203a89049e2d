/**
 * Whether this registration center can revoke a stored certificate, and if not, why: only a
 * certificate its own issuing CA signed, not yet expired and not already revoked, can be. "My
 * certificates" offers "Revoke" only then and explains otherwise; the revocation pages say so on
 * their first screen when opened by URL. (The server refuses the same cases with
 * ERR_NOT_ISSUED_HERE and ERR_EXPIRED_NOT_REVOCABLE; this only saves the person the trip.)
 *
 * "Issued here" compares the certificate's issuer name and authority key identifier with the
 * issuing CA certificate the server publishes at /ca/issuing.crt. Fetched once per page load; when
 * it cannot be fetched (offline) the answer is `eligible` and the server decides.
 */
import { computed, shallowRef, toValue, watch, type ComputedRef, type MaybeRefOrGetter } from 'vue'
import { createApiClient } from '@/api/index.ts'
import type { CertificateView } from '@/keystore/views.ts'

/** Who signs our certificates: the issuing CA's subject name and key identifier. */
export interface IssuerIdentity {
  readonly dn: string
  readonly keyId?: string
}

/** What a certificate's own description says about its issuer. */
export interface CertificateIssuer {
  readonly dn: string
  readonly keyId?: string
  /** Organization, else common name, else the whole name: what to tell a person. */
  readonly label: string
}

export type RevocationEligibility =
  | { readonly kind: 'eligible' }
  | { readonly kind: 'revoked'; readonly at: number }
  | { readonly kind: 'expired'; readonly notAfter: number }
  | { readonly kind: 'foreign'; readonly issuer: string }
  /** Still working it out (the issuer check is asynchronous): offer nothing yet. */
  | { readonly kind: 'checking' }

/**
 * The decision, without any I/O.
 * @param ours the issuing CA, or null when it could not be fetched (then the server decides).
 * @param issuer the certificate's issuer, or undefined while it is being read.
 */
export function revocationEligibility(
  certificate: Pick<CertificateView, 'summary' | 'revokedAt'>,
  ours: IssuerIdentity | null | undefined,
  issuer: CertificateIssuer | undefined,
  now: number = Date.now(),
): RevocationEligibility {
  if (certificate.revokedAt !== undefined) return { kind: 'revoked', at: certificate.revokedAt }
  if (now > certificate.summary.notAfter) return { kind: 'expired', notAfter: certificate.summary.notAfter }
  if (ours === undefined || !issuer) return { kind: 'checking' }
  if (ours === null) return { kind: 'eligible' }
  const sameName = issuer.dn === ours.dn
  // Key identifiers tell two CAs of the same name apart (a renewed or a look-alike CA).
  const sameKey = !issuer.keyId || !ours.keyId || issuer.keyId === ours.keyId
  return sameName && sameKey ? { kind: 'eligible' } : { kind: 'foreign', issuer: issuer.label }
}

let issuingCa: Promise<IssuerIdentity | null> | undefined

/** The issuing CA of this registration center (fetched once), or null when it cannot be had now. */
function loadIssuingCa(): Promise<IssuerIdentity | null> {
  issuingCa ??= (async () => {
    try {
      const [der, pki] = await Promise.all([createApiClient().getCaCertificate('issuing'), import('@/pki/index.ts')])
      const info = await pki.describeCertificate(der)
      return { dn: info.subject.dn, ...(info.subjectKeyIdentifier ? { keyId: info.subjectKeyIdentifier } : {}) }
    } catch {
      issuingCa = undefined // offline now: ask again next time
      return null
    }
  })()
  return issuingCa
}

/** The issuer of a stored certificate, read from its DER. */
async function issuerOf(certificate: CertificateView): Promise<CertificateIssuer> {
  const pki = await import('@/pki/index.ts')
  const info = await pki.describeCertificate(certificate.der)
  return {
    dn: info.issuer.dn,
    ...(info.authorityKeyIdentifier ? { keyId: info.authorityKeyIdentifier } : {}),
    label: info.issuer.organization ?? info.issuer.commonName ?? info.issuer.dn,
  }
}

/**
 * The eligibility of one certificate (null: none given), kept up to date as it changes.
 * @example const eligibility = useRevocationEligibility(() => props.certificate)
 */
export function useRevocationEligibility(certificate: MaybeRefOrGetter<CertificateView | null>): ComputedRef<RevocationEligibility | null> {
  const ours = shallowRef<IssuerIdentity | null | undefined>(undefined)
  const issuer = shallowRef<CertificateIssuer | undefined>(undefined)
  watch(
    () => toValue(certificate),
    async (cert) => {
      issuer.value = undefined
      if (!cert) return
      const [ca, read] = await Promise.all([loadIssuingCa(), issuerOf(cert).catch(() => undefined)])
      if (toValue(certificate) !== cert) return
      ours.value = ca
      // An unreadable certificate is not ours to judge: leave it to the server.
      issuer.value = read ?? { dn: ca?.dn ?? '', label: '' }
    },
    { immediate: true },
  )
  return computed(() => {
    const cert = toValue(certificate)
    return cert ? revocationEligibility(cert, ours.value, issuer.value) : null
  })
}
