/**
 * The operator console's directory editing: every center (deactivated ones too), the one open in
 * the form, and the last refusal with the field it names. The session is the operator store's
 * (certificate sign-in). `$reset()` forgets everything.
 */
import { ref, shallowRef } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'
import { createCentersOperatorClient, type CenterChanges } from '@/api/centers-operator-client.ts'
import type { CenterFields, RegistrationCenter } from '@/core/centers-wire.ts'

/** A refusal: its code and, for ERR_CENTER_INVALID, the field and rule. */
export interface CenterRefusal {
  readonly code: string
  readonly field?: string
  readonly rule?: string
}

function refusalOf(e: unknown): CenterRefusal {
  const err = e as { code?: unknown; details?: Record<string, unknown> } | null
  const code = typeof err?.code === 'string' ? err.code : 'ERR_INTERNAL'
  const field = err?.details?.field
  const rule = err?.details?.rule
  return { code, ...(typeof field === 'string' ? { field } : {}), ...(typeof rule === 'string' ? { rule } : {}) }
}

export const useCentersConsoleStore = defineStore('centers-console', () => {
  const centers = ref<RegistrationCenter[]>([])
  const loaded = ref(false)
  const busy = ref(false)
  const refusal = ref<CenterRefusal | null>(null)
  const client = shallowRef(createCentersOperatorClient())

  async function run<T>(task: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    refusal.value = null
    try {
      return await task()
    } catch (e) {
      refusal.value = refusalOf(e)
      return undefined
    } finally {
      busy.value = false
    }
  }

  /** Loads every center. */
  async function load(): Promise<void> {
    const list = await run(() => client.value.list())
    if (list) {
      centers.value = list
      loaded.value = true
    }
  }

  /** Puts the server's answer in the list (replacing the center of that id, or adding it). */
  function remember(center: RegistrationCenter): RegistrationCenter {
    const i = centers.value.findIndex((c) => c.id === center.id)
    if (i >= 0) centers.value.splice(i, 1, center)
    else centers.value.push(center)
    return center
  }

  /** Adds a center; the stored one, or undefined (see `refusal`). */
  async function create(center: Omit<CenterFields, 'active'>): Promise<RegistrationCenter | undefined> {
    const saved = await run(() => client.value.create(center))
    return saved && remember(saved)
  }

  /** Changes fields of center `id`; the stored one, or undefined (see `refusal`). */
  async function update(id: string, changes: CenterChanges): Promise<RegistrationCenter | undefined> {
    const saved = await run(() => client.value.update(id, changes))
    return saved && remember(saved)
  }

  function $reset(): void {
    centers.value = []
    loaded.value = false
    busy.value = false
    refusal.value = null
  }

  return { centers, loaded, busy, refusal, load, create, update, $reset }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useCentersConsoleStore, import.meta.hot))
