/**
 * Client of the hand-offs to the phone (`/api/v1/handoffs`, server/handoffs/README.md). The
 * requesting side registers, follows the state (Server-Sent Events read through fetch, so the
 * token travels in a header and never in a URL; long-poll when the stream breaks) and collects;
 * the phone opens with the secret from the QR code's fragment, then answers or declines.
 */
import { fromBase64, toBase64 } from '../core/bytes.ts'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import type { HandoffApplication, HandoffApplicationAnswers, HandoffApplicationResult } from '../core/handoff-application-wire.ts'
import { apiError } from './api-response.ts'
import type { SessionView } from './auth-client.ts'

export type HandoffKind = 'sign-in' | 'sign' | 'application'

export type { HandoffApplication, HandoffApplicationAnswers, HandoffApplicationResult }
export type HandoffState = 'waiting' | 'opened' | 'signed' | 'declined' | 'failed' | 'expired'

/** A document offered for signing, as both screens show it. */
export interface HandoffDocument {
  readonly name: string
  readonly size: number
  /** SHA-256, lowercase hex. */
  readonly sha256: string
  readonly type?: string
  readonly preview?: string
  readonly content?: string
}

/** A registered hand-off, on the requesting screen. */
export interface Handoff {
  readonly id: string
  readonly token: string
  readonly code: string
  readonly expiresAt: string
  /** The QR code's text: a URL whose fragment holds the one-time secret. */
  readonly qr: string
  readonly deepLink: string
}

/** What the phone is asked. */
export interface HandoffRequest {
  readonly kind: HandoffKind
  readonly requester: { readonly name: string; readonly origin: string }
  readonly code: string
  readonly expiresAt: string
  /** Sign-in: the exact bytes to sign. */
  readonly payload?: Uint8Array
  readonly documents: readonly HandoffDocument[]
  /** Application: what the kiosk's applicant entered, completed from the registry. */
  readonly application?: HandoffApplication
}

/** The id and secret of a hand-off link (`…/handoff#<id>.<secret>`), or null for anything else. */
export function parseHandoffLink(text: string): { id: string; secret: string } | null {
  const hash = text.includes('#') ? text.slice(text.indexOf('#') + 1) : text
  const m = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(hash.trim())
  return m ? { id: m[1]!, secret: m[2]! } : null
}

const TERMINAL: ReadonlySet<HandoffState> = new Set(['signed', 'declined', 'failed', 'expired'])

/** What the requesting screen is told of its hand-off: the state, and with `failed` the refusal's code. */
interface StateView {
  readonly state: HandoffState
  readonly failure?: string
}

/** Hears each new state; `failure` names why the phone's answer was refused (with `failed`). */
export type StateListener = (state: HandoffState, failure?: string) => void

