/**
 * This device's applications: the outbox (prepared, "waiting to send"), the applications the
 * Registration Center accepted with their last known status and its time, and sending the
 * outbox when the network returns. `$reset()` forgets the in-memory state (kiosk session end;
 * the kiosk wipe deletes the database itself).
 */
import { computed, ref, shallowRef } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'
import {
  ApplicationOutbox,
  applicationsDbExists,
  createApiClient,
  type ApiClient,
  type ApplicationDraft,
  type ApplicationRecord,
  type ApplicationView,
  type FlushResult,
  type OutboxRecord,
  type RenewalSubmission,
  type SubmissionBody,
} from '@/api/index.ts'

/** Wait before sending the outbox again when the server did not answer. */
const RETRY_MS = 30_000

export const useApplicationsStore = defineStore('applications', () => {
  /** Applications the server accepted, newest first. */
  const applications = ref<ApplicationRecord[]>([])
  /** Prepared applications not sent yet (waiting) or refused (failed). */
  const outbox = ref<OutboxRecord[]>([])
  /** The first load finished. */
  const loaded = ref(false)
  /** A flush is running. */
  const sending = ref(false)
  /**
   * Applications looked up by number + access code that were not submitted from this device
   * (memory only: the access code is not kept for them).
   */
  const lookedUp = ref<Record<string, { accessCode: string; view: ApplicationView; checkedAt: number }>>({})

  const client = shallowRef<ApiClient>(createApiClient())
  const box = shallowRef<ApplicationOutbox>(new ApplicationOutbox({ client: client.value }))
  let listening = false

  /** Items waiting to be sent. */
  const waiting = computed(() => outbox.value.filter((i) => i.state === 'waiting'))

  /** Reloads both lists from IndexedDB. */
  async function refresh(): Promise<void> {
    const [a, o] = await Promise.all([box.value.applications(), box.value.pending()])
    applications.value = a
    outbox.value = o
    loaded.value = true
  }

  let retryTimer: ReturnType<typeof setTimeout> | null = null

  /** Sends what waits (no-op when nothing does); lists are refreshed afterwards. */
  async function flush(): Promise<FlushResult> {
    sending.value = true
    try {
      const result = await box.value.flush()
      // Online but the server did not answer: no 'online' event will come, so try again later.
      if (result.waiting.length && listening) scheduleRetry()
      return result
    } finally {
      sending.value = false
      await refresh()
    }
  }

  function scheduleRetry(): void {
    if (retryTimer) return
    retryTimer = setTimeout(() => {
      retryTimer = null
      if (navigator.onLine) void flush().catch(() => undefined)
    }, RETRY_MS)
  }

  /**
   * Stores a prepared application and tries to send it at once. Resolves with the accepted
   * application, or with the outbox item when it waits (offline) or was refused (`state: 'failed'`).
   */
  async function submit(body: SubmissionBody, draft: ApplicationDraft, renewal?: RenewalSubmission): Promise<{ sent?: ApplicationRecord; item: OutboxRecord }> {
    const item = await box.value.enqueue(body, draft, renewal)
    await flush()
    const sent = await box.value.applicationBySubmission(item.id)
    return sent ? { sent, item } : { item: (await box.value.outboxItem(item.id)) ?? item }
  }

  /** Sends the outbox whenever the browser says the network is back (once per app). */
  function listenForNetwork(): void {
    if (listening || typeof window === 'undefined') return
    listening = true
    window.addEventListener('online', onOnline)
    if (navigator.onLine) onOnline()
  }

  function onOnline(): void {
    // Never create the database just to find it empty (a wiped kiosk must stay wiped).
    void applicationsDbExists().then((exists) => (exists ? flush() : undefined)).catch(() => undefined)
  }

  /** One application of this device. */
  function byNumber(number: string): ApplicationRecord | undefined {
    return applications.value.find((a) => a.number === number)
  }

  /** Asks the server for the status; remembers it with the time (throws ERR_NETWORK offline). */
  async function checkStatus(number: string, accessCode: string): Promise<ApplicationView> {
    const view = await box.value.refreshStatus(number, accessCode)
    await refresh()
    return view
  }

  /**
   * Status by number + access code (the status page's form). Applications of this device get
   * their last known status updated; others are kept in memory for the detail page.
   */
  async function lookup(number: string, accessCode: string): Promise<ApplicationView> {
    const view = await client.value.getApplication(number, accessCode)
    if (applications.value.some((a) => a.number === view.number) || (await box.value.application(view.number))) {
      await box.value.rememberStatus(view)
      await refresh()
    } else {
      lookedUp.value = { ...lookedUp.value, [view.number]: { accessCode: accessCode.trim(), view, checkedAt: Date.now() } }
    }
    return view
  }

  /**
   * Remembers an application submitted elsewhere for this device (a kiosk's application the
   * phone submitted with its keys: the phone keeps the keys, the kiosk only number and code).
   */
  async function recordSubmitted(record: ApplicationRecord): Promise<void> {
    await box.value.remember(record)
    await refresh()
  }

  /** Records a status the install flow saw. */
  async function rememberStatus(view: ApplicationView): Promise<void> {
    await box.value.rememberStatus(view)
    await refresh()
  }

  /** Gives up on an outbox item. */
  async function discard(id: string): Promise<void> {
    await box.value.discard(id)
    await refresh()
  }

  /** Puts a refused item back and sends. */
  async function retry(id: string): Promise<FlushResult> {
    await box.value.retry(id)
    return flush()
  }

  function $reset(): void {
    if (listening) window.removeEventListener('online', onOnline)
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    listening = false
    void box.value.close()
    client.value = createApiClient()
    box.value = new ApplicationOutbox({ client: client.value })
    applications.value = []
    outbox.value = []
    lookedUp.value = {}
    loaded.value = false
    sending.value = false
  }

  return {
    applications,
    outbox,
    loaded,
    sending,
    lookedUp,
    waiting,
    client,
    refresh,
    flush,
    submit,
    listenForNetwork,
    byNumber,
    checkStatus,
    lookup,
    rememberStatus,
    recordSubmitted,
    discard,
    retry,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useApplicationsStore, import.meta.hot))
