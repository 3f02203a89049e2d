/**
 * Wrong-password slowdown. Each failed attempt on a container makes the next one wait longer
 * (0, 1, 2, 4, 8, 16, then 30 s at most), so guessing a password costs time, yet nobody is ever
 * locked out for good. The history lives in the database: a reload does not reset it.
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import type { KeystoreDatabase } from './database.ts'

/** Longest wait between attempts. */
export const MAX_RETRY_DELAY_MS = 30_000

/** How long to wait before the next attempt after `failures` consecutive wrong passwords. */
export function retryDelayMs(failures: number): number {
  if (failures <= 1) return 0
  return Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** (failures - 2))
}

/** Milliseconds until `containerId` accepts another password attempt (0: now). */
export async function retryAfterMs(db: KeystoreDatabase, containerId: string, now: number): Promise<number> {
  const record = await db.run((conn) => conn.get('attempts', containerId))
  if (!record) return 0
  return Math.max(0, record.lastFailureAt + retryDelayMs(record.failures) - now)
}

/** Throws ERR_RETRY_LATER (details.retryAfterMs) when the container is still cooling down. */
export async function assertMayTry(db: KeystoreDatabase, containerId: string, now: number): Promise<void> {
  const wait = await retryAfterMs(db, containerId, now)
  if (wait > 0) {
    throw new QoltanbaError(ErrorCode.RetryLater, 'Too many wrong passwords; try again later', { retryAfterMs: wait })
  }
}

/** Records a wrong password; returns the wait before the next attempt. */
export async function recordFailure(db: KeystoreDatabase, containerId: string, now: number): Promise<number> {
  const failures = await db.write(['attempts'], async (tx) => {
    const store = tx.objectStore('attempts')
    const count = ((await store.get(containerId))?.failures ?? 0) + 1
    await store.put({ containerId, failures: count, lastFailureAt: now })
    return count
  })
  return retryDelayMs(failures)
}

/** Forgets the history after a correct password. */
export async function recordSuccess(db: KeystoreDatabase, containerId: string): Promise<void> {
  await db.write(['attempts'], (tx) => tx.objectStore('attempts').delete(containerId))
}

/** Attempts in progress per database and container: they run one after another. */
const attemptsInFlight = new WeakMap<KeystoreDatabase, Map<string, Promise<unknown>>>()

/**
 * Runs a password check under the slowdown: refuses early while cooling down, and turns
 * ERR_WRONG_PASSWORD into one carrying `retryAfterMs` for the next attempt. Attempts on one
 * container are serialised, so firing many at once cannot skip the delay.
 */
export function withPasswordThrottle<T>(
  db: KeystoreDatabase,
  containerId: string,
  now: () => number,
  check: () => Promise<T>,
): Promise<T> {
  let queue = attemptsInFlight.get(db)
  if (!queue) attemptsInFlight.set(db, (queue = new Map()))
  const previous = queue.get(containerId) ?? Promise.resolve()
  const attempt = previous.catch(() => undefined).then(() => throttledAttempt(db, containerId, now, check))
  queue.set(containerId, attempt)
  const clear = () => {
    if (queue.get(containerId) === attempt) queue.delete(containerId)
  }
  attempt.then(clear, clear)
  return attempt
}

async function throttledAttempt<T>(db: KeystoreDatabase, containerId: string, now: () => number, check: () => Promise<T>): Promise<T> {
  await assertMayTry(db, containerId, now())
  let result: T
  try {
    result = await check()
  } catch (e) {
    if (e instanceof QoltanbaError && e.code === ErrorCode.WrongPassword) {
      const wait = await recordFailure(db, containerId, now())
      throw new QoltanbaError(ErrorCode.WrongPassword, e.message, { ...e.details, retryAfterMs: wait }, { cause: e })
    }
    throw e
  }
  await recordSuccess(db, containerId)
  return result
}
