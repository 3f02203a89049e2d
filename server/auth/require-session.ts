/**
 * preHandlers for routes behind certificate sign-in. `requireSession` admits any signed-in
 * certificate holder; `requireOperatorSession` also requires an active operator account for the
 * session's IIN (looked up on every request, so deactivation takes effect at once) and sets
 * `request.operator`. Certificate sign-in is the only way in: there are no API tokens.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { AppContext } from '../context.ts'
import type { Operator, OperatorRole } from '../db/schema.ts'
import { ApiError } from '../errors.ts'
import { LoginErrorCode } from '../../src/verifier/errors.ts'
import { cookieNames, readCookie } from './cookies.ts'
import { operatorAccountOf } from './queries.ts'
import type { AuthSession } from './schema.ts'
import { DEFAULT_SESSION_POLICY, findSession, type SessionPolicy } from './sessions.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by requireSession / requireOperatorSession. */
    authSession?: AuthSession
    /** The active operator account, set by requireOperatorSession. */
    operator?: Operator
  }
}

/** Options shared by the guards (tests inject a clock). */
export interface SessionGuardOptions {
  readonly policy?: SessionPolicy
  readonly now?: () => Date
}

/** The live session of this request, or undefined (no cookie, unknown, ended, expired). */
export async function sessionOf(ctx: AppContext, req: FastifyRequest, opts: SessionGuardOptions = {}): Promise<AuthSession | undefined> {
  const names = cookieNames(ctx.config.publicUrl)
  return findSession(ctx.db, readCookie(req, names.session), (opts.now ?? (() => new Date()))(), opts.policy ?? DEFAULT_SESSION_POLICY)
}

/** 401 ERR_SESSION_REQUIRED unless the request carries a live session. */
export function requireSession(ctx: AppContext, opts: SessionGuardOptions = {}): preHandlerAsyncHookHandler {
  return async function requireSessionHandler(req: FastifyRequest, reply: FastifyReply) {
    reply.header('Cache-Control', 'no-store')
    const session = await sessionOf(ctx, req, opts)
    if (!session) throw new ApiError(401, LoginErrorCode.SessionRequired, 'sign in with a certificate first')
    req.authSession = session
  }
}

/** Like requireSession, plus an active operator account with one of `roles` (403 ERR_FORBIDDEN otherwise). */
export function requireOperatorSession(
  ctx: AppContext,
  roles: readonly OperatorRole[] = ['operator', 'admin'],
  opts: SessionGuardOptions = {},
): preHandlerAsyncHookHandler {
  const base = requireSession(ctx, opts)
  return async function requireOperatorSessionHandler(this: unknown, req: FastifyRequest, reply: FastifyReply) {
    await base.call(this as never, req, reply)
    const op = await operatorAccountOf(ctx.db, req.authSession!.iin)
    if (!op || !op.active || !roles.includes(op.role)) throw new ApiError(403, LoginErrorCode.Forbidden, 'this account may not use the operator console')
    req.operator = op
  }
}
