/**
 * The keystore's IndexedDB connection. It is opened lazily, dropped when the browser kills it
 * (WebKit's "Connection to Indexed Database server lost" after backgrounding or memory
 * pressure), and every operation is retried once on a fresh connection when it fails with
 * InvalidStateError or UnknownError. Retrying is safe because an operation here is only the
 * IndexedDB part of the work (crypto runs before the transaction opens) and a transaction that
 * died with its connection committed nothing.
 */
import { deleteDB, openDB, type IDBPDatabase, type IDBPTransaction } from 'idb'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { runMigrations, SCHEMA_VERSION } from './migrations.ts'
import type { KeystoreSchema, KeystoreStore } from './schema.ts'

/** The database name used by the app (tests and the kiosk wipe use it too). */
export const DEFAULT_DB_NAME = 'qoltanba-keystore'

export type KeystoreDb = IDBPDatabase<KeystoreSchema>
export type WriteTx<S extends KeystoreStore[]> = IDBPTransaction<KeystoreSchema, S, 'readwrite'>

/** Error names that mean "this connection is gone; a new one may work". */
const CONNECTION_LOST = new Set(['InvalidStateError', 'UnknownError'])

function isConnectionLost(e: unknown): boolean {
  return typeof e === 'object' && e !== null && CONNECTION_LOST.has((e as { name?: string }).name ?? '')
}

/** Turns IndexedDB failures into ERR_STORAGE_FAILED, keeping our typed errors as they are. */
function asStorageError(e: unknown): unknown {
  if (e instanceof QoltanbaError) return e
  const name = (e as { name?: string } | null)?.name ?? 'Error'
  return new QoltanbaError(ErrorCode.StorageFailed, `Keystore storage failed (${name})`, { reason: name }, { cause: e })
}

/** One keystore database with reconnect-on-loss. */
export class KeystoreDatabase {
  #connection: Promise<KeystoreDb> | undefined

  constructor(readonly name: string = DEFAULT_DB_NAME) {}

  /** The open connection, opening (and migrating) the database on first use. */
  connection(): Promise<KeystoreDb> {
    this.#connection ??= openDB<KeystoreSchema>(this.name, SCHEMA_VERSION, {
      upgrade: (db, oldVersion, newVersion, tx) => runMigrations(db, oldVersion, newVersion ?? SCHEMA_VERSION, tx),
      // Another tab upgrades or deletes the database (the kiosk wipe): let it, reopen later.
      blocking: () => this.close(),
      terminated: () => {
        this.#connection = undefined
      },
    }).catch((e: unknown) => {
      this.#connection = undefined
      throw e
    })
    return this.#connection
  }

  /** Closes the connection; the next operation opens a new one. */
  close(): void {
    const pending = this.#connection
    this.#connection = undefined
    void pending?.then((db) => db.close()).catch(() => undefined)
  }

  /**
   * Runs `operation` against the database, once more on a new connection if the first one was
   * lost. `operation` must contain IndexedDB work only.
   */
  async run<T>(operation: (db: KeystoreDb) => Promise<T>): Promise<T> {
    try {
      return await operation(await this.connection())
    } catch (e) {
      if (!isConnectionLost(e)) throw asStorageError(e)
      this.close()
      try {
        return await operation(await this.connection())
      } catch (again) {
        throw asStorageError(again)
      }
    }
  }

  /**
   * Runs `work` in ONE readwrite transaction over `stores`. If anything in it throws, the
   * transaction is aborted so none of its writes land: a failure leaves the keystore as it was.
   * `work` must not await anything but requests of `tx` (the transaction would auto-commit).
   */
  write<S extends KeystoreStore[], T>(stores: S, work: (tx: WriteTx<S>) => Promise<T>): Promise<T> {
    return this.run(async (db) => {
      const tx = db.transaction(stores, 'readwrite')
      // tx.done rejects on abort; we report the first error instead, so silence this one.
      tx.done.catch(() => undefined)
      try {
        const result = await work(tx)
        await tx.done
        return result
      } catch (e) {
        try {
          tx.abort()
        } catch {
          // Already finished or aborted: nothing was committed either way.
        }
        throw e
      }
    })
  }

  /** Deletes the whole database (kiosk wipe, tests). */
  async destroy(): Promise<void> {
    this.close()
    await deleteDB(this.name)
  }
}
