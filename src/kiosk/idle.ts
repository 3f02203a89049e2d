/**
 * Idle detection for a kiosk: after `idleSeconds` without input a warning opens with a
 * countdown of `warnSeconds` (at least 20); the session ends when it reaches zero unless the
 * person presses "Continue". Timers are plain setTimeout/setInterval (Playwright's clock drives
 * them in tests). Call from a component's setup: listeners stop with its scope.
 */
import { computed, onScopeDispose, ref, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue'
import { useIdle } from '@vueuse/core'
import { MIN_WARN_SECONDS } from './config.ts'

/** Input that counts as activity: the defaults plus touch pointers and on-screen keyboards. */
export const KIOSK_ACTIVITY_EVENTS = ['mousemove', 'mousedown', 'resize', 'keydown', 'touchstart', 'wheel', 'pointerdown', 'input', 'scroll'] as const

export interface KioskIdleOptions {
  readonly idleSeconds: number
  readonly warnSeconds: number
  /** Runs once when the countdown reaches zero. */
  readonly onExpire: () => void
  /** While true (key generation, a submission) the idle timer does not fire. */
  readonly paused?: MaybeRefOrGetter<boolean>
}

export interface KioskIdle {
  /** The warning is open. */
  readonly warning: Ref<boolean>
  /** Whole seconds left before the session ends. */
  readonly secondsLeft: Ref<number>
  /** "Continue": closes the warning and starts the quiet period again. */
  continueSession(): void
}

/** Starts idle tracking; see the module comment. */
export function useKioskIdle(options: KioskIdleOptions): KioskIdle {
  const warnSeconds = Math.max(MIN_WARN_SECONDS, options.warnSeconds)
  const { idle, reset } = useIdle(options.idleSeconds * 1000, { events: [...KIOSK_ACTIVITY_EVENTS], listenForVisibilityChange: true })
  const warning = ref(false)
  const secondsLeft = ref(warnSeconds)
  const paused = computed(() => toValue(options.paused) ?? false)
  let timer: ReturnType<typeof setInterval> | null = null
  let deadline = 0

  function stopCountdown(): void {
    if (timer) clearInterval(timer)
    timer = null
  }

  function tick(): void {
    secondsLeft.value = Math.max(0, Math.ceil((deadline - Date.now()) / 1000))
    if (secondsLeft.value > 0) return
    stopCountdown()
    options.onExpire()
  }

  function startCountdown(): void {
    warning.value = true
    deadline = Date.now() + warnSeconds * 1000
    secondsLeft.value = warnSeconds
    timer = setInterval(tick, 1000)
  }

  watch([idle, paused], ([isIdle, isPaused]) => {
    if (isIdle && !isPaused && !warning.value) startCountdown()
    if (isPaused) reset()
  })

  function continueSession(): void {
    stopCountdown()
    warning.value = false
    secondsLeft.value = warnSeconds
    reset()
  }

  onScopeDispose(stopCountdown)
  return { warning, secondsLeft, continueSession }
}
