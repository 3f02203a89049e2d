/**
 * The outbox: an application is stored on this device first, with its idempotency key, and only
 * then sent. Sending happens under a lock (Web Locks across tabs, a promise chain within one),
 * re-reads the outbox inside the lock, and moves a sent item to the applications store in one
 * IndexedDB transaction. A crash between the server's answer and that transaction only means the
 * next attempt repeats the same key, and the server answers with the same application: every
 * prepared application becomes exactly one application on the server.
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { isRetryable, type ApiClient } from './client.ts'
import { openApplicationsDb, type ApplicationsDb } from './database.ts'
import { APPLICATIONS_DB_NAME, type ApplicationDraft, type ApplicationRecord, type OutboxRecord } from './records.ts'
import type { ApplicationView, RenewalSubmission, SubmissionBody } from './types.ts'

/** Options of {@link ApplicationOutbox}. */
export interface ApplicationOutboxOptions {
  readonly client: ApiClient
  readonly dbName?: string
  /** Clock (tests). */
  readonly now?: () => number
  /** Makes idempotency keys (tests); default: crypto.randomUUID. */
  readonly newKey?: () => string
}

/** What one {@link ApplicationOutbox.flush} did. */
export interface FlushResult {
  /** Applications the server accepted in this flush. */
  readonly sent: readonly ApplicationRecord[]
  /** Items still waiting (the server could not be reached). */
  readonly waiting: readonly OutboxRecord[]
  /** Items the server refused in this flush (kept, marked failed). */
  readonly failed: readonly OutboxRecord[]
}

const LOCK_NAME = 'qoltanba-outbox'

export class ApplicationOutbox {
  readonly #client: ApiClient
  readonly #dbName: string
  readonly #now: () => number
  readonly #newKey: () => string
  #db: Promise<ApplicationsDb> | null = null
  #chain: Promise<unknown> = Promise.resolve()

  constructor(options: ApplicationOutboxOptions) {
    this.#client = options.client
    this.#dbName = options.dbName ?? APPLICATIONS_DB_NAME
    this.#now = options.now ?? (() => Date.now())
    this.#newKey = options.newKey ?? (() => crypto.randomUUID())
  }

