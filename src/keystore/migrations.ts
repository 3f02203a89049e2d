/**
 * Schema versions of the keystore database. Step N upgrades a database from version N-1 to N;
 * an old database runs every step it has not seen, in order, inside the one versionchange
 * transaction, so an interrupted upgrade leaves the previous version intact.
 * Never edit a released step: add a new one.
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb'
import type { KeystoreSchema } from './schema.ts'

type UpgradeDb = IDBPDatabase<KeystoreSchema>
type UpgradeTx = IDBPTransaction<KeystoreSchema, StoreNames<KeystoreSchema>[], 'versionchange'>

/** One upgrade step; `tx` lets a step read and rewrite existing records. */
export type MigrationStep = (db: UpgradeDb, tx: UpgradeTx) => void

/** Steps in version order: index 0 creates version 1. */
export const migrations: readonly MigrationStep[] = [
  // v1: containers, their keys and certificates.
  (db) => {
    db.createObjectStore('containers', { keyPath: 'id' })
    db.createObjectStore('keys', { keyPath: 'id' }).createIndex('byContainer', 'containerId')
    db.createObjectStore('certificates', { keyPath: 'id' }).createIndex('byContainer', 'containerId')
  },
  // v2: wrong-password history per container, so the retry delay survives a reload.
  (db) => {
    db.createObjectStore('attempts', { keyPath: 'containerId' })
  },
  // v3: passkey unlock. Existing containers need nothing: their vault is made, with the
  // password, when their first passkey is set up (README.md, "Passkey unlock").
  (db) => {
    db.createObjectStore('passkeyVaults', { keyPath: 'containerId' })
    db.createObjectStore('passkeys', { keyPath: 'id' }).createIndex('byContainer', 'containerId')
  },
]

/** The version a database reaches after every step. */
export const SCHEMA_VERSION = migrations.length

/** Runs the steps from `oldVersion` up to `newVersion` (the idb `upgrade` callback). */
export function runMigrations(db: UpgradeDb, oldVersion: number, newVersion: number, tx: UpgradeTx): void {
  for (let version = oldVersion + 1; version <= newVersion; version++) {
    const step = migrations[version - 1]
    if (!step) throw new Error(`No migration to keystore schema version ${version}`)
    step(db, tx)
  }
}
