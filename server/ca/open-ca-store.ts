/**
 * Picks the CA store of a configuration (see ca-store.ts). Apart from ca-store.ts, which only
 * declares the interface, so the two implementations can import its types without a cycle.
 */
import type { ServerConfig } from '../config.ts'
import type { Db } from '../db/schema.ts'
import type { CaStore } from './ca-store.ts'
import { databaseCaStore } from './ca-store-db.ts'
import { caDir, fileCaStore } from './ca-store-files.ts'

/** The store of this configuration: the database when DATABASE_URL is set, else DATA_DIR/ca. */
export function openCaStore(config: Pick<ServerConfig, 'dataDir'> & { readonly databaseUrl?: string | undefined }, db: Db): CaStore {
  return config.databaseUrl ? databaseCaStore(db) : fileCaStore(caDir(config))
}
