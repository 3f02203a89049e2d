/**
 * Kiosk mode: whether this device is a kiosk (a deployment or operator decision, never the
 * applicant's), its timings, and the operator PIN of a URL-enabled kiosk. `$reset()` keeps all
 * of that: it belongs to the device. See src/kiosk/ and docs/kiosk.md.
 */
import { computed, ref } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'
import {
  DEFAULT_TIMINGS,
  fetchClientConfig,
  readDeviceSetting,
  resolveKiosk,
  writeDeviceSetting,
  type KioskDeviceSetting,
} from '@/kiosk/config.ts'
import { closeConnectionsOnVersionChange } from '@/kiosk/idb-connections.ts'
import { serverLogout } from '@/kiosk/wipe.ts'

// The PIN's hashing (core/bytes, core/errors) is loaded only when a PIN is set or checked: most
// devices are never kiosks, and these 2 KB would otherwise sit in every first paint.
const pinCode = () => import('@/kiosk/pin.ts')

export const useKioskStore = defineStore('kiosk', () => {
  /** Kiosk mode is on. */
  const active = ref(false)
  /** `?kiosk` was opened and the operator must set a PIN before the kiosk starts. */
  const needsPin = ref(false)
  /** The start-up check ran. */
  const ready = ref(false)
  const setting = ref<KioskDeviceSetting | null>(null)
  /** A session end is running (the screen shows it; input is ignored). */
  const ending = ref(false)

  const idleSeconds = computed(() => setting.value?.idleSeconds ?? DEFAULT_TIMINGS.idleSeconds)
  const warnSeconds = computed(() => setting.value?.warnSeconds ?? DEFAULT_TIMINGS.warnSeconds)
  /** Only a URL-enabled kiosk can be left, with the operator's PIN. */
  const canLeave = computed(() => active.value && setting.value?.source === 'url')
  /** Private keys may not stay in this browser. */
  const keysLeaveDevice = computed(() => active.value)

  function apply(next: KioskDeviceSetting | null): void {
    setting.value = next
    if (active.value) writeDeviceSetting(next)
  }

  /** Decides kiosk mode at start-up: the server's setting, the stored one, `?kiosk` in the URL. */
  async function init(url: URL = new URL(location.href)): Promise<void> {
    const stored = readDeviceSetting()
    const server = await fetchClientConfig()
    const resolved = resolveKiosk(server, stored, url.searchParams.has('kiosk'))
    // A host that is no longer a kiosk forgets its stored server setting.
    if (!resolved.active && stored?.source === 'server') writeDeviceSetting(null)
    active.value = resolved.active
    needsPin.value = resolved.needsPin
    apply(resolved.setting)
    ready.value = true
    if (!active.value) return
    closeConnectionsOnVersionChange()
    if (setting.value?.logoutPending && server) {
      // The last session end could not reach the server: end that sign-in now.
      await serverLogout().then(() => apply({ ...setting.value!, logoutPending: false }), () => undefined)
    }
  }

  /** The operator locks a URL-enabled kiosk with a PIN; false when the PIN is not 4–12 digits. */
  async function lockWithPin(pin: string): Promise<boolean> {
    const { hashPin, isValidPin } = await pinCode()
    if (!isValidPin(pin) || !setting.value) return false
    // Hash first, then switch on and store in one step: a kiosk that shows itself locked before
    // the setting is stored would come back as an ordinary browser on the next page load.
    const hashed = await hashPin(pin)
    if (!setting.value) return false
    active.value = true
    needsPin.value = false
    apply({ ...setting.value, source: 'url', pin: hashed })
    closeConnectionsOnVersionChange()
    return true
  }

  /** Cancels the `?kiosk` request before a PIN was set (nothing changes). */
  function cancelPin(): void {
    needsPin.value = false
    setting.value = null
  }

  /** Leaves a URL-enabled kiosk; false when the PIN is wrong. */
  async function leaveWithPin(pin: string): Promise<boolean> {
    const stored = setting.value
    const { isValidPin, verifyPin } = await pinCode()
    if (!canLeave.value || !stored?.pin || !isValidPin(pin)) return false
    if (!(await verifyPin(pin, stored.pin))) return false
    writeDeviceSetting(null)
    active.value = false
    setting.value = null
    return true
  }

  /** Remembers that the server session could not be ended (retried at the next start). */
  function markLogoutPending(): void {
    if (setting.value) apply({ ...setting.value, logoutPending: true })
  }

  /** Device facts survive; only the transient "ending" flag goes. */
  function $reset(): void {
    ending.value = false
  }

  return {
    active,
    needsPin,
    ready,
    setting,
    ending,
    idleSeconds,
    warnSeconds,
    canLeave,
    keysLeaveDevice,
    init,
    lockWithPin,
    cancelPin,
    leaveWithPin,
    markLogoutPending,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useKioskStore, import.meta.hot))
