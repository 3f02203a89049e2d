/**
 * The registration-center directory as the wizard and the public page use it: loaded once per
 * visit (from the server, or the copy this device saved when offline), grouped by region.
 * `$reset()` forgets it (a kiosk session end); the next screen that needs it loads it again.
 */
import { computed, ref, shallowRef } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'
import { loadCenters } from '@/api/centers-client.ts'
import type { RegistrationCenter } from '@/core/centers-wire.ts'

export const useCentersStore = defineStore('centers', () => {
  /** The active centers, in the server's order (region, id). */
  const centers = shallowRef<readonly RegistrationCenter[]>([])
  /** When the shown directory was saved from the server (ms), and whether it is the offline copy. */
  const savedAt = ref<number | null>(null)
  const offline = ref(false)
  /** 'idle' → 'loading' → 'ready' | 'failed'. */
  const state = ref<'idle' | 'loading' | 'ready' | 'failed'>('idle')
  /** Code of the last failure (errors.<code>). */
  const error = ref<string | null>(null)
  let pending: Promise<void> | null = null

  /** Regions that have at least one active center. */
  const regions = computed(() => [...new Set(centers.value.map((c) => c.region))])

  /** Loads the directory unless it is loaded (or loading); `force` asks the server again. */
  function load(force = false): Promise<void> {
    if (pending) return pending
    if (state.value === 'ready' && !force) return Promise.resolve()
    state.value = 'loading'
    pending = loadCenters()
      .then((d) => {
        centers.value = d.centers
        savedAt.value = d.savedAt
        offline.value = d.offline
        error.value = null
        state.value = 'ready'
      })
      .catch((e: unknown) => {
        const code = (e as { code?: unknown } | null)?.code
        error.value = typeof code === 'string' ? code : 'ERR_NETWORK'
        state.value = 'failed'
      })
      .finally(() => {
        pending = null
      })
    return pending
  }

  /** The active centers of one region. */
  function inRegion(region: string): RegistrationCenter[] {
    return centers.value.filter((c) => c.region === region)
  }

  /** A center by id (active ones only: the directory holds no others). */
  function find(id: string): RegistrationCenter | undefined {
    return centers.value.find((c) => c.id === id)
  }

  function $reset(): void {
    centers.value = []
    savedAt.value = null
    offline.value = false
    state.value = 'idle'
    error.value = null
  }

  return { centers, savedAt, offline, state, error, regions, load, inRegion, find, $reset }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCentersStore, import.meta.hot))
