/**
 * What the revocation pages decide: which stored certificate is being revoked, the chosen reason,
 * and the one-time action — check the container password by unlocking, sign the revocation
 * request with that certificate's own key (CMS), send it, and mark the certificate revoked in
 * the keystore so it stays visible, marked, for history. A wrong password stops before
 * anything is signed or sent.
 */
import { computed, ref, type Ref } from 'vue'
import { revocationRequestPayload, sendRevocationRequest } from '@/api/revocation-client.ts'
import type { CertificateStatusChange } from '@/api/operator-types.ts'
import type { RevocationReason } from '@/api/revocation-reasons.ts'
import type { CertificateView } from '@/keystore/views.ts'
import { useContainersStore } from '@/stores/containers.ts'

/** The flow's pages, in order. */
export const REVOKE_STEPS = ['reason', 'warning', 'confirm', 'done'] as const
export type RevokeStep = (typeof REVOKE_STEPS)[number]

/** The result shown on the last page. */
export interface RevocationOutcome {
  readonly serial: string
  readonly reason: RevocationReason
  readonly revokedAt: number
}

/** Sends the revocation of `certificate`, authorized by its own key; see the file comment. */
export async function revokeStoredCertificate(certificate: CertificateView, reason: RevocationReason, password: string): Promise<RevocationOutcome> {
  const containers = useContainersStore()
  const keystore = await containers.useKeystore()
  if (!certificate.keyId) throw Object.assign(new Error('no key for this certificate'), { code: 'ERR_NOT_FOUND' })
  const wasUnlocked = keystore.isUnlocked(certificate.containerId)
  // The password is the explicit confirmation: checked (and throttled) even when already unlocked.
  await containers.unlock(certificate.containerId, password)
  let cms: Uint8Array
  try {
    cms = await keystore.signCms(certificate.containerId, certificate.keyId, revocationRequestPayload(certificate.summary.serialNumber, reason), {
      certificateId: certificate.id,
    })
  } finally {
    if (!wasUnlocked) containers.lock(certificate.containerId)
  }
  let change: CertificateStatusChange | undefined
  try {
    change = await sendRevocationRequest(certificate.summary.serialNumber, reason, cms)
  } catch (e) {
    // Revoked meanwhile (by an operator, or in another tab): the local mark must follow.
    if ((e as { code?: string }).code !== 'ERR_ALREADY_REVOKED') throw e
  }
  const revokedAt = change?.revokedAt ? Date.parse(change.revokedAt) : Date.now()
  await keystore.setCertificateRevoked(certificate.id, revokedAt)
  // The caller refreshes the list once it has recorded the outcome: refreshing here would show
  // "already revoked" before the result page.
  return { serial: certificate.summary.serialNumber, reason, revokedAt }
}

/** The certificate named by `certificateId` among this device's own certificates. */
export function useRevocationTarget(certificateId: Ref<string>) {
  const containers = useContainersStore()
  if (!containers.loaded) void containers.refresh()
  const certificate = computed(() => containers.ownCertificates.find((c) => c.id === certificateId.value) ?? null)
  const containerName = computed(() => containers.containers.find((c) => c.id === certificate.value?.containerId)?.name ?? '')
  return { certificate, containerName, loaded: computed(() => containers.loaded) }
}

/** State kept while the person moves between the pages of one revocation. */
export function useRevocationChoices() {
  const reason = ref<RevocationReason | null>(null)
  const outcome = ref<RevocationOutcome | null>(null)
  return { reason, outcome }
}
