/**
 * The registration-center directory (owner: centers): where applicants confirm their
 * applications, in kk/ru/en, edited by operators (`qoltanba centers …`, /operator/centers).
 * Applications name the center they chose; their `region` column stays (derived from the center)
 * so older clients, queued offline submissions and reports keep working.
 *
 * Centers are never deleted, only deactivated: an application keeps pointing at the center its
 * printed form names. The demo directory is not inserted here but at the server's first start
 * (server/centers/seed.ts), so a migration never writes data an operator may have to undo.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  let table = db.schema
    .createTable('registration_centers')
    // A slug (astana-1): readable in logs, URLs and the CLI; the rules live in src/core/centers-wire.ts.
    .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$'`))
    .addColumn('region', 'text', (c) => c.notNull().check(sql`region ~ '^KZ-[0-9]{2}$'`))
  for (const field of ['name', 'address', 'hours']) {
    for (const lang of ['kk', 'ru', 'en']) table = table.addColumn(`${field}_${lang}`, 'text', (c) => c.notNull())
  }
  await table
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('map_url', 'text', (c) => c.notNull().check(sql`map_url like 'https://%'`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('registration_centers_region_idx').on('registration_centers').columns(['region', 'id']).execute()

  await db.schema
    .alterTable('applications')
    .addColumn('registration_center_id', 'text', (c) => c.references('registration_centers.id'))
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('registration_center_id').execute()
  await db.schema.dropTable('registration_centers').execute()
}
