/**
 * The timestamp authority (owner: tsa): its certificate is recorded in ca_authorities like the
 * OCSP responder's (role 'tsa'), and TSTInfo serial numbers come from one database sequence, so
 * they are unique across concurrent requests and across every server process on the database.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ca_authorities drop constraint ca_authorities_role_check`.execute(db)
  await sql`alter table ca_authorities add constraint ca_authorities_role_check check (role in ('root', 'issuing', 'ocsp', 'tsa'))`.execute(db)
  await sql`create sequence tsa_serial as bigint start with 1`.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop sequence tsa_serial`.execute(db)
  await sql`delete from ca_authorities where role = 'tsa'`.execute(db)
  await sql`alter table ca_authorities drop constraint ca_authorities_role_check`.execute(db)
  await sql`alter table ca_authorities add constraint ca_authorities_role_check check (role in ('root', 'issuing', 'ocsp'))`.execute(db)
}
