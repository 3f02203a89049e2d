/**
 * Hand-offs to the phone (owner: handoffs, issue 17): one row per request, kept only while it
 * lives. Secrets are stored as SHA-256 hashes; the row (documents, result) is deleted when the
 * requester has taken the result or when it expires, so nothing outlives the exchange.
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table handoffs (
    id text primary key,
    kind text not null check (kind in ('sign-in', 'sign')),
    state text not null check (state in ('waiting', 'opened', 'signed', 'declined', 'failed')),
    secret_hash text not null,
    requester_hash text not null,
    requester_name text not null,
    requester_origin text not null,
    code text not null,
    payload bytea,
    documents jsonb not null default '[]'::jsonb,
    result jsonb,
    failure text,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    opened_at timestamptz
  )`.execute(db)
  await sql`create index handoffs_expires_at on handoffs (expires_at)`.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table handoffs`.execute(db)
}
