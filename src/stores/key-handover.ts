/**
 * Key files handed over: whether this device still holds the only copy of someone's private keys.
 * With key-file storage the keys wait, encrypted, in this browser until the certificates are
 * issued and the two .p12 files are saved; before that, deleting them (a kiosk's Finish, the
 * applicant clearing the browser) loses the application for good. The install flow records each
 * successful save here; the kiosk asks before a session end deletes keys not handed over yet.
 */
import { ref } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'
import { applicationsDbExists, type ApplicationDraft } from '@/api/index.ts'
import { useApplicationsStore } from './applications.ts'
import { useContainersStore } from './containers.ts'

/** An application (sent or waiting to be sent) whose keys exist only in this browser. */
export interface KeysAwaitingHandover {
  /** The application number; absent while it waits in the outbox. */
  readonly number?: string
  readonly containerId: string
}

export const useKeyHandoverStore = defineStore('key-handover', () => {
  /** Containers whose .p12 files were saved in this session. */
  const saved = ref<string[]>([])

  /** The install flow saved both key files of `containerId`. */
  function markSaved(containerId: string): void {
    if (!saved.value.includes(containerId)) saved.value = [...saved.value, containerId]
  }

  /**
   * Key-file applications of this device whose keys are still here and whose files were never
   * saved (not installed, not saved in this session). Never creates a database just to look.
   */
  async function keysAwaitingHandover(): Promise<KeysAwaitingHandover[]> {
    if (!(await applicationsDbExists())) return []
    const applications = useApplicationsStore()
    const containers = useContainersStore()
    await Promise.all([applications.refresh(), containers.refresh()])
    const present = new Set(containers.containers.map((c) => c.id))
    const waiting = (draft: ApplicationDraft): boolean =>
      draft.keys.storage === 'file' && !!draft.keys.containerId && present.has(draft.keys.containerId) && !saved.value.includes(draft.keys.containerId)
    return [
      ...applications.applications
        .filter((a) => waiting(a) && a.lastStatus?.status !== 'installed')
        .map((a) => ({ number: a.number, containerId: a.keys.containerId! })),
      ...applications.outbox.filter((o) => waiting(o.draft)).map((o) => ({ containerId: o.draft.keys.containerId! })),
    ]
  }

  function $reset(): void {
    saved.value = []
  }

  return { saved, markSaved, keysAwaitingHandover, $reset }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useKeyHandoverStore, import.meta.hot))
