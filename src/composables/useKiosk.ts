/**
 * Kiosk session control for components: end the session (wipe, then the start screen or a
 * waiting app update), switch between applicant and operator (each switch is a session end),
 * and the router guard that makes any applicant ↔ operator navigation go through that switch.
 */
import { getActivePinia } from 'pinia'
import type { Router } from 'vue-router'
import { useKioskStore } from '@/stores/kiosk.ts'
import { usePwaStore } from '@/stores/pwa.ts'
import { useKeyHandoverStore } from '@/stores/key-handover.ts'
import { resetAllStores } from '@/stores/registry.ts'
import { HANDOVER_DATABASES, clearWebStorage, wipeUserData, type WipeReport } from '@/kiosk/wipe.ts'

/** Who is using the kiosk. */
export type KioskRole = 'applicant' | 'operator'

/** The role a path belongs to: the operator console, or everything else. */
export function roleOf(path: string): KioskRole {
  return path === '/operator' || path.startsWith('/operator/') ? 'operator' : 'applicant'
}

/** Start screen of each role. */
export const ROLE_START: Record<KioskRole, string> = { applicant: '/', operator: '/operator' }

/** Where the applicant comes back to while keys wait for their certificates: the device's applications. */
export const APPLICANT_RETURN = '/status'

/** How long to wait for an activated update to reload the page before navigating anyway. */
const UPDATE_RELOAD_FALLBACK_MS = 10_000

/** The last wipe's report (for tests and diagnostics; holds no personal data). */
export let lastWipeReport: WipeReport | null = null

export function useKiosk() {
  const kiosk = useKioskStore()
  const pwa = usePwaStore()
  const handover = useKeyHandoverStore()
  const pinia = getActivePinia()

  /**
   * Ends the session now: wipes every trace (but `keepDatabases`), then opens `target` with a
   * full page load (no history to go "Back" into). A waiting app update is applied here, never
   * mid-session.
   */
  async function endSession(target: string = ROLE_START.applicant, keepDatabases: readonly string[] = []): Promise<void> {
    if (kiosk.ending) return
    kiosk.ending = true
    // Read before the stores are reset.
    const updateWaiting = pwa.needRefresh
    const activate = pwa.activateWaiting
    const report = await wipeUserData({ resetStores: () => (pinia ? resetAllStores(pinia) : []), keepDatabases })
    lastWipeReport = report
    kiosk.ending = true
    if (!report.loggedOut) kiosk.markLogoutPending()
    // The router saves scroll positions (visited paths) to sessionStorage on pagehide; this
    // listener runs after it and clears them again.
    window.addEventListener('pagehide', () => clearWebStorage())
    if (updateWaiting && activate) {
      // The new worker's takeover reloads the page (pwa-registration onNeedReload): land on target.
      history.replaceState(null, '', target)
      await activate().catch(() => undefined)
      setTimeout(() => location.replace(target), UPDATE_RELOAD_FALLBACK_MS)
      return
    }
    location.replace(target)
  }

  /**
   * Hands the kiosk to the other role; the current person's session is wiped first, except the
   * applicant's applications and the keys waiting for their certificates (HANDOVER_DATABASES):
   * they stay, encrypted, until the applicant has saved the key files and presses Finish.
   * Back with the applicant, the kiosk opens the device's applications when keys wait.
   */
  async function switchRole(role: KioskRole): Promise<void> {
    if (kiosk.ending) return
    const waiting = role === 'applicant' ? await handover.keysAwaitingHandover().catch(() => []) : []
    const target = waiting.length ? APPLICANT_RETURN : ROLE_START[role]
    return endSession(target, HANDOVER_DATABASES)
  }

  /** In kiosk mode, a navigation across roles becomes a role switch (with its wipe). */
  function guardRoles(router: Router): () => void {
    return router.beforeEach((to, from) => {
      if (!kiosk.active || !from.matched.length) return true
      const next = roleOf(to.path)
      if (next === roleOf(from.path)) return true
      void switchRole(next)
      return false
    })
  }

  return { endSession, switchRole, guardRoles }
}
