/**
 * The end of every certificate sign-in over HTTP — the browser's own (POST /api/v1/auth/login) and
 * a phone's completed for the requesting browser (POST /api/v1/handoffs/:id/complete): verify,
 * then rotate (a fresh session id; the old session, if any, and the pre-login cookie end here) and
 * answer who signed in.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/schema.ts'
import { readCookie, setCookie, type CookieNames } from './cookies.ts'
import type { LoginService, SignInRequest } from './login.ts'
import { personNameFromDn } from './person-name.ts'
import { endSession, type SessionPolicy } from './sessions.ts'

export interface SessionStart {
  readonly db: Db
  readonly login: LoginService
  readonly names: CookieNames
  readonly policy: SessionPolicy
}

export async function startSession(
  { db, login, names, policy }: SessionStart,
  req: FastifyRequest,
  reply: FastifyReply,
  signed: Pick<SignInRequest, 'cms' | 'payload'>,
  at: Date,
) {
  const { id, session, verification } = await login.signIn(
    { ...signed, preloginId: readCookie(req, names.prelogin), userAgent: req.headers['user-agent'] },
    at,
  )
  await endSession(db, readCookie(req, names.session), at)
  setCookie(reply, names, names.prelogin, '', 0)
  setCookie(reply, names, names.session, id, Math.floor(policy.absoluteMs / 1000))
  return {
    iin: session.iin,
    bin: session.bin,
    role: session.role,
    subject: session.subject_dn,
    name: personNameFromDn(session.subject_dn),
    identity: verification.identity,
    expiresAt: session.expires_at.toISOString(),
  }
}
