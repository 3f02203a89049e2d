/** Removing every key from this browser (kiosk session end, "forget this device"). */
import { deleteDB } from 'idb'
import { DEFAULT_DB_NAME } from './database.ts'

/**
 * Deletes the keystore database. Open Keystore connections close themselves when asked
 * (the `blocking` handler), so call `keystore.close()` / `useContainersStore().$reset()` first
 * in this tab and the deletion will not wait on it.
 */
export function deleteKeystoreDatabase(name: string = DEFAULT_DB_NAME): Promise<void> {
  return deleteDB(name)
}
