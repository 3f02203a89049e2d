/** The applications database (idb): opened lazily, one connection per name. */
import { openDB, type IDBPDatabase } from 'idb'
import { APPLICATIONS_DB_NAME, type ApplicationsSchema } from './records.ts'

export type ApplicationsDb = IDBPDatabase<ApplicationsSchema>

/** Opens (creating or upgrading) the applications database. */
export function openApplicationsDb(name: string = APPLICATIONS_DB_NAME): Promise<ApplicationsDb> {
  return openDB<ApplicationsSchema>(name, 1, {
    upgrade(db, oldVersion) {
      // Versioned steps: add a step for a new version, never edit an old one.
      if (oldVersion < 1) {
        db.createObjectStore('outbox', { keyPath: 'id' })
        db.createObjectStore('applications', { keyPath: 'number' })
      }
    },
  })
}
