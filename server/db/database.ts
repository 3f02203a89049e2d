/**
 * Opens the database: PGlite (embedded PostgreSQL, persisted in DATA_DIR/pgdata) by default, a
 * PostgreSQL server through `pg` when DATABASE_URL is set. Same SQL dialect for both, one set of
 * migrations (./migrations/NNN_name.ts, applied in name order at open).
 */
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely'
import pg from 'pg'
import type { ServerConfig } from '../config.ts'
import { PgliteDialect } from './pglite-dialect.ts'
import { pgliteTypeOptions } from './pglite-types.ts'
import type { Database, Db } from './schema.ts'

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))
const MIGRATION_FILE = /^(\d{3}_[A-Za-z0-9_-]+)\.ts$/
const INT8_OID = 20

/** The pg pool behind a PostgreSQL handle (metrics read its counts; PGlite has none). */
const pools = new WeakMap<Db, pg.Pool>()

/** The connection pool of a handle opened on PostgreSQL, or undefined (PGlite). */
export function poolOf(db: Db): pg.Pool | undefined {
  return pools.get(db)
}

export interface OpenDatabaseOptions {
  /** PGlite in memory instead of DATA_DIR (tests). Ignored when DATABASE_URL is set. */
  readonly memory?: boolean
  /** PostgreSQL schema to use (created if missing; tests use one per file). */
  readonly schema?: string
  /** Run pending migrations (default true). */
  readonly migrate?: boolean
  /** Connection pool size for PostgreSQL (default 10). */
  readonly poolSize?: number
}

/** Which engine a handle talks to; useful in logs and tests. */
export function databaseKind(config: Pick<ServerConfig, 'databaseUrl'>): 'postgres' | 'pglite' {
  return config.databaseUrl ? 'postgres' : 'pglite'
}

/** Finds ./migrations/NNN_name.ts files; a new migration is a new file, nothing to register. */
class DirectoryMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {}
    for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
      const m = MIGRATION_FILE.exec(file)
      if (!m?.[1]) continue
      out[m[1]] = (await import(pathToFileURL(join(MIGRATIONS_DIR, file)).href)) as Migration
    }
    return out
  }
}

function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name "${schema}"`)
}

/** Applies pending migrations; throws with the failing migration's error. */
export async function migrateToLatest(db: Db, schema?: string): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: new DirectoryMigrationProvider(),
    // With a schema, the migration table must live in it too: Kysely's existence check would
    // otherwise find another schema's table and skip creating its own.
    ...(schema ? { migrationTableSchema: schema } : {}),
  })
  const result = await migrator.migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName
    throw new Error(`database migration ${failed ?? ''} failed: ${String(result.error)}`, { cause: result.error })
  }
  return result
}

/**
 * Opens the database for `config` and migrates it to the latest version.
 * Close it with `db.destroy()`.
 */
export async function openDatabase(
  config: Pick<ServerConfig, 'dataDir' | 'databaseUrl'>,
  options: OpenDatabaseOptions = {},
): Promise<Db> {
  let db: Db
  if (config.databaseUrl) {
    if (options.schema) assertSchemaName(options.schema)
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
      types: {
        // int8 as a JS number (identities stay far below 2^53), like the PGlite side.
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
      },
    })
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    pools.set(db, pool)
    // An idle connection that dies (PostgreSQL restarted, network cut) is reported here; without
    // a listener the pool's 'error' event would end the process. The pool opens a new one.
    pool.on('error', (err) => console.warn(`database connection lost (a new one is opened on demand): ${err.message}`))
    // A connection that dies while checked out (its query already failed) emits 'error' on the
    // client itself, which neither pg-pool nor Kysely listens to then: without this, a PostgreSQL
    // restart during a request would crash the process instead of failing that one request.
    pool.on('connect', (client) => client.on('error', () => {}))
    if (options.schema) await db.schema.createSchema(options.schema).ifNotExists().execute()
  } else {
    let dataDir: string | undefined
    if (!options.memory) {
      dataDir = join(config.dataDir, 'pgdata')
      mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    }
    const client = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      parsers: { [INT8_OID]: (v: string) => Number(v), ...pgliteTypeOptions.parsers },
      serializers: pgliteTypeOptions.serializers,
    })
    db = new Kysely<Database>({ dialect: new PgliteDialect(client) })
    if (options.schema) {
      assertSchemaName(options.schema)
      await db.schema.createSchema(options.schema).ifNotExists().execute()
      await client.exec(`set search_path to ${options.schema}`)
    }
  }
  if (options.migrate !== false) {
    try {
      await migrateToLatest(db, options.schema)
    } catch (e) {
      await db.destroy()
      throw e
    }
  }
  return db
}
