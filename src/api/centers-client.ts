/**
 * The registration-center directory for the wizard and the public page: GET /api/v1/centers
 * (the browser revalidates it by ETag), kept in IndexedDB (`qoltanba-centers`) after each answer
 * so the wizard works offline after a first visit. The connection is opened per use and closed
 * at once, so it never holds up a kiosk wipe or an upgrade.
 *
 * @example
 * ```ts
 * const { centers, savedAt, offline } = await loadCenters()
 * ```
 */
import { openDB, type DBSchema } from 'idb'
import type { RegistrationCenter } from '../core/centers-wire.ts'
import { readApiResponse, unreachable } from './api-response.ts'
import type { ApiClientOptions } from './client.ts'

/** Database name (the kiosk wipe deletes every database, this one too). */
export const CENTERS_DB_NAME = 'qoltanba-centers'

interface SavedDirectory {
  readonly centers: readonly RegistrationCenter[]
  /** When this device got it from the server (ms). */
  readonly savedAt: number
}

interface CentersSchema extends DBSchema {
  directory: { key: 'current'; value: SavedDirectory }
}

/** The directory and where it came from. */
export interface CenterDirectory extends SavedDirectory {
  /** True when the server could not be reached and the saved copy is shown. */
  readonly offline: boolean
}

const openCentersDb = () =>
  openDB<CentersSchema>(CENTERS_DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore('directory')
    },
  })

async function withDb<T>(task: (db: Awaited<ReturnType<typeof openCentersDb>>) => Promise<T>): Promise<T | undefined> {
  if (typeof indexedDB === 'undefined') return undefined
  try {
    const db = await openCentersDb()
    try {
      return await task(db)
    } finally {
      db.close()
    }
  } catch {
    // A private window or a full disk: the directory still works online.
    return undefined
  }
}

/**
 * The active centers: from the server when it answers (and saved), else the saved copy.
 * @throws QoltanbaError ERR_NETWORK when offline with nothing saved; the server's code when it refuses.
 */
export async function loadCenters(options: ApiClientOptions = {}): Promise<CenterDirectory> {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))
  let response: Response | undefined
  let failure: unknown
  try {
    // 'no-cache': the browser revalidates its copy with If-None-Match (a 304 costs no body).
    response = await doFetch(`${options.baseUrl ?? ''}/api/v1/centers`, { cache: 'no-cache' })
  } catch (e) {
    failure = unreachable(e)
  }
  if (response && response.status < 500) {
    const { centers } = await readApiResponse<{ centers: RegistrationCenter[] }>(response)
    const saved: SavedDirectory = { centers, savedAt: Date.now() }
    await withDb((db) => db.put('directory', saved, 'current'))
    return { ...saved, offline: false }
  }
  const saved = await withDb((db) => db.get('directory', 'current'))
  if (saved) return { ...saved, offline: true }
  if (response) await readApiResponse(response)
  throw failure ?? unreachable(undefined)
}