export function createHandoffClient(options: { baseUrl?: string; fetch?: typeof fetch } = {}) {
  const base = options.baseUrl ?? ''
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))

  async function send(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response
    try {
      response = await doFetch(`${base}${path}`, { cache: 'no-store', credentials: 'same-origin', ...init })
    } catch (e) {
      if ((e as { name?: string }).name === 'AbortError') throw e
      throw new QoltanbaError(ErrorCode.Network, 'The Registration Center cannot be reached', {}, { cause: e })
    }
    if (response.ok) return response
    throw await apiError(response, ['reason', 'depth'])
  }
  const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  const tokenHeader = (h: Handoff) => ({ 'x-handoff-token': h.token })

  /** Reads the SSE stream until it ends; each `state` event goes to `onState`. */
  async function stream(h: Handoff, onState: StateListener, signal: AbortSignal): Promise<HandoffState | undefined> {
    const response = await send(`/api/v1/handoffs/${h.id}/events`, { headers: tokenHeader(h), signal })
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader()
    if (!reader) return undefined
    let buffer = ''
    let last: HandoffState | undefined
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return last
      buffer += value
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = block.split('\n').find((l) => l.startsWith('data: '))
        if (!data) continue
        const view = JSON.parse(data.slice(6)) as StateView
        last = view.state
        onState(last, view.failure)
      }
    }
  }

  return {
    /** Registers a hand-off (a sign-in binds this browser's pre-login cookie). */
    async create(body: { kind: HandoffKind; requester: { name: string }; documents?: readonly HandoffDocument[]; application?: HandoffApplicationAnswers }): Promise<Handoff> {
      return (await (await send('/api/v1/handoffs', post(body))).json()) as Handoff
    },

    /**
     * Follows the state until it is final (signed, declined, failed, expired) or `signal`
     * aborts: the event stream first, long-poll if the stream cannot be kept open.
     */
    async follow(h: Handoff, onState: StateListener, signal: AbortSignal): Promise<HandoffState | undefined> {
      let last: HandoffState | undefined
      const seen = (s: HandoffState, failure?: string) => {
        last = s
        onState(s, failure)
      }
      try {
        await stream(h, seen, signal)
      } catch (e) {
        if (signal.aborted) return last
        if ((e as QoltanbaError).code !== ErrorCode.Network) throw e
      }
      while (!signal.aborted && !(last && TERMINAL.has(last))) {
        const r = (await (await send(`/api/v1/handoffs/${h.id}?after=${last ?? ''}`, { headers: tokenHeader(h), signal })).json()) as StateView
        if (r.state !== last) seen(r.state, r.failure)
      }
      return last
    },

    /** Collects a signing's detached CMS, one per document (once). */
    async collectSignatures(h: Handoff): Promise<Uint8Array[]> {
      const r = (await (await send(`/api/v1/handoffs/${h.id}/complete`, { method: 'POST', headers: tokenHeader(h) })).json()) as { signatures: string[] }
      return r.signatures.map((s) => fromBase64(s))
    },

    /** Collects an application the phone submitted with its own keys: its number and access code (once). */
    async collectApplication(h: Handoff): Promise<HandoffApplicationResult> {
      const r = (await (await send(`/api/v1/handoffs/${h.id}/complete`, { method: 'POST', headers: tokenHeader(h) })).json()) as { application: HandoffApplicationResult }
      return r.application
    },

    /** Completes a sign-in: this browser gets the session cookie. */
    async completeSignIn(h: Handoff): Promise<SessionView> {
      return (await (await send(`/api/v1/handoffs/${h.id}/complete`, { method: 'POST', headers: tokenHeader(h) })).json()) as SessionView
    },

    /** The phone opens the request (once: a second open is ERR_HANDOFF_USED). */
    async open(link: { id: string; secret: string }): Promise<HandoffRequest> {
      const { payload, ...rest } = (await (await send(`/api/v1/handoffs/${link.id}/open`, post({ secret: link.secret }))).json()) as Omit<HandoffRequest, 'payload'> & { payload?: string }
      return { ...rest, ...(payload ? { payload: fromBase64(payload) } : {}) }
    },

    /** The phone answers a sign-in with its CMS over the payload. */
    async answerSignIn(link: { id: string; secret: string }, cms: Uint8Array): Promise<void> {
      await send(`/api/v1/handoffs/${link.id}/result`, post({ secret: link.secret, cms: toBase64(cms) }))
    },

    /** The phone answers a signing with one detached CMS per document, in order. */
    async answerSignatures(link: { id: string; secret: string }, signatures: readonly Uint8Array[]): Promise<void> {
      await send(`/api/v1/handoffs/${link.id}/result`, post({ secret: link.secret, signatures: signatures.map(toBase64) }))
    },

    /**
     * The phone answers an application with the CSRs of the keys it made; the server submits the
     * application and answers with its number and access code (the same again on a repeat).
     */
    async answerApplication(
      link: { id: string; secret: string },
      requests: ReadonlyArray<{ purpose: 'auth' | 'sign'; csr: string }>,
      /** The holder's signature over the application (applicationSignaturePayload), when a certificate here signs it too. */
      cms?: Uint8Array,
    ): Promise<HandoffApplicationResult> {
      return (await (await send(`/api/v1/handoffs/${link.id}/result`, post({ secret: link.secret, requests, ...(cms ? { cms: toBase64(cms) } : {}) }))).json()) as HandoffApplicationResult
    },

    async decline(link: { id: string; secret: string }): Promise<void> {
      await send(`/api/v1/handoffs/${link.id}/decline`, post({ secret: link.secret }))
    },
  }
}

export type HandoffClient = ReturnType<typeof createHandoffClient>
