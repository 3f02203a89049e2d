/**
 * The certificates on the tokens our agent sees, described for display; shared by sign-in and
 * My certificates. `load()` detects the agent first and leaves the list empty when it is absent
 * or a token cannot be read.
 */
import { computed, ref, watch } from 'vue'
import { useAgentsStore } from '@/stores/agents.ts'
import { describeTokenCertificates, type TokenCertificateView } from '@/flows/token-certificates.ts'

export function useTokenCertificateList() {
  const agents = useAgentsStore()
  const list = ref<TokenCertificateView[]>([])
  const available = computed(() => agents.statuses['qoltanba-agent']?.available === true)

  async function load(): Promise<void> {
    await agents.detect('qoltanba-agent')
    if (!available.value) return
    try {
      await agents.refreshTokens()
      list.value = await describeTokenCertificates(agents.certificates, new Map(agents.tokens.map((x) => [x.id, x.label])))
    } catch {
      list.value = []
    }
  }

  // Pairing ends with a fresh detection: the prompt (and its dialog) unmount before their
  // `paired` event could reach the page, so the list reloads when pairing stops being needed.
  watch(
    () => agents.needsPairing,
    (now, before) => {
      if (before && !now) void load()
    },
  )

  return { list, available, load }
}
