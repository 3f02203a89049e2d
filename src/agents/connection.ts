/**
 * One WebSocket to a local agent (NCALayer or ours), speaking NCALayer's framing
 * (docs/protocols.md#endpoint-and-framing, docs/protocols.md#rules-for-our-adapter):
 * - the agent speaks first with a greeting `{"result":{"version":"…"}}`;
 * - `--heartbeat--` text frames and non-JSON frames are dropped;
 * - one request at a time per socket (basics replies carry no id; commonUtils echoes `uuid`),
 *   so requests are queued here;
 * - connecting times out after a few seconds, but a socket still connecting is kept: the Retry
 *   waits on the same socket, because each new connection may raise the browser's
 *   local-network permission prompt again (docs/protocols.md#when-an-agent-does-not-answer).
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import type { UnavailableReason } from '../core/signer.ts'

/** The part of the WebSocket API we use; browsers' WebSocket and `ws` both fit. */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: never) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onerror: ((ev: never) => void) | null
  onclose: ((ev: never) => void) | null
}

/** Creates a socket for `url`; the browser default is `new WebSocket(url)`. */
export type CreateWebSocket = (url: string) => WebSocketLike

/** What the agent said first. */
export interface Greeting {
  /** `result.version` of the greeting; absent when no greeting came in time (KAZTOKEN, mocks). */
  readonly version?: string
  /** The whole greeting `result` object (our agent adds fields such as `agent`, `paired`). */
  readonly result?: Readonly<Record<string, unknown>>
}

/** Timeouts of one connection. */
export interface ConnectionOptions {
  /** Time to get the socket open (default 4000 ms; the brief asks for 3–5 s). */
  readonly connectTimeoutMs?: number
  /** Time to wait for the greeting once open; after it we continue anyway (default 2000 ms). */
  readonly greetingTimeoutMs?: number
  readonly createSocket?: CreateWebSocket
}

/** Per-request options. */
export interface RequestOptions {
  /** How long to wait for the reply; signing waits for a PIN typed in the agent (minutes). */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /** commonUtils `uuid`: when set, replies carrying another uuid are ignored. */
  readonly uuid?: string
}

const OPEN = 1

interface Deferred<T> {
  promise: Promise<T>
  resolve(value: T): void
  reject(error: unknown): void
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(() => {}) // rejections are observed by whoever awaits; never unhandled
  return { promise, resolve, reject }
}

interface SocketState {
  readonly ws: WebSocketLike
  readonly opened: Deferred<void>
  readonly greeted: Deferred<Greeting>
  closed: boolean
}

interface Pending {
  readonly uuid?: string
  resolve(reply: Record<string, unknown>): void
  reject(error: unknown): void
}

/** ERR_AGENT_UNAVAILABLE with the checklist reason. */
function agentUnavailable(reason: UnavailableReason, message: string): QoltanbaError {
  return new QoltanbaError(ErrorCode.AgentUnavailable, message, { reason })
}

/** ERR_USER_CANCELLED for an aborted wait. */
function abortedError(): QoltanbaError {
  return new QoltanbaError(ErrorCode.UserCancelled, 'The operation was aborted', { aborted: true })
}

/** True for the greeting shape and nothing else (a stray greeting: docs/protocols.md#reply-envelopes). */
function isGreeting(frame: Record<string, unknown>): boolean {
  const result = frame.result
  return (
    typeof result === 'object' && result !== null && 'version' in result &&
    !('status' in frame) && !('code' in frame) && !('success' in frame)
  )
}

/** A queued, single-flight connection to one agent URL. */
export class AgentConnection {
  private state?: SocketState
  private pending?: Pending
  private queue: Promise<unknown> = Promise.resolve()
  private readonly connectTimeoutMs: number
  private readonly greetingTimeoutMs: number
  private readonly createSocket: CreateWebSocket

