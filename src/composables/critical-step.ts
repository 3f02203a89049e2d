/**
 * Marks a component's lifetime (or part of it) as a critical step: the update banner hides and
 * no automatic reload happens while any critical step is open.
 */
import { onScopeDispose, toValue, watch, type MaybeRefOrGetter } from 'vue'
import { useAppStore } from '@/stores/app.ts'

/**
 * Holds a critical step while `active` is true (default: always, until the component unmounts).
 *
 * @example
 * // In a wizard view: no reload while the user is past the first step.
 * useCriticalStep(() => step.value > 0)
 */
export function useCriticalStep(active: MaybeRefOrGetter<boolean> = true): void {
  const app = useAppStore()
  let release: (() => void) | null = null
  watch(
    () => toValue(active),
    (on) => {
      if (on && !release) release = app.beginCriticalStep()
      else if (!on && release) {
        release()
        release = null
      }
    },
    { immediate: true },
  )
  onScopeDispose(() => release?.())
}
