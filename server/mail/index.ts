/**
 * installMail(app, ctx, config): the confirmation and settings routes; with mail on, this
 * instance's sender loop and the daily expiry reminders (a singleton job: one instance queues,
 * the dedupe key makes a repeat harmless anyway). Stopped when the app closes.
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { SingletonJob } from '../ops/singleton-job.ts'
import { mailEnabled, type MailConfig } from './config.ts'
import { queueExpiryReminders } from './expiry-reminders.ts'
import { mailRoutes } from './routes.ts'
import { MailSender } from './sender.ts'

export { loadMailConfig, mailEnabled, type MailConfig } from './config.ts'
export { addRecipient, enqueueForApplication, enqueueForCertificate } from './outbox.ts'
export { mailOpenApi } from './openapi.ts'
export { queueExpiryReminders } from './expiry-reminders.ts'
export { MailSender } from './sender.ts'

export interface MailRuntime {
  readonly config: MailConfig
  /** This instance's sender; undefined when mail is off or the loop is not started. */
  readonly sender: MailSender | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    qoltanbaMail: MailRuntime
  }
}

export interface InstallMailOptions {
  /** Start the sender loop and the expiry job (default true; tests drive them by hand). */
  readonly start?: boolean
}

export async function installMail(app: FastifyInstance, ctx: AppContext, config: MailConfig, options: InstallMailOptions = {}): Promise<void> {
  await app.register(mailRoutes, { ctx, config })
  let sender: MailSender | undefined
  if (mailEnabled(config)) {
    sender = new MailSender(ctx.db, config, ctx.config.publicUrl)
    const expiry = new SingletonJob({ name: 'mail-expiry-reminders', intervalMs: config.expiryCheckMs, databaseUrl: ctx.config.databaseUrl, run: async () => void (await queueExpiryReminders(ctx.db)) })
    if (options.start !== false) {
      app.addHook('onReady', async () => {
        sender?.start()
        expiry.start()
      })
    }
    app.addHook('onClose', async () => {
      await expiry.stop()
      await sender?.stop()
    })
  }
  app.decorate('qoltanbaMail', { config, sender })
}
