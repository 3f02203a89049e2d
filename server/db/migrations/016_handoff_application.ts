/**
 * Hand-offs of a kiosk's application to the applicant's phone (owner: handoffs, issue 17): the
 * kind "application", and the application itself (the kiosk's answers completed from the
 * registry, no keys) in its own column, because the phone's answer drops the payload while the
 * application must stay readable until the kiosk collects (a repeated answer is replayed from it).
 * Deleted with the row, like everything of a hand-off.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table handoffs drop constraint if exists handoffs_kind_check`.execute(db)
  await sql`alter table handoffs add constraint handoffs_kind_check check (kind in ('sign-in', 'sign', 'application'))`.execute(db)
  await sql`alter table handoffs add column application jsonb`.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from handoffs where kind = 'application'`.execute(db)
  await sql`alter table handoffs drop column application`.execute(db)
  await sql`alter table handoffs drop constraint if exists handoffs_kind_check`.execute(db)
  await sql`alter table handoffs add constraint handoffs_kind_check check (kind in ('sign-in', 'sign'))`.execute(db)
}
