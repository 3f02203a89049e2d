/**
 * The end of a kiosk session: every trace of the person is removed while the app shell stays,
 * so the kiosk keeps working offline. Order (docs/kiosk.md#what-kiosk-mode-does): reset the stores (this
 * locks the keystore and drops keys from memory, closes the outbox), end the server session,
 * delete every IndexedDB database, delete every Cache Storage cache except the Workbox precache,
 * clear session storage and local storage (but the kiosk device setting). Never
 * Clear-Site-Data "storage": it would unregister the service worker and drop the precache.
 */
import { KIOSK_DEVICE_KEY } from './config.ts'

/** Cache names that hold the app shell (kept). */
export const PRECACHE_PREFIX = 'workbox-precache'

/** What the wipe removed. */
export interface WipeReport {
  /** Stores whose `$reset()` ran. */
  readonly stores: string[]
  /** IndexedDB databases deleted. */
  readonly databases: string[]
  /** IndexedDB databases still blocked after the timeout (they go when the page unloads). */
  readonly blocked: string[]
  /** Cache Storage caches deleted. */
  readonly caches: string[]
  /** Whether the server session was ended (false when the server could not be reached). */
  readonly loggedOut: boolean
}

export interface WipeOptions {
  /**
   * Resets every store used so far and returns their ids — the app passes its store registry
   * (src/stores/registry.ts). Passed in because the stores sit above the kiosk layer.
   */
  readonly resetStores?: () => string[]
  /** Ends the server session; default POST /api/v1/auth/logout. Rejects when unreachable. */
  readonly logout?: () => Promise<void>
  /** localStorage keys that describe the device, not a person; default: the kiosk setting. */
  readonly keepLocalStorageKeys?: readonly string[]
  /** Databases known by name, for browsers without indexedDB.databases(). */
  readonly knownDatabases?: readonly string[]
  /**
   * Databases to leave in place: an applicant ↔ operator switch keeps the applicant's
   * application and the encrypted keys waiting to be handed over (see {@link HANDOVER_DATABASES}).
   */
  readonly keepDatabases?: readonly string[]
  /** How long to wait for a blocked database or the server, in ms. */
  readonly timeoutMs?: number
}

/** Databases every module of the app creates (fallback when indexedDB.databases() is missing). */
export const KNOWN_DATABASES = ['qoltanba-keystore', 'qoltanba-applications', 'qoltanba-centers', 'qoltanba-signatures'] as const

/**
 * What an applicant ↔ operator switch keeps: the applicant's applications and key containers
 * (keys encrypted with the applicant's password). On a kiosk the certificates exist only after
 * the operator approves, so the .p12 files can only be made after that switch; wiping the keys
 * at the switch would leave an approved application that can never be installed. Operators
 * never write here (their key file is opened in a throw-away database, src/composables/
 * key-file-signin.ts). The registration-center directory (public data, no person's trace) stays
 * too, so the kiosk's wizard keeps working offline. Finish and the idle timeout delete these too.
 */
export const HANDOVER_DATABASES = KNOWN_DATABASES

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      () => {
        clearTimeout(timer)
        resolve(fallback)
      },
    )
  })
}

/** Ends the certificate sign-in session; rejects when the server cannot be reached. */
export async function serverLogout(): Promise<void> {
  const res = await fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin', cache: 'no-store' })
  // 401: there was no session, which is what we want.
  if (!res.ok && res.status !== 401) throw new Error(`logout answered ${res.status}`)
}

/** Deletes one database; resolves 'deleted' or 'blocked' (still open elsewhere after the timeout). */
function deleteDatabase(name: string, timeoutMs: number): Promise<'deleted' | 'blocked'> {
  return new Promise((resolve) => {
    let settled = false
    const request = indexedDB.deleteDatabase(name)
    const timer = setTimeout(() => {
      if (!settled) resolve('blocked')
    }, timeoutMs)
    const done = (result: 'deleted' | 'blocked') => {
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    request.onsuccess = () => done('deleted')
    request.onerror = () => done('blocked')
  })
}

/** Deletes every IndexedDB database of this origin. */
export async function deleteAllDatabases(
  known: readonly string[] = KNOWN_DATABASES,
  timeoutMs = 3000,
  keep: readonly string[] = [],
): Promise<{ deleted: string[]; blocked: string[] }> {
  if (typeof indexedDB === 'undefined') return { deleted: [], blocked: [] }
  let names: string[] = [...known]
  if (typeof indexedDB.databases === 'function') {
    const listed = await indexedDB.databases().catch(() => [] as IDBDatabaseInfo[])
    names = [...new Set([...listed.map((d) => d.name).filter((n): n is string => !!n), ...known])]
  }
  const deleted: string[] = []
  const blocked: string[] = []
  for (const name of names) {
    if (keep.includes(name)) continue
    const result = await deleteDatabase(name, timeoutMs)
    ;(result === 'deleted' ? deleted : blocked).push(name)
  }
  return { deleted, blocked }
}

/** Deletes every Cache Storage cache except the Workbox precache (the app shell). */
export async function deleteRuntimeCaches(): Promise<string[]> {
  if (typeof caches === 'undefined') return []
  const removed: string[] = []
  for (const name of await caches.keys()) {
    if (name.startsWith(PRECACHE_PREFIX)) continue
    if (await caches.delete(name)) removed.push(name)
  }
  return removed
}

/** Clears session storage and every localStorage key but the device's own settings. */
export function clearWebStorage(keep: readonly string[] = [KIOSK_DEVICE_KEY]): void {
  try {
    sessionStorage.clear()
  } catch {
    // Storage can be disabled; there is nothing to clear then.
  }
  try {
    const kept = keep.map((key) => [key, localStorage.getItem(key)] as const)
    localStorage.clear()
    for (const [key, value] of kept) if (value !== null) localStorage.setItem(key, value)
  } catch {
    // As above.
  }
}

/**
 * Removes every trace of the session's person from this browser. Never throws: a kiosk must
 * reach the start screen whatever failed; the report says what was done.
 */
export async function wipeUserData(options: WipeOptions = {}): Promise<WipeReport> {
  const timeoutMs = options.timeoutMs ?? 3000
  // 1. In-memory state: keys, unlocked containers, the wizard, open connections.
  let stores: string[] = []
  try {
    if (options.resetStores) stores = options.resetStores()
  } catch (e) {
    console.warn('kiosk wipe: a store reset failed', e)
  }
  // 2. The server session (HttpOnly cookie: only the server can end it).
  const loggedOut = await withTimeout((options.logout ?? serverLogout)().then(() => true), timeoutMs, false)
  // 3. IndexedDB: keys, containers, outbox, applications (but what a role switch keeps).
  const { deleted, blocked } = await deleteAllDatabases(options.knownDatabases, timeoutMs, options.keepDatabases)
  // 4. Runtime caches, never the precache.
  const removedCaches = await deleteRuntimeCaches().catch(() => [])
  // 5. Web storage.
  clearWebStorage(options.keepLocalStorageKeys)
  return { stores, databases: deleted, blocked, caches: removedCaches, loggedOut }
}
