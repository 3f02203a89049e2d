/**
 * Where the CA hierarchy's files live (issue 20): DATA_DIR/ca in the embedded mode
 * (ca-store-files.ts), the database's ca_files table when DATABASE_URL is set (ca-store-db.ts),
 * so instances on one PostgreSQL share no files. The same names either way: manifest.json,
 * <role>.pem, <role>.key (encrypted PKCS#8; none with PKCS#11), <role>-<serial>.pem (former
 * delegate certificates kept by renewals) and root.crl. Never the key passphrase.
 */
import type { Tx } from '../db/schema.ts'

/** One file to write; `secret` ones (keys) get mode 0600 on disk. */
export interface CaFile {
  readonly name: string
  readonly data: string | Buffer
  readonly secret?: boolean
}

export interface CaStore {
  readonly kind: 'files' | 'database'
  /** Where, for messages: the DATA_DIR/ca path, or "the database (ca_files)". */
  readonly where: string
  /** DATA_DIR/ca (files only): the development passphrase file sits there. */
  readonly dir?: string
  read(name: string): Promise<Buffer | undefined>
  /** Names of the stored files. */
  list(): Promise<string[]>
  /**
   * Writes (replaces) `files`; in the database inside `trx` when given, so they commit or roll
   * back with it; on disk each atomically (rename), before the caller's commit.
   */
  write(files: readonly CaFile[], trx?: Tx): Promise<void>
  /**
   * Writes `files` only if none of them exists yet, all or nothing, together with `replacing`
   * (written whatever was there: e.g. the manifest naming a new key); false when one existed
   * (another instance made it first) and nothing was written. In the database one transaction;
   * on disk a check, then `replacing` first and `files` after, as single-instance code may.
   */
  create(files: readonly CaFile[], replacing?: readonly CaFile[]): Promise<boolean>
}

/** Reads a UTF-8 file of the store (undefined when absent). */
export async function readText(store: CaStore, name: string): Promise<string | undefined> {
  return (await store.read(name))?.toString('utf8')
}
