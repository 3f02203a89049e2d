/**
 * App-wide UI state that is not owned by a feature: whether the user is in the middle of a
 * critical step (a form, key generation, a submission), and what the live region announces.
 */
import { computed, ref } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'

export const useAppStore = defineStore('app', () => {
  /** How many critical steps are open (nested wizards/dialogs each hold one). */
  const criticalSteps = ref(0)
  /** Last message for the polite live region (page changes, status updates). */
  const announcement = ref('')

  /**
   * True while the user is in the middle of something an automatic reload would destroy.
   * The update banner stays hidden and no reload happens while it is true.
   */
  const busy = computed(() => criticalSteps.value > 0)

  /**
   * Marks the start of a critical step; call the returned function when it ends. Calling the
   * release function twice is harmless. Prefer `useCriticalStep()` in components.
   */
  function beginCriticalStep(): () => void {
    criticalSteps.value++
    let released = false
    return () => {
      if (released) return
      released = true
      criticalSteps.value = Math.max(0, criticalSteps.value - 1)
    }
  }

  /** Sets the live-region text; the same text twice is re-announced. */
  function announce(message: string): void {
    // Screen readers only speak changes, so clear first when the text repeats.
    announcement.value = announcement.value === message ? `${message}\u00a0` : message
  }

  function $reset(): void {
    criticalSteps.value = 0
    announcement.value = ''
  }

  return { criticalSteps, announcement, busy, beginCriticalStep, announce, $reset }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAppStore, import.meta.hot))
