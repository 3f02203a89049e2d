/**
 * The CA store with DATABASE_URL set: one row per file in ca_files (migration 015), shared by
 * every instance on the database (see ca-store.ts).
 */
import { sql, type ColumnType, type Kysely } from 'kysely'
import type { Database, Db, Tx } from '../db/schema.ts'
import type { CaFile, CaStore } from './ca-store.ts'

export interface CaFilesTable {
  name: string
  content: Uint8Array
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

interface CaFilesDatabase extends Database {
  ca_files: CaFilesTable
}

function filesDb(db: Db | Tx): Kysely<CaFilesDatabase> {
  return db as unknown as Kysely<CaFilesDatabase>
}

const rowOf = (f: CaFile) => ({ name: f.name, content: Buffer.from(f.data) })

/** Thrown inside create()'s transaction to roll it back when a file existed. */
class Exists extends Error {}

export function databaseCaStore(db: Db): CaStore {
  const write = async (files: readonly CaFile[], trx?: Tx): Promise<void> => {
    if (!files.length) return
    await filesDb(trx ?? db)
      .insertInto('ca_files')
      .values(files.map(rowOf))
      .onConflict((oc) => oc.column('name').doUpdateSet({ content: (eb) => eb.ref('excluded.content'), updated_at: sql`now()` }))
      .execute()
  }
  return {
    kind: 'database',
    where: 'the database (ca_files)',
    async read(name) {
      const row = await filesDb(db).selectFrom('ca_files').select('content').where('name', '=', name).executeTakeFirst()
      return row ? Buffer.from(row.content) : undefined
    },
    async list() {
      return (await filesDb(db).selectFrom('ca_files').select('name').orderBy('name').execute()).map((r) => r.name)
    },
    write,
    async create(files, replacing = []) {
      try {
        await db.transaction().execute(async (trx) => {
          const rows = await filesDb(trx).insertInto('ca_files').values(files.map(rowOf)).onConflict((oc) => oc.column('name').doNothing()).returning('name').execute()
          if (rows.length !== files.length) throw new Exists()
          await write(replacing, trx)
        })
        return true
      } catch (e) {
        if (e instanceof Exists) return false
        throw e
      }
    },
  }
}
