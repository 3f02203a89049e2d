/**
 * A Kysely dialect over one embedded PGlite instance.
 *
 * PGlite is a single connection. The stock kysely-pglite driver hands the same connection to
 * every caller, so a `BEGIN` issued by one request would swallow the queries of every other
 * request until `COMMIT` — concurrent transactions would silently merge. This driver hands the
 * connection out under a mutex instead: a transaction owns it from BEGIN to COMMIT/ROLLBACK and
 * other queries wait. Consequence: inside `db.transaction()` use the transaction object only;
 * a query on the outer `db` would wait for the transaction that is waiting for it.
 */
import type { PGlite } from '@electric-sql/pglite'
import {
  type CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely'

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly client: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.client.query<R>(compiled.sql, [...compiled.parameters])
    const affected = result.affectedRows
    const isWrite = /^\s*(insert|update|delete|merge)\b/i.test(compiled.sql)
    return {
      rows: result.rows,
      ...(isWrite && affected !== undefined ? { numAffectedRows: BigInt(affected) } : {}),
    }
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not support streaming')
  }
}

class PgliteDriver implements Driver {
  private readonly connection: PgliteConnection
  private tail: Promise<void> = Promise.resolve()
  private release: (() => void) | undefined

  constructor(private readonly client: PGlite) {
    this.connection = new PgliteConnection(client)
  }

  async init(): Promise<void> {
    await this.client.waitReady
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.tail
    let release!: () => void
    this.tail = new Promise<void>((r) => (release = r))
    await previous
    this.release = release
    return this.connection
  }

  // Transaction control through the simple query protocol (exec): one round trip into the
  // WebAssembly backend instead of the five of an extended-protocol query (parse, describe,
  // bind, describe, execute), on every approval's transaction.
  async beginTransaction(): Promise<void> {
    await this.client.exec('BEGIN')
  }

  async commitTransaction(): Promise<void> {
    await this.client.exec('COMMIT')
  }

  async rollbackTransaction(): Promise<void> {
    await this.client.exec('ROLLBACK')
  }

  async releaseConnection(): Promise<void> {
    const release = this.release
    this.release = undefined
    release?.()
  }

  async destroy(): Promise<void> {
    await this.tail
    await this.client.close()
  }
}

/** Kysely dialect for a PGlite client (serialised access, see the file comment). */
export class PgliteDialect implements Dialect {
  constructor(private readonly client: PGlite) {}
  createAdapter() {
    return new PostgresAdapter()
  }
  createDriver(): Driver {
    return new PgliteDriver(this.client)
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler()
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db)
  }
}
