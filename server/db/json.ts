import { sql, type RawBuilder } from 'kysely'

/**
 * A jsonb parameter. Drivers disagree on how they serialise JS values (node-postgres turns
 * arrays into PostgreSQL arrays), so JSON is sent as text and cast explicitly.
 */
export function json(value: unknown): RawBuilder<unknown> {
  return sql`${JSON.stringify(value ?? null)}::jsonb`
}
