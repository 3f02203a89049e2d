/**
 * A real SMTP server (smtp-server) receiving into memory, for the mail tests and the bench: it
 * can be stopped and started again on the same port (a relay that is down for a while), and
 * refuses RCPT TO for addresses at unknown.invalid with 550 (a bounce).
 */
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  readonly to: string
  readonly subject: string
  readonly text: string
  readonly html: string
  readonly messageId: string
}

export class SmtpInbox {
  readonly messages: ReceivedMail[] = []
  private server: SMTPServer | undefined
  port = 0

  /** Starts listening (again) on 127.0.0.1, on the previous port when there was one. */
  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // A stop must not wait for the sender's pooled connections to go idle.
      closeTimeout: 50,
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (address.address.endsWith('@unknown.invalid')) {
          const err = new Error('no such user') as Error & { responseCode: number }
          err.responseCode = 550
          callback(err)
        } else callback()
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((m) => {
            this.messages.push({
              to: session.envelope.rcptTo.map((r) => r.address).join(','),
              subject: m.subject ?? '',
              text: m.text ?? '',
              html: typeof m.html === 'string' ? m.html : '',
              messageId: String(m.headers.get('x-qoltanba-message') ?? ''),
            })
            callback()
          })
          .catch(callback)
      },
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.server.address() as { port: number }).port
    this.server = server
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`
  }

  /** Stops listening and drops open connections (the relay goes down). */
  async stop(): Promise<void> {
    const s = this.server
    this.server = undefined
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
  }

  /** Messages to `address`, oldest first. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to === address)
  }
}
