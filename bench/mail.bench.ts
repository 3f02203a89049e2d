/**
 * Mail bench (`npm run bench -- mail`), against a local SMTP server (smtp-server in memory):
 * 1. messages queued per second (outbox rows written by enqueueForApplication, one transaction each);
 * 2. messages sent per second by one sender draining the outbox;
 * 3. issuance (operator approvals through the HTTP routes) with mail on and the sender loop
 *    running vs mail off, same run, alternating rounds — target: mail on ≥ 80 % of mail off.
 * MAIL_BENCH_QUICK=1 shrinks the sizes. PGlite in memory; BENCH_ENGINE=postgres for PostgreSQL.
 */
import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { enqueueForApplication } from '../server/mail/outbox.ts'
import { mailDb } from '../server/mail/schema.ts'
import { MailSender } from '../server/mail/sender.ts'
import { startTestServer, type TestServer } from '../test/server/helpers/app.ts'
import { opensslCsr } from '../test/server/helpers/csr.ts'
import type { Engine } from '../test/server/helpers/database.ts'
import { testMailConfig } from '../test/server/mail/mail-config.ts'
import { SmtpInbox } from '../test/server/mail/smtp-inbox.ts'

const quick = process.env.MAIL_BENCH_QUICK === '1'
const engine = (process.env.BENCH_ENGINE === 'postgres' ? 'postgres' : 'pglite') as Engine
const IIN = '900101300017'

async function submitMany(s: TestServer, n: number, confirm: boolean): Promise<string[]> {
  const numbers: string[] = []
  for (let i = 0; i < n; i++) {
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'idempotency-key': randomUUID() },
      payload: { profile: 'individual', iin: IIN, email: `bench${i}@example.kz`, language: 'ru', region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: opensslCsr('p256').pem }, { purpose: 'sign', csr: opensslCsr('p256').pem }] },
    })
    if (r.statusCode !== 201) throw new Error(`submit: ${r.statusCode} ${r.body}`)
    numbers.push(r.json().number)
  }
  // Confirmed addresses: the approvals' messages are due at once, so the sender works during the timing.
  if (confirm) await mailDb(s.t.db).updateTable('mail_recipients').set({ confirmed_at: new Date() }).execute()
  return numbers
}

async function approveAll(s: TestServer, cookie: string, numbers: readonly string[], inFlight: number): Promise<number> {
  const queue = [...numbers]
  const started = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let n = queue.shift(); n; n = queue.shift()) {
        const r = await s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${n}/approve`, headers: { cookie }, payload: { identityChecked: true } })
        if (r.statusCode !== 200) throw new Error(`approve: ${r.statusCode} ${r.body}`)
      }
    }),
  )
  return numbers.length / ((performance.now() - started) / 1000)
}

export async function run(): Promise<void> {
  const inbox = new SmtpInbox()
  await inbox.start()
  const on = await startTestServer(engine, {}, { mail: { ...testMailConfig(inbox.url, { pollMs: 50 }), start: true } as never })
  const off = await startTestServer(engine, {}, { mail: testMailConfig(undefined) })
  try {
    console.info(`engine ${engine}; load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`)
    const rounds = quick ? 2 : 4
    const perRound = quick ? 10 : 25
    const [cookieOn, cookieOff] = [await on.operatorCookie(), await off.operatorCookie()]
    const prepared = { on: [] as string[][], off: [] as string[][] }
    for (let r = 0; r < rounds; r++) {
      prepared.on.push(await submitMany(on, perRound, true))
      prepared.off.push(await submitMany(off, perRound, false))
    }
    // Let the sender send the confirmations and "received" messages before timing.
    await on.app.qoltanbaMail.sender!.tick()
    const rates = { on: [] as number[], off: [] as number[] }
    for (let r = 0; r < rounds; r++) {
      // Alternate which goes first so drift on a shared machine hits both alike.
      const order = r % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)
      for (const which of order) rates[which].push(await approveAll(which === 'on' ? on : off, which === 'on' ? cookieOn : cookieOff, prepared[which][r]!, 4))
    }
    await on.app.qoltanbaMail.sender!.tick()
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length
    const [rOn, rOff] = [mean(rates.on), mean(rates.off)]
    console.info(`issuance (HTTP approve, 4 in flight, ${rounds}×${perRound}): mail off ${rOff.toFixed(1)}/s | mail on + sender running ${rOn.toFixed(1)}/s → ${((100 * rOn) / rOff).toFixed(0)} % (target ≥ 80 %)`)

    // Queue and send rates on the mail-on server's database.
    const numbers = prepared.on.flat()
    const queueN = quick ? 300 : 2000
    // The server's loop stops; a sender of its own drains the outbox in one timed go.
    await on.app.qoltanbaMail.sender!.stop()
    const sender = new MailSender(on.t.db, testMailConfig(inbox.url) as never, on.config.publicUrl)
    let t0 = performance.now()
    for (let i = 0; i < queueN; i++) await on.t.db.transaction().execute((trx) => enqueueForApplication(trx, numbers[i % numbers.length]!, 'received', {}))
    const queued = queueN / ((performance.now() - t0) / 1000)
    const before = inbox.messages.length
    t0 = performance.now()
    const tally = await sender.tick()
    const sent = tally.sent / ((performance.now() - t0) / 1000)
    await sender.stop()
    console.info(`outbox: ${queued.toFixed(0)} messages queued/s (one transaction each) | sender: ${sent.toFixed(0)} messages sent/s to the local SMTP server (${tally.sent} sent, ${tally.retried} retried, ${tally.failed} failed; received ${inbox.messages.length - before})`)
  } finally {
    await on.close()
    await off.close()
    await inbox.stop()
  }
}
