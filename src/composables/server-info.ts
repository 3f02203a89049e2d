/** The Registration Center's health and version, for Settings → About. */
import { ref } from 'vue'

/** Body of GET /api/v1/health. */
export interface HealthResponse {
  status: string
  version: string
}

/** Fetches the server version once; `version` stays null while loading or when unreachable. */
export function useServerInfo() {
  const version = ref<string | null>(null)
  const state = ref<'loading' | 'ok' | 'unavailable'>('loading')

  async function load(): Promise<void> {
    state.value = 'loading'
    try {
      const response = await fetch('/api/v1/health', { headers: { accept: 'application/json' } })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      const body = (await response.json()) as HealthResponse
      version.value = body.version
      state.value = 'ok'
    } catch {
      state.value = 'unavailable'
    }
  }

  return { version, state, load }
}