  #open(): Promise<ApplicationsDb> {
    this.#db ??= openApplicationsDb(this.#dbName, () => {
      this.#db = null
    })
    return this.#db
  }

  /** Stores a prepared application (nothing is sent yet); its idempotency key is made here, once. */
  async enqueue(body: SubmissionBody, draft: ApplicationDraft, renewal?: RenewalSubmission): Promise<OutboxRecord> {
    const record: OutboxRecord = { id: this.#newKey(), body, draft, ...(renewal ? { renewal } : {}), createdAt: this.#now(), state: 'waiting', attempts: 0 }
    await (await this.#open()).add('outbox', record)
    return record
  }

  /** Items in the outbox, oldest first. */
  async pending(): Promise<OutboxRecord[]> {
    const all = await (await this.#open()).getAll('outbox')
    return all.sort((a, b) => a.createdAt - b.createdAt)
  }

  /** One outbox item, or undefined once it was sent (or discarded). */
  async outboxItem(id: string): Promise<OutboxRecord | undefined> {
    return (await this.#open()).get('outbox', id)
  }

  /** Removes an item the user gave up on. */
  async discard(id: string): Promise<void> {
    await (await this.#open()).delete('outbox', id)
  }

  /** Puts a refused item back in the queue (after the cause was fixed, e.g. the service is back). */
  async retry(id: string): Promise<void> {
    const db = await this.#open()
    const tx = db.transaction('outbox', 'readwrite')
    const item = await tx.store.get(id)
    if (item) await tx.store.put({ ...item, state: 'waiting' })
    await tx.done
  }

  /**
   * Sends every waiting item, one at a time, each with its own idempotency key. Never runs twice
   * at once (per origin when the Web Locks API exists). Items the server cannot be reached for
   * stay waiting; items it refuses are kept as failed with the code.
   */
  flush(): Promise<FlushResult> {
    const run = () => this.#flushLocked()
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
    const next: Promise<FlushResult> = this.#chain.then(() => (locks ? (locks.request(LOCK_NAME, run) as unknown as Promise<FlushResult>) : run()))
    this.#chain = next.catch(() => undefined)
    return next
  }

  async #flushLocked(): Promise<FlushResult> {
    const sent: ApplicationRecord[] = []
    const failed: OutboxRecord[] = []
    const waiting: OutboxRecord[] = []
    // Read inside the lock: another tab may have sent some items meanwhile.
    for (const item of await this.pending()) {
      if (item.state !== 'waiting') continue
      if (waiting.length > 0) {
        // The server is unreachable: do not hammer it with the rest.
        waiting.push(item)
        continue
      }
      const attempt = { ...item, attempts: item.attempts + 1, lastAttemptAt: this.#now() }
      try {
        // A renewal goes to its own endpoint, with the same idempotency discipline.
        const result = item.renewal && this.#client.submitRenewal ? await this.#client.submitRenewal(item.renewal, item.id) : await this.#client.submitApplication(item.body, item.id)
        const record: ApplicationRecord = {
          ...item.draft,
          number: result.number,
          accessCode: result.accessCode,
          submissionId: item.id,
          submittedAt: this.#now(),
          ...(result.graceDays !== undefined ? { renewalGraceDays: result.graceDays } : {}),
        }
        const db = await this.#open()
        const tx = db.transaction(['outbox', 'applications'], 'readwrite')
        await Promise.all([tx.objectStore('outbox').delete(item.id), tx.objectStore('applications').put(record), tx.done])
        sent.push(record)
      } catch (e) {
        const code = e instanceof QoltanbaError ? e.code : ErrorCode.Internal
        const next: OutboxRecord = { ...attempt, lastError: code, state: isRetryable(e) ? 'waiting' : 'failed' }
        await (await this.#open()).put('outbox', next)
        ;(next.state === 'waiting' ? waiting : failed).push(next)
      }
    }
    return { sent, waiting, failed }
  }

  /** Applications this device submitted, newest first. */
  async applications(): Promise<ApplicationRecord[]> {
    const all = await (await this.#open()).getAll('applications')
    return all.sort((a, b) => b.submittedAt - a.submittedAt)
  }

  /** One application of this device, or undefined. */
  async application(number: string): Promise<ApplicationRecord | undefined> {
    return (await this.#open()).get('applications', number)
  }

  /** The application sent with this idempotency key, if it was sent. */
  async applicationBySubmission(id: string): Promise<ApplicationRecord | undefined> {
    return (await this.applications()).find((a) => a.submissionId === id)
  }

  /**
   * Asks the server for the status and remembers it with the time; when the server cannot be
   * reached, rethrows ERR_NETWORK and the last known status stays as it was.
   */
  async refreshStatus(number: string, accessCode: string): Promise<ApplicationView> {
    const view = await this.#client.getApplication(number, accessCode)
    await this.rememberStatus(view)
    return view
  }

  /** Stores a status the server reported for an application of this device. */
  async rememberStatus(view: ApplicationView): Promise<void> {
    const db = await this.#open()
    const tx = db.transaction('applications', 'readwrite')
    const record = await tx.store.get(view.number)
    if (record) await tx.store.put({ ...record, lastStatus: view, lastCheckedAt: this.#now() })
    await tx.done
  }

  /** Remembers an application found by number + access code (status page) on this device. */
  async remember(record: ApplicationRecord): Promise<void> {
    await (await this.#open()).put('applications', record)
  }

  /** Forgets an application on this device (never touches keys or the server). */
  async forget(number: string): Promise<void> {
    await (await this.#open()).delete('applications', number)
  }

  /** Closes the connection (tests, kiosk wipe). */
  async close(): Promise<void> {
    if (this.#db) (await this.#db).close()
    this.#db = null
  }
}
