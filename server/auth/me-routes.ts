/**
 * GET /api/v1/me, behind certificate sign-in: who I am — the session's person, the certificate
 * used and, for an active operator account, its name and role. The cabinet's lists (my
 * certificates, my applications) are the applications feature's: server/applications/cabinet-routes.ts.
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { operatorAccountOf } from './queries.ts'
import { requireSession, type SessionGuardOptions } from './require-session.ts'

export async function meRoutes(app: FastifyInstance, opts: { ctx: AppContext } & SessionGuardOptions): Promise<void> {
  const { ctx } = opts
  app.addHook('preHandler', requireSession(ctx, opts))

  app.get('/api/v1/me', async (req) => {
    const s = req.authSession!
    const op = await operatorAccountOf(ctx.db, s.iin)
    return {
      iin: s.iin,
      bin: s.bin,
      role: s.role,
      subject: s.subject_dn,
      signedInWith: { serial: s.certificate_serial, issuer: s.certificate_issuer },
      signedInAt: s.created_at.toISOString(),
      expiresAt: s.expires_at.toISOString(),
      operator: op?.active ? { surname: op.surname, name: op.name, patronymic: op.patronymic, role: op.role } : null,
    }
  })
}
