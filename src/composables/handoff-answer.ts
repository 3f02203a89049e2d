/**
 * The phone's side of a hand-off: read the link (the QR code's text, or this page's own fragment
 * when the camera app opened it), open the request once, then sign with a certificate of this
 * device's containers or decline. The fragment is removed from the address bar at once, so the
 * secret stays out of the history and of screenshots of this page.
 */
import { computed, ref, shallowRef } from 'vue'
import { createHandoffClient, parseHandoffLink, type HandoffRequest } from '@/api/handoff-client.ts'
import { fromHex } from '@/core/bytes.ts'
import { useAgentsStore } from '@/stores/agents.ts'
import { useContainersStore } from '@/stores/containers.ts'

/** `refused`: the server's decisive check refused the answer (the requesting screen was told too). */
export type AnswerPhase = 'idle' | 'opening' | 'ready' | 'signing' | 'signed' | 'declined' | 'refused' | 'error'

/**
 * Server answers that are not the decisive check's verdict on what the phone signed: the
 * hand-off itself (unknown, expired, used), the body, too many requests, an outage.
 */
const NOT_A_VERDICT: ReadonlySet<string> = new Set(['ERR_HANDOFF_NOT_FOUND', 'ERR_HANDOFF_EXPIRED', 'ERR_HANDOFF_USED', 'ERR_VALIDATION', 'ERR_RATE_LIMITED', 'ERR_OVERLOADED', 'ERR_INTERNAL', 'ERR_NETWORK'])

/** True when `e` is the server refusing the phone's answer (an HTTP refusal with a verdict code), not a local error of the signer. */
function refusedByServer(e: unknown): boolean {
  const status = (e as { details?: { status?: unknown } } | null)?.details?.status
  return typeof status === 'number' && status >= 400 && status < 500 && !NOT_A_VERDICT.has(codeOf(e))
}

/** Refusals after which the request stays open: a wrong password, a network that comes back. */
const RETRYABLE: ReadonlySet<string> = new Set(['ERR_WRONG_PASSWORD', 'ERR_MAC_MISMATCH', 'ERR_WRONG_PIN', 'ERR_NETWORK'])

export function handoffErrorKey(code: string): string {
  return `errors.${code}`
}

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_') ? code : 'ERR_INTERNAL'
}

export function useHandoffAnswer() {
  const client = createHandoffClient()
  const containers = useContainersStore()
  const agents = useAgentsStore()
  const phase = ref<AnswerPhase>('idle')
  const error = ref<string | null>(null)
  const request = shallowRef<HandoffRequest | null>(null)
  let link: { id: string; secret: string } | null = null

  /** Certificates with a key here that fit the request: authentication for a sign-in, signing for documents. */
  const options = computed(() => {
    const purpose = request.value?.kind === 'sign-in' ? 'auth' : 'sign'
    return containers.containers.flatMap((c) =>
      c.certificates
        .filter((x) => x.keyId && x.summary.purposes.includes(purpose) && x.summary.notAfter > Date.now() && !x.revokedAt)
        .map((x) => ({ id: x.id, containerId: c.id, locked: !c.unlocked, label: x.summary.commonName ?? x.summary.subjectName })),
    )
  })

  function fail(e: unknown): void {
    error.value = codeOf(e)
    phase.value = phase.value === 'signing' && refusedByServer(e) ? 'refused' : 'error'
  }

  /** Opens the hand-off named by `text` (a scanned QR code or a link); false when it is none. */
  async function openLink(text: string): Promise<boolean> {
    const parsed = parseHandoffLink(text)
    if (!parsed) return false
    link = parsed
    phase.value = 'opening'
    error.value = null
    try {
      await containers.refresh()
      request.value = await client.open(parsed)
      phase.value = 'ready'
    } catch (e) {
      fail(e)
    }
    return true
  }

  /** The link in this page's fragment, taken out of the address bar. */
  async function openFromLocation(): Promise<void> {
    const hash = window.location.hash
    if (!hash) return
    history.replaceState(history.state, '', window.location.pathname + window.location.search)
    await openLink(hash)
  }

  /**
   * Runs one answer to the open request (`send` makes it and sends it with the link): signing,
   * then signed; a wrong password leaves the request open, so the person may try again.
   */
  async function answer(send: (link: { id: string; secret: string }, request: HandoffRequest) => Promise<void>): Promise<void> {
    const r = request.value
    if (!r || !link) return
    phase.value = 'signing'
    error.value = null
    try {
      await send(link, r)
      phase.value = 'signed'
    } catch (e) {
      if (RETRYABLE.has(codeOf(e))) {
        error.value = codeOf(e)
        phase.value = 'ready'
      } else fail(e)
    }
  }

  /**
   * Signs what was asked with the chosen certificate and sends it: a key of this device's
   * containers (`storageId` the container, `secret` its password), or a key on a token through
   * our agent (`storageId` the token, `secret` its PIN; documents are signed by their SHA-256).
   */
  async function sign(certificateId: string, storageId: string, secret: string | undefined, source: 'container' | 'agent' = 'container'): Promise<void> {
    await answer(async (l, r) => {
      const signer = source === 'agent' ? agents.agentSigner() : await containers.useSigner()
      const base = { certificateId, storageId, ...(secret ? { secret } : {}) }
      if (r.kind === 'sign-in') {
        const { cms } = await signer.signCms({ ...base, data: r.payload ?? new Uint8Array(), detached: false })
        await client.answerSignIn(l, cms)
      } else {
        const signatures: Uint8Array[] = []
        for (const d of r.documents) {
          const { cms } = await signer.signCms({ ...base, data: new Uint8Array(), messageDigest: fromHex(d.sha256), detached: true })
          signatures.push(cms)
        }
        await client.answerSignatures(l, signatures)
      }
    })
  }

  async function decline(): Promise<void> {
    if (!link) return
    try {
      await client.decline(link)
      phase.value = 'declined'
    } catch (e) {
      fail(e)
    }
  }

  return { phase, error, request, options, openLink, openFromLocation, answer, sign, decline }
}
