/**
 * The CRL of the issuing CA, kept ready in memory and served as is: regenerated shortly after
 * every revocation, hold or release (debounced, so a burst of revocations makes one CRL), and
 * before half its validity has passed. CRL numbers come from ca_crl_state and only grow, across
 * restarts and across server processes sharing a PostgreSQL database.
 *
 * Incremental: the database keeps every revoked entry encoded (certificates.crl_entry, a
 * generated column, migration 004), so the first generation is ONE query returning all entries
 * already concatenated (string_agg), whatever the CRL's size: no row objects, no per-entry
 * encoding in JavaScript. Later generations read only rows whose status changed since the last
 * read (certificates.status_changed_at, with a safety overlap for transactions that committed
 * late) and patch the list (crl-entries.ts), so a regeneration after one revocation costs one
 * small query, one pass over the list and one signature. A full re-read still runs every
 * `fullResyncMs` (dropping expired certificates and anything changed behind our back).
 */
import { sql } from 'kysely'
import type { Db } from '../db/schema.ts'
import { signCrl } from './crl-build.ts'
import { CrlEntries } from './crl-entries.ts'
import type { CaMember } from './hierarchy.ts'

export interface CrlOptions {
  /** nextUpdate − thisUpdate (default 24 h). */
  readonly validityMs?: number
  /** Wait after a change before regenerating, to batch bursts (default 200 ms). */
  readonly debounceMs?: number
  /** Period of the full re-read of revoked certificates (default 6 h). */
  readonly fullResyncMs?: number
}

/** Overlap of incremental reads: a status change whose transaction took longer is still seen. */
const DELTA_OVERLAP_MS = 5 * 60_000

/** A published CRL. */
export interface PublishedCrl {
  readonly der: Buffer
  readonly crlNumber: number
  readonly thisUpdate: Date
  readonly nextUpdate: Date
  readonly entries: number
}

/** Generates, caches and refreshes one issuing CA's CRL. */
export class CrlPublisher {
  private published: PublishedCrl | undefined
  private readonly entries = new CrlEntries()
  /** Database time at the start of the last read; undefined before the first full read. */
  private syncedAt: Date | undefined
  private lastFull = 0
  private readonly fullResyncMs: number
  private running: Promise<PublishedCrl> | undefined
  private queued: Promise<PublishedCrl> | undefined
  private debounce: NodeJS.Timeout | undefined
  private refresh: NodeJS.Timeout | undefined
  private closed = false
  private readonly validityMs: number
  private readonly debounceMs: number

  constructor(
    private readonly db: Db,
    private readonly issuer: CaMember,
    options: CrlOptions = {},
  ) {
    this.validityMs = options.validityMs ?? 24 * 3600_000
    this.debounceMs = options.debounceMs ?? 200
    this.fullResyncMs = options.fullResyncMs ?? 6 * 3600_000
  }

  /** The current CRL, generating one first if there is none or it is past nextUpdate. */
  async current(): Promise<PublishedCrl> {
    const p = this.published
    if (p && p.nextUpdate.getTime() > Date.now()) return p
    // A run already in progress (e.g. the warm-up at start) will do: no need to queue another.
    return this.running ?? this.regenerate()
  }

  /** Asks for a new CRL soon (after a revocation, hold or release). */
  changed(): void {
    if (this.closed) return
    if (this.debounce) clearTimeout(this.debounce)
    this.debounce = setTimeout(() => {
      this.debounce = undefined
      this.regenerate().catch((e: unknown) => console.error('CRL regeneration failed', e))
    }, this.debounceMs)
    this.debounce.unref()
  }

  /** Waits until a pending (debounced or queued) regeneration has happened. */
  async flush(): Promise<PublishedCrl> {
    if (this.debounce) {
      clearTimeout(this.debounce)
      this.debounce = undefined
      return this.regenerate()
    }
    return this.queued ?? this.running ?? this.current()
  }

