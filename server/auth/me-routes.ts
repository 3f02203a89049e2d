/**
 * The personal cabinet API, behind certificate sign-in: who I am, my certificates and my
 * applications as the Registration Center knows them (matched by the IIN of the sign-in certificate).
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { certificateView } from '../applications/views.ts'
import { requireSession, type SessionGuardOptions } from './require-session.ts'

export async function meRoutes(app: FastifyInstance, opts: { ctx: AppContext } & SessionGuardOptions): Promise<void> {
  const { ctx } = opts
  app.addHook('preHandler', requireSession(ctx, opts))

  app.get('/api/v1/me', async (req) => {
    const s = req.authSession!
    const op = await ctx.db.selectFrom('operators').select(['surname', 'name', 'patronymic', 'role', 'active']).where('iin', '=', s.iin).executeTakeFirst()
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

  app.get('/api/v1/me/certificates', async (req) => {
    const rows = await ctx.db.selectFrom('certificates').selectAll().where('iin', '=', req.authSession!.iin).orderBy('created_at', 'desc').limit(500).execute()
    return { certificates: rows.map(certificateView) }
  })

  app.get('/api/v1/me/applications', async (req) => {
    const rows = await ctx.db
      .selectFrom('applications')
      .select(['number', 'status', 'profile', 'storage', 'bin', 'organization', 'region', 'created_at', 'expires_at', 'status_changed_at'])
      .where('iin', '=', req.authSession!.iin)
      .orderBy('created_at', 'desc')
      .limit(500)
      .execute()
    return {
      applications: rows.map((a) => ({
        number: a.number,
        status: a.status,
        profile: a.profile,
        storage: a.storage,
        bin: a.bin,
        organization: a.organization,
        region: a.region,
        createdAt: a.created_at.toISOString(),
        expiresAt: a.expires_at.toISOString(),
        statusChangedAt: a.status_changed_at.toISOString(),
      })),
    }
  })
}
