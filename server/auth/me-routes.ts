/**
 * Who I am and where I am signed in, behind certificate sign-in:
 * - GET /api/v1/me: the session's person (name read from the certificate, IIN), the certificate
 *   used and, for an active operator account, its name and role;
 * - GET /api/v1/me/sessions: my live sessions (device, signed in at, last seen), this one marked;
 * - DELETE /api/v1/me/sessions/:ref: ends one of my sessions (this one too: then the cookie goes);
 * - DELETE /api/v1/me/sessions/others: ends all my sessions but this one.
 * A person reaches only sessions of their own IIN. The cabinet's lists (my certificates, my
 * applications) are the applications feature's: server/applications/cabinet-routes.ts.
 */
import type { FastifyInstance } from 'fastify'
import { recordAudits } from '../audit/audit.ts'
import type { AppContext } from '../context.ts'
import { notFound } from '../errors.ts'
import { cookieNames, setCookie } from './cookies.ts'
import { personNameFromDn } from './person-name.ts'
import { operatorAccountOf } from './queries.ts'
import { requireSession, type SessionGuardOptions } from './require-session.ts'
import type { AuthSession } from './schema.ts'
import { DEFAULT_SESSION_POLICY, endSessionsOf, liveSessionsOf, sessionRef } from './sessions.ts'

const refParams = {
  type: 'object',
  required: ['ref'],
  additionalProperties: false,
  properties: { ref: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' } },
} as const

export async function meRoutes(app: FastifyInstance, opts: { ctx: AppContext } & SessionGuardOptions): Promise<void> {
  const { ctx } = opts
  const policy = opts.policy ?? DEFAULT_SESSION_POLICY
  const now = opts.now ?? (() => new Date())
  const names = cookieNames(ctx.config.publicUrl)
  app.addHook('preHandler', requireSession(ctx, opts))

  /** Ends the person's sessions that `pick` chooses, with one logout audit row each, in one transaction. */
  function endMine(me: AuthSession, pick: (s: AuthSession) => boolean): Promise<AuthSession[]> {
    return ctx.db.transaction().execute(async (trx) => {
      const ended = await endSessionsOf(trx, me.iin, pick, now(), policy)
      await recordAudits(
        trx,
        ended.map((s) => ({
          actor: s.role === 'holder' ? `person:${s.iin}` : `operator:${s.iin}`,
          action: 'auth.logout',
          entityType: 'certificate',
          entityId: s.certificate_serial,
          after: { endedFrom: s.id_hash === me.id_hash ? 'this session' : 'another session' },
        })),
      )
      return ended
    })
  }

  app.get('/api/v1/me', async (req) => {
    const s = req.authSession!
    const op = await operatorAccountOf(ctx.db, s.iin)
    return {
      iin: s.iin,
      bin: s.bin,
      role: s.role,
      name: personNameFromDn(s.subject_dn),
      subject: s.subject_dn,
      signedInWith: { serial: s.certificate_serial, issuer: s.certificate_issuer },
      signedInAt: s.created_at.toISOString(),
      expiresAt: s.expires_at.toISOString(),
      operator: op?.active ? { surname: op.surname, name: op.name, patronymic: op.patronymic, role: op.role } : null,
    }
  })

  app.get('/api/v1/me/sessions', async (req) => {
    const me = req.authSession!
    const sessions = await liveSessionsOf(ctx.db, me.iin, now(), policy)
    return {
      sessions: sessions.map((s) => ({
        ref: sessionRef(s),
        current: s.id_hash === me.id_hash,
        userAgent: s.user_agent,
        role: s.role,
        signedInAt: s.created_at.toISOString(),
        lastSeenAt: s.last_seen_at.toISOString(),
        expiresAt: s.expires_at.toISOString(),
      })),
    }
  })

  app.delete('/api/v1/me/sessions/others', async (req) => {
    const me = req.authSession!
    const ended = await endMine(me, (s) => s.id_hash !== me.id_hash)
    return { ended: ended.length }
  })

  app.delete<{ Params: { ref: string } }>('/api/v1/me/sessions/:ref', { schema: { params: refParams } }, async (req, reply) => {
    const me = req.authSession!
    const ended = await endMine(me, (s) => sessionRef(s) === req.params.ref)
    if (ended.length === 0) throw notFound('no live session of yours has this reference')
    if (ended.some((s) => s.id_hash === me.id_hash)) setCookie(reply, names, names.session, '', 0)
    return reply.code(204).send()
  })
}
