/**
 * CRL generation for large revocation lists: our CrlPublisher vs `openssl ca -gencrl` over an
 * index.txt holding the same revoked serials, dates and reasons, signed with the same key.
 * Ours, cold: a new publisher's first CRL — one query aggregating every revoked row's stored
 * entry DER (certificates.crl_entry, which the database generated when the rows were written,
 * untimed here as in a real revocation) + one signature. Warm: the regeneration after one more
 * revocation (delta query, one pass over the list, one signature).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { CrlPublisher } from '../../server/ca/crl.ts'
import { fileCaStore } from '../../server/ca/ca-store-files.ts'
import { caDir, loadHierarchy } from '../../server/ca/hierarchy.ts'
import { openDatabase } from '../../server/db/index.ts'
import type { BenchServer } from './server.ts'

export interface CrlFigures {
  readonly entries: number
  /** Seconds: our first generation (one query returning every stored entry + sign). */
  readonly oursCold: number
  /** Seconds: our regeneration after one more revocation (delta query + one pass + sign). */
  readonly oursWarm: number
  readonly openssl: number
  readonly bytes: number
  readonly opensslBytes: number
}

const REASONS = [[1, 'keyCompromise'], [4, 'superseded'], [6, 'certificateHold']] as const

function yymmdd(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'
}

async function writeIndex(path: string, n: number, base: Date): Promise<void> {
  const out = createWriteStream(path)
  const exp = '491231235959Z'
  let chunk = ''
  for (let i = 1; i <= n; i++) {
    const [, name] = REASONS[i % 3] as (typeof REASONS)[number]
    const rev = yymmdd(new Date(base.getTime() - (i % 1000) * 60_000))
    const reason = name === 'certificateHold' ? `${name},holdInstructionReject` : name
    chunk += `R\t${exp}\t${rev},${reason}\t4${i.toString(16).padStart(31, '0').toUpperCase()}\tunknown\t/CN=bench\n`
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()))
      chunk = ''
    }
  }
  out.end(chunk)
  await new Promise<void>((r) => out.once('finish', () => r()))
}

/** Measures CRL generation for `n` revoked certificates. */
export async function crlFigures(server: BenchServer, n: number): Promise<CrlFigures> {
  const h = await loadHierarchy(server.config, fileCaStore(caDir(server.config)))
  const db = await openDatabase({ dataDir: server.dir, databaseUrl: undefined }, { memory: true })
  const tmp = mkdtempSync(join(tmpdir(), 'qoltanba-crlbench-'))
  try {
    const base = new Date(Math.floor(Date.now() / 60_000) * 60_000)
    await sql`insert into certificates (serial, purpose, profile, issuer, subject_dn, not_before, not_after, der, spki_sha256, status, revoked_at, revocation_reason)
      select '4' || lpad(to_hex(i), 31, '0'), 'sign', 'individual', 'issuing', 'CN=bench', now(), '2049-12-31T23:59:59Z', '\\x00'::bytea,
        md5(i::text) || md5((-i)::text),
        case i % 3 when 0 then 'hold' else 'revoked' end,
        ${base}::timestamptz - ((i % 1000) * interval '1 minute'),
        case i % 3 when 1 then 1 when 2 then 4 else 6 end
      from generate_series(1, ${n}) as i`.execute(db)
    const publisher = new CrlPublisher(db, h.issuing)
    let t = performance.now()
    const first = await publisher.regenerate()
    const oursCold = (performance.now() - t) / 1000
    // Steady state: one more revocation (as revokeCertificate records it), then the regeneration.
    await sql`update certificates set status = 'revoked', revoked_at = now(), revocation_reason = 1, status_changed_at = now()
      where serial = (select serial from certificates where status = 'hold' limit 1)`.execute(db)
    t = performance.now()
    const second = await publisher.regenerate()
    const oursWarm = (performance.now() - t) / 1000
    if (second.entries !== n) throw new Error(`regenerated CRL has ${second.entries} entries, expected ${n}`)
    publisher.close()
    if (first.entries !== n) throw new Error(`CRL has ${first.entries} entries, expected ${n}`)

    // openssl ca over the same data and key.
    await writeIndex(join(tmp, 'index.txt'), n, base)
    writeFileSync(join(tmp, 'index.txt.attr'), 'unique_subject = no\n')
    writeFileSync(join(tmp, 'crlnumber'), '01\n')
    const key = join(tmp, 'issuing.key')
    execFileSync('openssl', ['pkey', '-in', join(server.dir, 'ca', 'issuing.key'), '-passin', `pass:${server.env.CA_KEY_PASSPHRASE}`, '-out', key], { stdio: 'pipe' })
    writeFileSync(join(tmp, 'ca.cnf'), [
      '[ ca ]', 'default_ca = CA_default', '[ CA_default ]', `dir = ${tmp}`, 'database = $dir/index.txt', 'crlnumber = $dir/crlnumber',
      `certificate = ${join(server.dir, 'ca', 'issuing.pem')}`, 'private_key = $dir/issuing.key', 'default_md = sha256', 'default_crl_days = 1',
      'crl_extensions = crl_ext', '[ crl_ext ]', 'authorityKeyIdentifier = keyid:always', '',
    ].join('\n'))
    const out = join(tmp, 'crl.der')
    t = performance.now()
    const r = spawnSync('openssl', ['ca', '-gencrl', '-config', join(tmp, 'ca.cnf'), '-out', join(tmp, 'crl.pem')], { stdio: 'pipe' })
    const openssl = (performance.now() - t) / 1000
    if (r.status !== 0) throw new Error(`openssl ca -gencrl failed: ${r.stderr.toString()}`)
    execFileSync('openssl', ['crl', '-in', join(tmp, 'crl.pem'), '-outform', 'DER', '-out', out], { stdio: 'pipe' })
    return { entries: n, oursCold, oursWarm, openssl, bytes: first.der.length, opensslBytes: statSync(out).size }
  } finally {
    h.close()
    await db.destroy()
    rmSync(tmp, { recursive: true, force: true })
  }
}
