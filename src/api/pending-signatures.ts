/**
 * Signatures made offline that still wait for their timestamp, kept on this device (IndexedDB
 * `qoltanba-signatures`, one record per signature file) so that leaving /sign or closing the
 * browser loses nothing: the next visit with a network adds the timestamp (src/flows/
 * document-signing.ts) and offers the finished file. A record is taken out (`claim`) in one
 * transaction before it is worked on, so two tabs never timestamp the same signature twice.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb'

export const SIGNATURES_DB_NAME = 'qoltanba-signatures'

/** A signature file waiting for (or just given) its timestamp. */
export interface PendingSignatureRecord {
  readonly id: string
  readonly fileName: string
  /** ContentInfo(SignedData) DER. */
  readonly cms: Uint8Array
  /** Which SignerInfo the timestamp is for. */
  readonly signerIndex: number
  readonly timestamp: 'pending' | 'added'
  /** ms since the epoch. */
  readonly createdAt: number
  /** ISO time of the timestamp, once added. */
  readonly timestampTime?: string
}

interface SignaturesSchema extends DBSchema {
  pending: { key: string; value: PendingSignatureRecord }
}

/** The store of pending signatures. */
export class PendingSignatures {
  #db: Promise<IDBPDatabase<SignaturesSchema>> | null = null

  constructor(private readonly dbName: string = SIGNATURES_DB_NAME) {}

  #open(): Promise<IDBPDatabase<SignaturesSchema>> {
    this.#db ??= openDB<SignaturesSchema>(this.dbName, 1, {
      upgrade(database) {
        database.createObjectStore('pending', { keyPath: 'id' })
      },
      // Never hold up a kiosk wipe: step aside, reopen on next use.
      blocking: () => {
        void this.#db?.then((db) => db.close())
        this.#db = null
      },
    })
    return this.#db
  }

  /** Stores or replaces a record. */
  async put(record: PendingSignatureRecord): Promise<void> {
    await (await this.#open()).put('pending', record)
  }

  /** Every record, oldest first. */
  async list(): Promise<PendingSignatureRecord[]> {
    return (await (await this.#open()).getAll('pending')).sort((a, b) => a.createdAt - b.createdAt)
  }

  /** Removes and returns a record in one transaction (undefined when another tab took it). */
  async claim(id: string): Promise<PendingSignatureRecord | undefined> {
    const tx = (await this.#open()).transaction('pending', 'readwrite')
    const record = await tx.store.get(id)
    if (record) await tx.store.delete(id)
    await tx.done
    return record
  }

  async remove(id: string): Promise<void> {
    await (await this.#open()).delete('pending', id)
  }

  close(): void {
    void this.#db?.then((db) => db.close())
    this.#db = null
  }
}
