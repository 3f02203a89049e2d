/**
 * Hears the changes other instances make (LISTEN on the channel of db/notify.ts) on a dedicated
 * connection, and keeps hearing them: a lost connection is re-opened (every `reconnectMs`) and
 * re-subscribed, and since notifications sent meanwhile are gone, `onResync` then drops whatever
 * they could have touched. A periodic check (`onCheck`, every `checkMs`) reads recent changes from
 * the tables themselves, the fallback for anything a notification did not bring.
 */
import pg from 'pg'
import { CHANGE_CHANNEL, parseChange, type ChangeKind } from '../db/notify.ts'

export interface ChangeFeedOptions {
  readonly databaseUrl: string
  readonly onChange: (kind: ChangeKind, id: string) => void
  /** After a reconnect: notifications may have been missed. */
  readonly onResync: () => void
  /** The periodic check; its errors are logged and the check runs again next time. */
  readonly onCheck: () => Promise<void>
  readonly checkMs: number
  readonly reconnectMs?: number
  readonly log: (msg: string, err?: unknown) => void
}

export class ChangeFeed {
  private client: pg.Client | undefined
  /** Clients already given up ('error' and 'end' both fire for one loss). */
  private readonly dead = new WeakSet<pg.Client>()
  private closed = false
  private reconnectTimer: NodeJS.Timeout | undefined
  private readonly checkTimer: NodeJS.Timeout | undefined
  /** Resolves once the first subscription is in place (or failed, then retried in the background). */
  readonly ready: Promise<void>

  constructor(private readonly options: ChangeFeedOptions) {
    this.ready = this.connect(false)
    if (options.checkMs > 0) {
      this.checkTimer = setInterval(() => {
        options.onCheck().catch((e: unknown) => options.log('change check failed', e))
      }, options.checkMs)
      this.checkTimer.unref()
    }
  }

  /** True while subscribed. */
  get listening(): boolean {
    return this.client !== undefined
  }

  private async connect(resync: boolean): Promise<void> {
    if (this.closed) return
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: `qoltanba change feed ${process.pid}` })
    client.on('notification', (n) => {
      const change = n.channel === CHANGE_CHANNEL ? parseChange(n.payload) : undefined
      if (change) this.options.onChange(change.kind, change.id)
    })
    client.on('error', (e) => this.lost(client, e))
    client.on('end', () => this.lost(client, undefined))
    try {
      await client.connect()
      await client.query(`listen ${CHANGE_CHANNEL}`)
    } catch (e) {
      this.lost(client, e)
      return
    }
    if (this.closed) {
      await client.end().catch(() => {})
      return
    }
    this.client = client
    if (resync) {
      this.options.log('change feed subscribed again; cached statuses dropped')
      this.options.onResync()
    }
  }

  private lost(client: pg.Client, err: unknown): void {
    if (this.dead.has(client)) return
    this.dead.add(client)
    if (this.client === client) this.client = undefined
    client.removeAllListeners('end')
    client.end().catch(() => {})
    if (this.closed || this.reconnectTimer) return
    this.options.log('change feed lost its connection; reconnecting', err)
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      void this.connect(true)
    }, this.options.reconnectMs ?? 1000)
    this.reconnectTimer.unref()
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.checkTimer) clearInterval(this.checkTimer)
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    const client = this.client
    this.client = undefined
    if (client) {
      client.removeAllListeners('end')
      await client.end().catch(() => {})
    }
  }
}
