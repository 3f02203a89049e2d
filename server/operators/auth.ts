/**
 * `requireOperator`: the preHandler of every operator endpoint. Accepts `Authorization: Bearer
 * <token>` (see token.ts) for an active operator account and puts it on `request.operator`.
 * Certificate sign-in will add a session check here; routes do not change.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { AppContext } from '../context.ts'
import type { Operator, OperatorRole } from '../db/schema.ts'
import { forbidden, unauthorized } from '../errors.ts'
import { verifyOperatorToken } from './token.ts'

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
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
    if (!m?.[1]) throw unauthorized('operator authentication required')
    const payload = verifyOperatorToken(ctx.keys.operatorToken, m[1])
    if (!payload) throw unauthorized('invalid or expired operator token')
    const op = await ctx.db.selectFrom('operators').selectAll().where('iin', '=', payload.sub).executeTakeFirst()
    if (!op || !op.active) throw forbidden('no active operator account for this token')
    if (!roles.includes(op.role)) throw forbidden('this operator role may not do that')
    req.operator = op
  }
}
