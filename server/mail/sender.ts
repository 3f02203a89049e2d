/**
 * The sender loop. Every instance runs one: a batch is claimed with SELECT … FOR UPDATE SKIP
 * LOCKED and leased (locked_until) in a short transaction, sent outside it, then marked. Two
 * instances never claim the same row, and a row is sent again only if its sender died mid-send
 * (the lease runs out) — so each message goes out once. A relay that is down delays messages
 * (retries with doubling delay); one that refuses the address (5xx) fails that message at once,
 * recorded with the reason: it never blocks the application.
 */
import nodemailer, { type Transporter } from 'nodemailer'
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js'
import { sql } from 'kysely'
import type { Db } from '../db/schema.ts'
import type { MailConfig } from './config.ts'
import { renderMail } from './render.ts'
import { mailDb, type MailKind, type MailLanguage } from './schema.ts'
import type { MailData } from './templates/types.ts'

const BATCH = 50
const LEASE_MS = 120_000
const MAX_DELAY_MS = 3600_000

interface Claimed {
  id: number
  kind: MailKind
  data: MailData
  attempts: number
  address: string
  language: MailLanguage
}

export interface SenderTally {
  sent: number
  retried: number
  failed: number
}

export class MailSender {
  private readonly transport: Transporter<SMTPPool.SentMessageInfo>
  private timer: NodeJS.Timeout | undefined
  private running: Promise<SenderTally> | undefined
  /** Totals since start (metrics, bench). */
  readonly totals: SenderTally = { sent: 0, retried: 0, failed: 0 }

  constructor(
    private readonly db: Db,
    private readonly config: MailConfig & { smtpUrl: string },
    private readonly publicUrl: string,
  ) {
    this.transport = nodemailer.createTransport({
      url: config.smtpUrl,
      pool: true,
      maxConnections: 4,
      requireTLS: config.requireTls,
      tls: { rejectUnauthorized: config.tlsRejectUnauthorized },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } satisfies SMTPPool.Options)
  }

  start(): void {
    void this.tick()
    this.timer = setInterval(() => void this.tick(), this.config.pollMs)
    this.timer.unref()
  }

  /** Sends everything due now; a tick still running is joined, not doubled. Never throws. */
  tick(now?: Date): Promise<SenderTally> {
    this.running ??= this.drain(now)
      .catch((): SenderTally => ({ sent: 0, retried: 0, failed: 0 }))
      .finally(() => {
        this.running = undefined
      })
    return this.running
  }

  private async drain(now?: Date): Promise<SenderTally> {
    const tally: SenderTally = { sent: 0, retried: 0, failed: 0 }
    for (;;) {
      const at = now ?? new Date()
      const batch = await this.claim(at)
      const before = tally.retried + tally.failed
      await Promise.all(batch.map((m) => this.sendOne(m, at, tally)))
      // A full batch means more may be due; a failure in it means the relay is struggling, and a
      // message is tried at most once per tick either way.
      if (batch.length < BATCH || tally.retried + tally.failed > before) return tally
    }
  }

  private async claim(now: Date): Promise<Claimed[]> {
    const lease = new Date(now.getTime() + LEASE_MS)
    const { rows } = await sql<Claimed>`
      update mail_outbox o set locked_until = ${lease}, attempts = o.attempts + 1
      from mail_recipients r
      where o.id in (
        select id from mail_outbox
        where status = 'pending' and next_attempt_at <= ${now} and (locked_until is null or locked_until <= ${now})
        order by next_attempt_at, id limit ${BATCH}
        for update skip locked)
        and r.application_number = o.application_number
      returning o.id, o.kind, o.data, o.attempts, r.address, r.language`.execute(this.db)
    return rows
  }

  private async sendOne(m: Claimed, now: Date, tally: SenderTally): Promise<void> {
    const out = mailDb(this.db)
    try {
      const rendered = renderMail(m.kind, m.language, m.data, this.publicUrl)
      await this.transport.sendMail({ from: this.config.from, to: m.address, subject: rendered.subject, text: rendered.text, html: rendered.html, headers: { 'X-Qoltanba-Message': String(m.id) } })
      // The confirmation code has served its purpose once sent: it does not stay in the table.
      await out
        .updateTable('mail_outbox')
        .set({ status: 'sent', sent_at: new Date(), locked_until: null, last_error: null, data: sql`data - 'code'` as never })
        .where('id', '=', m.id)
        .execute()
      tally.sent++
      this.totals.sent++
    } catch (e) {
      const code = (e as { responseCode?: number }).responseCode
      const reason = `${code ? `${code} ` : ''}${e instanceof Error ? e.message : String(e)}`.slice(0, 500)
      const permanent = code !== undefined && code >= 500
      if (permanent || m.attempts >= this.config.maxAttempts) {
        await out.updateTable('mail_outbox').set({ status: 'failed', locked_until: null, last_error: reason }).where('id', '=', m.id).execute()
        tally.failed++
        this.totals.failed++
      } else {
        const delay = Math.min(MAX_DELAY_MS, this.config.retryBaseMs * 2 ** (m.attempts - 1))
        await out
          .updateTable('mail_outbox')
          .set({ locked_until: null, last_error: reason, next_attempt_at: new Date(now.getTime() + delay) })
          .where('id', '=', m.id)
          .execute()
        tally.retried++
        this.totals.retried++
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.running
    this.transport.close()
  }
}