  /**
   * Regenerates now. A call during a run gets the NEXT run (which sees the change that caused
   * the call), shared by every caller until it starts.
   */
  regenerate(): Promise<PublishedCrl> {
    if (this.running) {
      this.queued ??= this.running
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined
          return this.regenerate()
        })
      return this.queued
    }
    const run = this.build().finally(() => {
      this.running = undefined
    })
    this.running = run
    return run
  }

  /** Stops timers; an in-flight generation finishes on its own. */
  close(): void {
    this.closed = true
    if (this.debounce) clearTimeout(this.debounce)
    if (this.refresh) clearTimeout(this.refresh)
  }

  /** Reads every revoked/held certificate that has not expired. */
  private async fullRead(): Promise<void> {
    const now = await this.dbNow()
    // One value for all entries: base64 text, because both drivers turn a bytea result into
    // hex text first (twice the bytes) and Node decodes base64 natively.
    const r = await sql<{ n: number; entries: string | null }>`
      select count(*)::int as n, encode(string_agg(crl_entry, ''::bytea), 'base64') as entries
      from certificates
      where issuer = ${this.issuer.name} and status <> 'good' and not_after > ${now}`.execute(this.db)
    const row = r.rows[0]
    this.entries.reset(row?.entries ? Buffer.from(row.entries, 'base64') : Buffer.alloc(0), Number(row?.n ?? 0))
    this.syncedAt = now
    this.lastFull = Date.now()
  }

  /** Applies the status changes since the last read (with an overlap). */
  private async deltaRead(since: Date): Promise<void> {
    const now = await this.dbNow()
    const rows = await sql<{ serial: string; crl_entry: Uint8Array | null }>`
      select serial, crl_entry
      from certificates
      where issuer = ${this.issuer.name} and status_changed_at > ${new Date(since.getTime() - DELTA_OVERLAP_MS)}`.execute(this.db)
    for (const r of rows.rows) this.entries.set(r.serial, r.crl_entry)
    this.syncedAt = now
  }

  private async dbNow(): Promise<Date> {
    const r = await sql<{ now: number }>`select extract(epoch from statement_timestamp())::float8 as now`.execute(this.db)
    return new Date(Number(r.rows[0]?.now) * 1000)
  }

  private async build(): Promise<PublishedCrl> {
    if (!this.syncedAt || Date.now() - this.lastFull >= this.fullResyncMs) await this.fullRead()
    else await this.deltaRead(this.syncedAt)
    const thisUpdate = new Date(Math.floor(Date.now() / 1000) * 1000)
    const nextUpdate = new Date(thisUpdate.getTime() + this.validityMs)
    const list = this.entries.list()
    const state = await sql<{ crl_number: number }>`
      insert into ca_crl_state (issuer, crl_number, this_update, next_update, entries)
      values (${this.issuer.name}, 1, ${thisUpdate}, ${nextUpdate}, ${list.count})
      on conflict (issuer) do update set crl_number = ca_crl_state.crl_number + 1,
        this_update = excluded.this_update, next_update = excluded.next_update, entries = excluded.entries
      returning crl_number`.execute(this.db)
    const crlNumber = Number(state.rows[0]?.crl_number)
    const der = signCrl(
      { issuer: this.issuer.subject, issuerKeyId: this.issuer.keyId, thisUpdate, nextUpdate, crlNumber, entries: list.der.length ? [list.der] : [] },
      this.issuer.signer,
    )
    const published = { der, crlNumber, thisUpdate, nextUpdate, entries: list.count }
    this.published = published
    this.scheduleRefresh()
    return published
  }

  private scheduleRefresh(): void {
    if (this.closed) return
    if (this.refresh) clearTimeout(this.refresh)
    this.refresh = setTimeout(() => {
      this.regenerate().catch((e: unknown) => console.error('CRL refresh failed', e))
    }, this.validityMs / 2)
    this.refresh.unref()
  }
}
