/**
 * Unlocked containers: their private keys as non-extractable CryptoKeys, in memory only.
 * Each container locks itself after `idleLockMs` without use; any use (signing) restarts
 * the clock. Locking drops the references, so the keys become unreachable.
 */

/** Default idle time before an unlocked container locks itself. */
export const DEFAULT_IDLE_LOCK_MS = 5 * 60_000

/** Why a container locked: the user asked, it sat idle, it was deleted or everything closed. */
export type LockReason = 'user' | 'idle' | 'deleted' | 'closed'

/** Listener for lock-state changes (the Pinia store mirrors them). */
export type LockListener = (containerId: string, unlocked: boolean, reason?: LockReason) => void

interface Session {
  readonly keys: ReadonlyMap<string, CryptoKey>
  timer: ReturnType<typeof setTimeout> | undefined
}

/** The in-memory registry of unlocked containers. */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>()
  readonly #listeners = new Set<LockListener>()

  constructor(public idleLockMs: number = DEFAULT_IDLE_LOCK_MS) {}

  /** Holds `keys` (keyId → private key) for `containerId` and starts its idle clock. */
  open(containerId: string, keys: ReadonlyMap<string, CryptoKey>): void {
    this.#clearTimer(containerId)
    this.#sessions.set(containerId, { keys, timer: undefined })
    this.touch(containerId)
    this.#emit(containerId, true)
  }

  /** True while `containerId` is unlocked. */
  isOpen(containerId: string): boolean {
    return this.#sessions.has(containerId)
  }

  /** The unlocked private key, restarting the idle clock; undefined when locked or unknown. */
  privateKey(containerId: string, keyId: string): CryptoKey | undefined {
    const session = this.#sessions.get(containerId)
    if (!session) return undefined
    this.touch(containerId)
    return session.keys.get(keyId)
  }

  /** Restarts the idle clock of an unlocked container. */
  touch(containerId: string): void {
    const session = this.#sessions.get(containerId)
    if (!session) return
    if (session.timer !== undefined) clearTimeout(session.timer)
    session.timer = this.idleLockMs > 0 ? setTimeout(() => this.close(containerId, 'idle'), this.idleLockMs) : undefined
  }

  /** Locks one container. */
  close(containerId: string, reason: LockReason = 'user'): void {
    if (!this.#sessions.has(containerId)) return
    this.#clearTimer(containerId)
    this.#sessions.delete(containerId)
    this.#emit(containerId, false, reason)
  }

  /** Locks every container. */
  closeAll(reason: LockReason = 'user'): void {
    for (const id of [...this.#sessions.keys()]) this.close(id, reason)
  }

  /** Subscribes to lock changes; returns the unsubscribe function. */
  subscribe(listener: LockListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #clearTimer(containerId: string): void {
    const timer = this.#sessions.get(containerId)?.timer
    if (timer !== undefined) clearTimeout(timer)
  }

  #emit(containerId: string, unlocked: boolean, reason?: LockReason): void {
    for (const listener of this.#listeners) listener(containerId, unlocked, reason)
  }
}
