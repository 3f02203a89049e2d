/** What every keystore operation works with; one per Keystore instance. */
import type { KeystoreDatabase } from './database.ts'
import type { SessionRegistry } from './sessions.ts'

export interface KeystoreContext {
  readonly db: KeystoreDatabase
  readonly crypto: Crypto
  readonly sessions: SessionRegistry
  /** PBKDF2 iterations for keys written from now on. */
  readonly iterations: number
  /** Clock for the wrong-password delay (injected by tests). */
  now(): number
}
