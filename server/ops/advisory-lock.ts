/**
 * A PostgreSQL session advisory lock held on a dedicated connection: the instance that holds it
 * does the work, the others wait. PostgreSQL releases the lock when the holder's session ends,
 * so a process that dies (even kill -9) or loses its connection hands the lock over without any
 * lease bookkeeping of ours. Chosen over pg-boss: the jobs here are a handful of timers whose
 * work is idempotent, and a queue (its own schema, polling, retention) would add more moving
 * parts than it removes. Without DATABASE_URL (PGlite: one process owns the database) the lock
 * is trivially held.
 */
import pg from 'pg'

/** First key of every lock of ours, so our locks never collide with another application's. */
const LOCK_NAMESPACE = 0x51_6c_74 // "Qlt"

export class AdvisoryLock {
  private client: pg.Client | undefined
  private held = false

  constructor(
    private readonly databaseUrl: string | undefined,
    readonly name: string,
  ) {}

  /**
   * True when this instance holds the lock (taking it if free). A holder re-checks its
   * connection each time, so one whose session died learns it lost the lock.
   */
  async tryAcquire(): Promise<boolean> {
    if (!this.databaseUrl) return true
    try {
      if (this.held && this.client) {
        await this.client.query('select 1')
        return true
      }
      if (!this.client) {
        const client = new pg.Client({ connectionString: this.databaseUrl, application_name: `qoltanba lock ${this.name}` })
        client.on('error', () => this.drop(client))
        await client.connect()
        this.client = client
      }
      const r = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as ok', [LOCK_NAMESPACE, this.name])
      this.held = r.rows[0]?.ok === true
      return this.held
    } catch {
      if (this.client) this.drop(this.client)
      return false
    }
  }

  /** Releases the lock (closing the session releases it too). */
  async release(): Promise<void> {
    const client = this.client
    this.client = undefined
    this.held = false
    await client?.end().catch(() => {})
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return
    this.client = undefined
    this.held = false
    client.end().catch(() => {})
  }
}
