/**
 * The requesting screen's side of a hand-off to the phone: register, follow the state live,
 * count down, and collect when the phone has signed (a sign-in: the session cookie lands in this
 * browser; a signing: one detached CMS per document). Everything is per component instance, so a
 * kiosk's wipe or leaving the page leaves nothing behind; leaving aborts the live stream.
 */
import { computed, onBeforeUnmount, ref, shallowRef } from 'vue'
import {
  createHandoffClient,
  type Handoff,
  type HandoffApplicationAnswers,
  type HandoffApplicationResult,
  type HandoffDocument,
  type HandoffKind,
  type HandoffState,
} from '@/api/handoff-client.ts'
import type { SessionView } from '@/api/auth-client.ts'
import { useCriticalStep } from './critical-step.ts'

export interface HandoffRequestOptions {
  readonly kind: HandoffKind
  /** The name the phone shows as the requester. */
  readonly requesterName: () => string
  readonly documents?: () => readonly HandoffDocument[]
  /** Kind "application": the wizard's answers (no keys: the phone makes them). */
  readonly application?: () => HandoffApplicationAnswers
  readonly onApplication?: (application: HandoffApplicationResult) => void | Promise<void>
  readonly onSignedIn?: (session: SessionView) => void | Promise<void>
  readonly onSignatures?: (signatures: Uint8Array[]) => void | Promise<void>
}

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'ERR_NETWORK'
}

export function useHandoffRequest(options: HandoffRequestOptions) {
  const client = createHandoffClient()
  const handoff = shallowRef<Handoff | null>(null)
  const state = ref<HandoffState | null>(null)
  /** With `failed`: the code of the refusal of the phone's answer (a revoked certificate …). */
  const failure = ref<string | null>(null)
  const error = ref<string | null>(null)
  const now = ref(Date.now())
  let abort: AbortController | null = null
  let timer: ReturnType<typeof setInterval> | undefined

  /** Seconds left before the QR code stops working. */
  const secondsLeft = computed(() => (handoff.value ? Math.max(0, Math.ceil((Date.parse(handoff.value.expiresAt) - now.value) / 1000)) : 0))

  function stop(): void {
    abort?.abort()
    abort = null
    if (timer) clearInterval(timer)
    timer = undefined
  }

  async function collect(h: Handoff): Promise<void> {
    try {
      if (options.kind === 'sign-in') await options.onSignedIn?.(await client.completeSignIn(h))
      else if (options.kind === 'application') await options.onApplication?.(await client.collectApplication(h))
      else await options.onSignatures?.(await client.collectSignatures(h))
    } catch (e) {
      error.value = codeOf(e)
    }
  }

  /** Registers a new hand-off (again: a fresh QR code and code) and follows it. */
  async function start(): Promise<void> {
    stop()
    error.value = null
    state.value = null
    failure.value = null
    handoff.value = null
    try {
      const h = await client.create({
        kind: options.kind,
        requester: { name: options.requesterName() },
        ...(options.documents ? { documents: options.documents() } : {}),
        ...(options.application ? { application: options.application() } : {}),
      })
      handoff.value = h
      state.value = 'waiting'
      now.value = Date.now()
      timer = setInterval(() => {
        now.value = Date.now()
        // The countdown decides for the screen too: an expired QR code is shown as expired
        // even before the server's stream says so.
        if (secondsLeft.value === 0 && (state.value === 'waiting' || state.value === 'opened')) state.value = 'expired'
      }, 1000)
      const control = new AbortController()
      abort = control
      const final = await client.follow(
        h,
        (s, why) => {
          state.value = s
          failure.value = why ?? null
        },
        control.signal,
      )
      if (control.signal.aborted) return
      if (final === 'signed') await collect(h)
      if (timer) clearInterval(timer)
    } catch (e) {
      if (abort?.signal.aborted) return
      error.value = codeOf(e)
    }
  }

  // While the phone works on it (a kiosk applicant making keys takes a while), neither an app
  // update nor the kiosk's idle reset may end this page.
  useCriticalStep(() => state.value === 'opened')
  onBeforeUnmount(stop)
  return { handoff, state, failure, error, secondsLeft, start, stop }
}
