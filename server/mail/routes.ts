/**
 * POST /api/v1/applications/:number/email/confirm (the code from the confirmation message),
 * POST /api/v1/applications/:number/email/resend (a new code; the applicant's access code in
 * X-Access-Code, as for the application's status) and GET /api/v1/mail/settings (whether this deployment sends e-mail, for the wizard and the cabinet).
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { normalizeApplicationNumber } from '../applications/number.ts'
import { findByAccessCode } from '../applications/service.ts'
import { ApiErrorCode, notFound } from '../errors.ts'
import { mailEnabled, type MailConfig } from './config.ts'
import { confirmAddress, resendConfirmation } from './confirmation.ts'

export interface MailSettingsView {
  readonly enabled: boolean
  readonly newDeviceSignIn: boolean
}

export async function mailRoutes(app: FastifyInstance, opts: { ctx: AppContext; config: MailConfig }): Promise<void> {
  app.get('/api/v1/mail/settings', async (_req, reply): Promise<MailSettingsView> => {
    void reply.header('cache-control', 'no-store')
    return { enabled: mailEnabled(opts.config), newDeviceSignIn: mailEnabled(opts.config) && opts.config.newDeviceSignIn }
  })

  app.post<{ Params: { number: string }; Body: { code: string } }>(
    '/api/v1/applications/:number/email/confirm',
    {
      schema: {
        params: { type: 'object', required: ['number'], properties: { number: { type: 'string', maxLength: 32 } } },
        body: { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', pattern: '^[0-9]{6}$' } } },
      },
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const number = normalizeApplicationNumber(req.params.number)
      if (!number) throw notFound('no e-mail address waits for confirmation under this application number', ApiErrorCode.MailNotRequested)
      void reply.header('cache-control', 'no-store')
      return confirmAddress(opts.ctx.db, opts.ctx.keys.accessCodePepper, number, req.body.code)
    },
  )

  app.post<{ Params: { number: string } }>(
    '/api/v1/applications/:number/email/resend',
    {
      schema: { params: { type: 'object', required: ['number'], properties: { number: { type: 'string', maxLength: 32 } } } },
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      void reply.header('cache-control', 'no-store')
      const code = req.headers['x-access-code']
      const a = await findByAccessCode(opts.ctx, req.params.number, typeof code === 'string' && code.length <= 64 ? code : undefined)
      return resendConfirmation(opts.ctx.db, opts.ctx.keys.accessCodePepper, a.number, opts.config.resendCooldownMs)
    },
  )
}
