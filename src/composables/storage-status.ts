/**
 * Persistent storage for this origin. Browsers may evict IndexedDB (where key containers live)
 * under storage pressure, and Safari after 7 days without use, unless the origin is persistent.
 */
import { ref } from 'vue'

/** Result of asking for persistent storage. */
export type PersistState = 'unsupported' | 'persisted' | 'not_persisted' | 'denied'

/** Reads and requests persistent storage; call `refresh()` on mount. */
export function useStorageStatus() {
  const state = ref<PersistState>('not_persisted')
  const usage = ref<number | null>(null)
  const quota = ref<number | null>(null)
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined

  async function refresh(): Promise<void> {
    if (!storage?.persisted) {
      state.value = 'unsupported'
      return
    }
    if (await storage.persisted()) state.value = 'persisted'
    else if (state.value !== 'denied') state.value = 'not_persisted'
    if (storage.estimate) {
      const estimate = await storage.estimate()
      usage.value = estimate.usage ?? null
      quota.value = estimate.quota ?? null
    }
  }

  /** Asks the browser to keep this origin's data; the browser decides (often silently). */
  async function requestPersistence(): Promise<void> {
    if (!storage?.persist) return
    state.value = (await storage.persist()) ? 'persisted' : 'denied'
    await refresh()
  }

  return { state, usage, quota, refresh, requestPersistence }
}