  constructor(
    readonly url: string,
    options: ConnectionOptions = {},
  ) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 4000
    this.greetingTimeoutMs = options.greetingTimeoutMs ?? 2000
    this.createSocket = options.createSocket ?? ((u) => new WebSocket(u) as unknown as WebSocketLike)
  }

  /** True while a socket is open. */
  get isOpen(): boolean {
    return this.state !== undefined && !this.state.closed && this.state.ws.readyState === OPEN
  }

  /**
   * Opens (or reuses) the socket and returns the greeting. Rejects with ERR_AGENT_UNAVAILABLE
   * (`details.reason`: 'not-running' when refused or closed, 'timeout' when nothing happened in
   * time). After a timeout the socket is left connecting, so calling again is the Retry.
   */
  async open(): Promise<Greeting> {
    if (!this.state || this.state.closed) this.state = this.attach()
    const st = this.state
    const opened = await raceTimeout(st.opened.promise, this.connectTimeoutMs)
    if (!opened) throw agentUnavailable('timeout', `No connection to ${this.url} within ${this.connectTimeoutMs} ms`)
    const greeting = await raceTimeout(st.greeted.promise, this.greetingTimeoutMs)
    if (greeting) return greeting.value
    if (st.closed) throw agentUnavailable('not-running', `${this.url} closed the connection`)
    st.greeted.resolve({}) // waited once; later calls on this socket do not wait again
    return {}
  }

  /**
   * Sends `message` (serialised as JSON) and resolves with the next reply frame, parsed.
   * Requests are queued; an abort or a timeout closes the socket, because a late reply without
   * an id would otherwise be taken as the answer to the next request.
   */
  request(message: object, options: RequestOptions = {}): Promise<Record<string, unknown>> {
    const run = async (): Promise<Record<string, unknown>> => {
      if (options.signal?.aborted) throw abortedError()
      await this.open()
      const st = this.state
      if (!st || st.closed) throw agentUnavailable('not-running', `${this.url} closed the connection`)
      return new Promise<Record<string, unknown>>((resolve, reject) => {
        const timeoutMs = options.timeoutMs ?? 30_000
        const cleanup = (): void => {
          clearTimeout(timer)
          options.signal?.removeEventListener('abort', onAbort)
          this.pending = undefined
        }
        const onAbort = (): void => {
          cleanup()
          reject(abortedError())
          this.close()
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(agentUnavailable('timeout', `No reply from ${this.url} within ${timeoutMs} ms`))
          this.close()
        }, timeoutMs)
        options.signal?.addEventListener('abort', onAbort, { once: true })
        this.pending = {
          uuid: options.uuid,
          resolve: (reply) => {
            cleanup()
            resolve(reply)
          },
          reject: (error) => {
            cleanup()
            reject(error)
          },
        }
        try {
          st.ws.send(JSON.stringify(message))
        } catch (e) {
          this.pending.reject(agentUnavailable('not-running', `Cannot send to ${this.url}: ${String(e)}`))
        }
      })
    }
    const result = this.queue.then(run, run)
    this.queue = result.catch(() => {})
    return result
  }

  /** Closes the socket; a later `open()` starts a new one. */
  close(): void {
    const st = this.state
    this.state = undefined
    if (!st) return
    st.closed = true
    try {
      st.ws.close()
    } catch {
      // already closed
    }
    this.pending?.reject(agentUnavailable('not-running', 'The connection was closed'))
  }

  private attach(): SocketState {
    let ws: WebSocketLike
    const st = { opened: deferred<void>(), greeted: deferred<Greeting>(), closed: false } as SocketState
    try {
      ws = this.createSocket(this.url)
    } catch (e) {
      // A constructor throw is how browsers report a blocked URL (mixed content, bad scheme).
      st.closed = true
      st.opened.reject(agentUnavailable('insecure-context', `Cannot open ${this.url}: ${String(e)}`))
      return Object.assign(st, { ws: closedSocket })
    }
    Object.assign(st, { ws })
    ws.onopen = () => st.opened.resolve()
    ws.onerror = () => {
      // onclose follows and carries the outcome; the browser gives no reason here (docs/protocols.md#when-an-agent-does-not-answer)
    }
    ws.onclose = () => {
      st.closed = true
      const error = agentUnavailable('not-running', `${this.url} closed the connection`)
      st.opened.reject(error)
      st.greeted.reject(error)
      if (this.state === st) {
        this.state = undefined
        this.pending?.reject(error)
      }
    }
    ws.onmessage = (ev) => this.onFrame(st, ev.data)
    return st
  }

  private onFrame(st: SocketState, data: unknown): void {
    if (typeof data !== 'string' || data === '--heartbeat--') return
    let frame: unknown
    try {
      frame = JSON.parse(data)
    } catch {
      return // non-JSON frames are dropped (docs/protocols.md#rules-for-our-adapter, rule 2)
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return
    const obj = frame as Record<string, unknown>
    if (isGreeting(obj)) {
      const result = obj.result as Record<string, unknown>
      const version = typeof result.version === 'string' ? result.version : String(result.version)
      st.greeted.resolve({ version, result })
      return
    }
    const pending = this.pending
    if (!pending || this.state !== st) return
    if (pending.uuid !== undefined && typeof obj.uuid === 'string' && obj.uuid !== pending.uuid) return
    pending.resolve(obj)
  }
}

const closedSocket: WebSocketLike = {
  readyState: 3,
  send() {
    throw new Error('closed')
  },
  close() {},
  onopen: null,
  onmessage: null,
  onerror: null,
  onclose: null,
}

/** Resolves `{ value }` when `promise` settles in time, `undefined` on timeout; rethrows rejections. */
async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms)
  })
  try {
    return await Promise.race([promise.then((value) => ({ value })), timeout])
  } finally {
    clearTimeout(timer)
  }
}
