/**
 * The personal cabinet's lists, behind certificate sign-in: my certificates and my applications
 * as the Registration Center knows them, matched by the IIN of the sign-in certificate. (Who I am,
 * GET /api/v1/me, is the session's and stays in server/auth/me-routes.ts.)
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { requireSession, type SessionGuardOptions } from '../auth/require-session.ts'
import { applicationsOfPerson, certificatesOfPerson } from './queries.ts'
import { certificateView } from './views.ts'

export async function cabinetRoutes(app: FastifyInstance, opts: { ctx: AppContext } & SessionGuardOptions): Promise<void> {
  const { ctx } = opts
  app.addHook('preHandler', requireSession(ctx, opts))

  app.get('/api/v1/me/certificates', async (req) => {
    const rows = await certificatesOfPerson(ctx.db, req.authSession!.iin)
    return { certificates: rows.map(certificateView) }
  })

  app.get('/api/v1/me/applications', async (req) => {
    const rows = await applicationsOfPerson(ctx.db, req.authSession!.iin)
    return {
      applications: rows.map((a) => ({
        number: a.number,
        status: a.status,
        profile: a.profile,
        storage: a.storage,
        bin: a.bin,
        organization: a.organization,
        // The applicant as submitted: the cabinet prints the application form from these.
        surname: a.surname,
        name: a.name,
        patronymic: a.patronymic,
        email: a.email,
        region: a.region,
        city: a.city,
        createdAt: a.created_at.toISOString(),
        expiresAt: a.expires_at.toISOString(),
        statusChangedAt: a.status_changed_at.toISOString(),
      })),
    }
  })
}
