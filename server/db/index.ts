/** Storage entry point: open/migrate the database and the shared types. */
export { openDatabase, migrateToLatest, databaseKind, type OpenDatabaseOptions } from './database.ts'
export { json } from './json.ts'
export * from './schema.ts'
