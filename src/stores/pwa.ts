/**
 * Service-worker and install state. Updates are never applied behind the user's back: a new
 * version waits until the user accepts it, and a reload triggered from another tab is deferred
 * while `useAppStore().busy` is true.
 */
import { computed, ref, shallowRef } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'
import { useAppStore } from './app.ts'

/** What the update banner offers: activate a waiting version, reload into an active one, or nothing. */
export type UpdateBannerMode = 'update' | 'reload' | null

/** Chromium's install prompt event (not in the DOM typings). */
export interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>
}

export const usePwaStore = defineStore('pwa', () => {
  /** A new version is installed and waiting for the user's consent. */
  const needRefresh = ref(false)
  /** The app shell is cached: the app now opens offline. */
  const offlineReady = ref(false)
  /** A new version took control (e.g. accepted in another tab) but a reload was deferred. */
  const reloadPending = ref(false)
  /** The user chose "Later" for the current waiting version. */
  const updateDismissed = ref(false)
  /** The user closed the "works offline" notice. */
  const offlineNoticeDismissed = ref(false)
  /** Chromium's deferred install prompt, when the browser offered one. */
  const installPrompt = shallowRef<BeforeInstallPromptEvent | null>(null)
  /** Sends SKIP_WAITING to the waiting worker; set by the registration. */
  const activateWaiting = shallowRef<(() => Promise<void>) | null>(null)

  const app = useAppStore()
  /**
   * The update banner's content. Nothing during a critical step: accepting would reload the
   * page and lose the form; the banner comes back when the step ends.
   */
  const bannerMode = computed<UpdateBannerMode>(() => {
    if (app.busy) return null
    if (reloadPending.value) return 'reload'
    if (needRefresh.value && !updateDismissed.value) return 'update'
    return null
  })

  /** The install entry in the menu can use the browser's own prompt. */
  const canPromptInstall = computed(() => installPrompt.value !== null)

  /** Activates the waiting version; the page reloads when it takes control. */
  async function applyUpdate(): Promise<void> {
    updateDismissed.value = true
    await activateWaiting.value?.()
  }

  /** Shows the browser's install dialog; returns whether the user accepted. */
  async function promptInstall(): Promise<boolean> {
    const event = installPrompt.value
    if (!event) return false
    // The event can be used once; the browser fires a fresh one if the user declines.
    installPrompt.value = null
    await event.prompt()
    return (await event.userChoice).outcome === 'accepted'
  }

  /**
   * Resets what one user saw (dismissed notices). Facts about the device — a waiting update,
   * the install prompt — survive, since they belong to the kiosk, not to the person.
   */
  function $reset(): void {
    updateDismissed.value = false
    offlineNoticeDismissed.value = false
  }

  return {
    needRefresh,
    offlineReady,
    reloadPending,
    updateDismissed,
    offlineNoticeDismissed,
    installPrompt,
    activateWaiting,
    bannerMode,
    canPromptInstall,
    applyUpdate,
    promptInstall,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePwaStore, import.meta.hot))
