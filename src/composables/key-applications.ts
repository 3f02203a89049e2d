/**
 * Which application a key of "My certificates" waits on: a key made for an application has no
 * certificate until the operator approves it, and the card should link to that application
 * (its status page), not tell the person to apply again. Read from this device's applications
 * (the applications store: accepted ones and the outbox).
 */
import { useApplicationsStore } from '@/stores/applications.ts'
import type { ApplicationStatus } from '@/api/index.ts'

/** The application of a key: accepted (its number and last known status) or still waiting to be sent. */
export type KeyApplication =
  | { readonly kind: 'sent'; readonly number: string; readonly status: ApplicationStatus }
  | { readonly kind: 'waiting' }

interface Placed {
  readonly keys: { readonly containerId?: string; readonly keyIds?: { readonly auth: string; readonly sign: string } }
}

const holds = (draft: Placed, containerId: string, keyId: string) =>
  draft.keys.containerId === containerId && (draft.keys.keyIds?.auth === keyId || draft.keys.keyIds?.sign === keyId)

export function useKeyApplications() {
  const store = useApplicationsStore()
  if (!store.loaded) void store.refresh()

  /** The newest application made with this key, or null (a key made by hand, or one whose application was deleted here). */
  function applicationOf(containerId: string, keyId: string): KeyApplication | null {
    const sent = store.applications.filter((a) => holds(a, containerId, keyId)).sort((a, b) => b.submittedAt - a.submittedAt)[0]
    if (sent) return { kind: 'sent', number: sent.number, status: sent.lastStatus?.status ?? 'submitted' }
    return store.outbox.some((o) => o.state === 'waiting' && holds(o.draft, containerId, keyId)) ? { kind: 'waiting' } : null
  }

  return { applicationOf }
}
