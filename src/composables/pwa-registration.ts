/**
 * Registers the service worker (prompt mode) and keeps the PWA store in sync with it. Kiosks
 * never navigate, so the browser's own update check (on navigation) is not enough: we ask for
 * an update every hour while online.
 */
import { watch } from 'vue'
import { useRegisterSW } from 'virtual:pwa-register/vue'
import { usePwaStore, type BeforeInstallPromptEvent } from '@/stores/pwa.ts'
import { useAppStore } from '@/stores/app.ts'
import { afterFirstPaint } from './after-paint.ts'

/** How often a long-lived page asks the server for a new service worker. */
export const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000

/**
 * One periodic update check: skipped while a worker is installing or the device is offline;
 * probes the worker script first, because update() on a failing network logs noisy errors and
 * can reject.
 */
export async function checkForUpdate(
  swUrl: string,
  registration: Pick<ServiceWorkerRegistration, 'installing' | 'update'>,
  env: { online: boolean; fetch: typeof fetch } = { online: navigator.onLine, fetch: globalThis.fetch.bind(globalThis) },
): Promise<boolean> {
  if (registration.installing || !env.online) return false
  const probe = await env.fetch(swUrl, { cache: 'no-store', headers: { 'cache-control': 'no-cache' } }).catch(() => null)
  if (probe?.status !== 200) return false
  await registration.update().catch(() => undefined)
  return true
}

/**
 * Starts the service worker after the first paint, so precaching never competes with it. Call once, from the root component's setup.
 */
export function useServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return
  const pwa = usePwaStore()
  const app = useAppStore()
  afterFirstPaint(() => register(pwa, app))
}

function register(pwa: ReturnType<typeof usePwaStore>, app: ReturnType<typeof useAppStore>): void {
  const { needRefresh, offlineReady, updateServiceWorker } = useRegisterSW({
    immediate: true,
    onRegisteredSW(swUrl, registration) {
      if (!registration) return
      setInterval(() => void checkForUpdate(swUrl, registration), UPDATE_CHECK_INTERVAL_MS)
    },
    onNeedReload() {
      // The new version controls the page now. Reload unless the user is mid-form; then the
      // banner offers the reload once the critical step is over.
      if (app.busy) pwa.reloadPending = true
      else window.location.reload()
    },
    onRegisterError(error: unknown) {
      console.warn('Service worker registration failed', error)
    },
  })
  pwa.activateWaiting = () => updateServiceWorker()
  watch(needRefresh, (value) => {
    pwa.needRefresh = value
    if (value) pwa.updateDismissed = false
  }, { immediate: true })
  watch(offlineReady, (value) => (pwa.offlineReady = value), { immediate: true })
}

/** Captures Chromium's install prompt so the menu can offer it later. Call before mount. */
export function captureInstallPrompt(): void {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault()
    usePwaStore().installPrompt = event as BeforeInstallPromptEvent
  })
  window.addEventListener('appinstalled', () => {
    usePwaStore().installPrompt = null
  })
}
