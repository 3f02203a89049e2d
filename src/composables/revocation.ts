/**
 * What the revocation pages share while the person moves between them: the pages in order, which
 * stored certificate is being revoked, the chosen reason and the outcome. The action itself is
 * the containers store's `revoke` (src/flows/revocation.ts).
 */
import { computed, ref, type Ref } from 'vue'
import type { RevocationReason } from '@/api/revocation-reasons.ts'
import type { RevocationOutcome } from '@/flows/revocation.ts'
import { useContainersStore } from '@/stores/containers.ts'

export type { RevocationOutcome } from '@/flows/revocation.ts'

/** The flow's pages, in order. */
export const REVOKE_STEPS = ['reason', 'warning', 'confirm', 'done'] as const
export type RevokeStep = (typeof REVOKE_STEPS)[number]

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
