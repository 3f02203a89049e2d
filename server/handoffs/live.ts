/**
 * Live state for the requesting screen. A change made by this instance wakes its waiters at
 * once; a change made by another instance (DATABASE_URL, several servers) is seen by the
 * waiters' own poll of the row, so the state stays in the database and nothing is lost if the
 * phone's request lands elsewhere.
 */
import { EventEmitter } from 'node:events'

export class HandoffSignals {
  private readonly emitter = new EventEmitter()

  constructor() {
    // One listener per open requesting screen; no leak warning for many screens.
    this.emitter.setMaxListeners(0)
  }

  /** Wakes the waiters of `id` (after the change is committed). */
  changed(id: string): void {
    this.emitter.emit(id)
  }

  /** Resolves when `id` changes here, after `pollMs` (to re-read the row), or when `signal` aborts. */
  next(id: string, pollMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.emitter.off(id, done)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, pollMs)
      this.emitter.once(id, done)
      signal?.addEventListener('abort', done, { once: true })
    })
  }
}
