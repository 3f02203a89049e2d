/**
 * Test databases: every storage test runs against the embedded PGlite (in memory) and the real
 * PostgreSQL at TEST_DATABASE_URL. Each PostgreSQL user gets its own schema so test files running
 * in parallel never see each other's rows; the schema is dropped afterwards.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openDatabase } from '../../../server/db/database.ts'
import type { Db } from '../../../server/db/schema.ts'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'

export type Engine = 'pglite' | 'postgres'
export const ENGINES: readonly Engine[] = ['pglite', 'postgres']

export interface TestDatabase {
  readonly db: Db
  readonly engine: Engine
  /** What to put in a ServerConfig for this database. */
  readonly databaseUrl: string | undefined
  readonly schema: string | undefined
  close(): Promise<void>
}

/** Opens a fresh, migrated database of the given engine. */
export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const db = await openDatabase({ dataDir: '/nonexistent', databaseUrl: undefined }, { memory: true })
    return { db, engine, databaseUrl: undefined, schema: undefined, close: () => db.destroy() }
  }
  const schema = `t_${randomBytes(6).toString('hex')}`
  const db = await openDatabase({ dataDir: '/nonexistent', databaseUrl: TEST_DATABASE_URL }, { schema, poolSize: 4 })
  return {
    db,
    engine,
    databaseUrl: TEST_DATABASE_URL,
    schema,
    async close() {
      await db.destroy()
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await client.connect()
      try {
        await client.query(`drop schema if exists ${schema} cascade`)
      } finally {
        await client.end()
      }
    },
  }
}
