/**
 * CRL entries kept encoded in the database (owner: CA): certificates.crl_entry is the DER of the
 * certificate's revokedCertificates entry (RFC 5280 §5.1.2.6) while it is revoked or held, NULL
 * while good. A generated column, so no code path can change a status and forget the entry.
 *
 * Why: the first CRL after a start used to read every revoked row into JavaScript and encode it
 * there (seconds per million entries); now it is ONE query, string_agg of these bytes.
 *
 * crl_entry_der must encode exactly as crlEntry in server/ca/crl-build.ts (test/server/ca/
 * crl-entries.test.ts holds them to each other): SEQUENCE { INTEGER serial, UTCTime (GeneralizedTime
 * outside 1950–2049) whole seconds, extensions: reasonCode unless unspecified, plus
 * holdInstructionCode reject for certificateHold }. Entries stay under 128 bytes (serials of at
 * most 32 bytes), so every length is one byte. plpgsql, not SQL: ~7 µs a row where the SQL form
 * with sub-selects took ten times that (it matters for the migration of a large table).
 */
import { sql, type Kysely } from 'kysely'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function crl_entry_der(serial text, revoked_at timestamptz, reason integer) returns bytea
    language plpgsql immutable strict parallel safe as $fn$
    declare
      magnitude bytea := ltrim(decode(case when length(serial) % 2 = 1 then '0' || serial else serial end, 'hex'), '\\x00'::bytea);
      utc timestamp := revoked_at at time zone 'UTC';
      year integer := extract(year from utc);
      rest text := lpad(extract(month from utc)::integer::text, 2, '0') || lpad(extract(day from utc)::integer::text, 2, '0')
        || lpad(extract(hour from utc)::integer::text, 2, '0') || lpad(extract(minute from utc)::integer::text, 2, '0')
        || lpad(floor(extract(second from utc))::integer::text, 2, '0') || 'Z';
      body bytea;
    begin
      -- DER INTEGER: no leading zero bytes, one 0x00 when the top bit is set (or the value is 0).
      if length(magnitude) = 0 or get_byte(magnitude, 0) >= 128 then
        magnitude := '\\x00'::bytea || magnitude;
      end if;
      body := '\\x02'::bytea || set_byte('\\x00'::bytea, 0, length(magnitude)) || magnitude
        || case when year between 1950 and 2049
             then '\\x170d'::bytea || decode(lpad((year % 100)::text, 2, '0') || rest, 'escape')
             else '\\x180f'::bytea || decode(lpad(year::text, 4, '0') || rest, 'escape') end
        || case reason
             when 0 then ''::bytea
             -- reasonCode certificateHold + holdInstructionCode id-holdinstruction-reject
             when 6 then '\\x301e300a0603551d1504030a010630100603551d17040906072a8648ce380203'::bytea
             -- Extensions { Extension { reasonCode, OCTET STRING { ENUMERATED reason } } }
             else '\\x300c300a0603551d1504030a01'::bytea || set_byte('\\x00'::bytea, 0, reason) end;
      return '\\x30'::bytea || set_byte('\\x00'::bytea, 0, length(body)) || body;
    end
    $fn$`.execute(db)
  await sql`alter table certificates add column crl_entry bytea
    generated always as (case when status <> 'good' then crl_entry_der(serial, revoked_at, revocation_reason) end) stored`.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('certificates').dropColumn('crl_entry').execute()
  await sql`drop function crl_entry_der(text, timestamptz, integer)`.execute(db)
}
