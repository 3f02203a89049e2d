/** The applications database (idb): opened lazily, one connection per name. */
import { openDB, type IDBPDatabase } from 'idb'
import { APPLICATIONS_DB_NAME, type ApplicationsSchema } from './records.ts'

export type ApplicationsDb = IDBPDatabase<ApplicationsSchema>

/**
 * True when the database exists (or the browser cannot tell): lets startup code look for
 * waiting applications without creating an empty database (a wiped kiosk stays empty).
 */
export async function applicationsDbExists(name: string = APPLICATIONS_DB_NAME): Promise<boolean> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return true
  try {
    return (await indexedDB.databases()).some((d) => d.name === name)
  } catch {
    return true
  }
}

/**
 * Opens (creating or upgrading) the applications database. `onClosed` runs when the connection
 * is given up so that another one can delete or upgrade the database (the kiosk wipe, a newer
 * app version in another tab) or when the browser closed it; the caller then opens anew.
 */
export function openApplicationsDb(name: string = APPLICATIONS_DB_NAME, onClosed: () => void = () => {}): Promise<ApplicationsDb> {
  let db: ApplicationsDb | undefined
  const opening = openDB<ApplicationsSchema>(name, 1, {
    upgrade(database, oldVersion) {
      // Versioned steps: add a step for a new version, never edit an old one.
      if (oldVersion < 1) {
        database.createObjectStore('outbox', { keyPath: 'id' })
        database.createObjectStore('applications', { keyPath: 'number' })
      }
    },
    blocking() {
      // Never hold up a wipe or an upgrade: step aside, reopen on next use.
      db?.close()
      onClosed()
    },
    terminated: onClosed,
  })
  return opening.then((opened) => (db = opened))
}
