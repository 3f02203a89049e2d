/**
 * `requireOperator`: the preHandler of every operator endpoint. Accepts either
 * `Authorization: Bearer <token>` (CLI-made, see token.ts) or the certificate sign-in session
 * cookie, for an active operator account, and puts the account on `request.operator`.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { AppContext } from '../context.ts'
import type { Operator, OperatorRole } from '../db/schema.ts'
import { forbidden, unauthorized } from '../errors.ts'
import { verifyOperatorToken } from './token.ts'
import { sessionOf } from '../auth/require-session.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by requireOperator. */
    operator?: Operator
  }
}

/** Builds the preHandler; `roles` limits it further (default: any operator role). */
export function requireOperator(ctx: AppContext, roles: readonly OperatorRole[] = ['operator', 'admin']): preHandlerAsyncHookHandler {
  return async function requireOperatorHandler(req: FastifyRequest, reply: FastifyReply) {
    reply.header('Cache-Control', 'no-store')
    const header = req.headers.authorization
    let iin: string
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header)
      const payload = m?.[1] ? verifyOperatorToken(ctx.keys.operatorToken, m[1]) : undefined
      if (!payload) throw unauthorized('invalid or expired operator token')
      iin = payload.sub
    } else {
      const session = await sessionOf(ctx, req)
      if (!session) throw unauthorized('operator authentication required')
      req.authSession = session
      iin = session.iin
    }
    const op = await ctx.db.selectFrom('operators').selectAll().where('iin', '=', iin).executeTakeFirst()
    if (!op || !op.active) throw forbidden('no active operator account for this token')
    if (!roles.includes(op.role)) throw forbidden('this operator role may not do that')
    req.operator = op
  }
}
