/**
 * Certificate sign-in API:
 * - POST /api/v1/auth/challenge → { nonce, payload (base64 of the exact bytes to sign), origin, expiresAt },
 *   binding the challenge to a pre-login cookie;
 * - POST /api/v1/auth/login { cms } → a session cookie (rotated: a fresh id, the pre-login cookie dropped);
 * - POST /api/v1/auth/logout → ends the session;
 * - GET /api/v1/auth/session → the current session, or 401.
 * Every refusal has its own code (src/verifier/errors.ts); logins and refusals are audited.
 */
import type { FastifyInstance } from 'fastify'
import { normalizeOrigin } from '../../src/verifier/index.ts'
import { LoginErrorCode } from '../../src/verifier/errors.ts'
import { recordAudit } from '../audit/audit.ts'
import type { AppContext } from '../context.ts'
import { ApiError } from '../errors.ts'
import { createChallenge } from './challenges.ts'
import { cookieNames, readCookie, setCookie } from './cookies.ts'
import { createLoginService } from './login.ts'
import { personNameFromDn } from './person-name.ts'
import { startSession } from './session-start.ts'
import { sessionOf } from './require-session.ts'
import { DEFAULT_SESSION_POLICY, endSession, type SessionPolicy } from './sessions.ts'
import type { SignInSetup } from './sign-in-setup.ts'
import { isTokenShaped, randomToken } from './tokens.ts'

export interface AuthRoutesOptions {
  readonly ctx: AppContext
  /** Trust and revocation (built lazily by buildApp: our CA may load after start). */
  readonly setup: () => Promise<SignInSetup>
  readonly policy?: SessionPolicy
  /** Clock (tests move it to expire challenges). */
  readonly now?: () => Date
  /** Per-IP limit of challenge + login requests. */
  readonly rateLimit?: { readonly max: number; readonly timeWindow: number }
}

const loginBody = {
  type: 'object',
  required: ['cms'],
  additionalProperties: false,
  properties: {
    /** Base64 DER or PEM text. */
    cms: { type: 'string', minLength: 16, maxLength: 350_000 },
    /** Base64 of the signed bytes, for a detached CMS (optional: the stored payload is used anyway). */
    payload: { type: 'string', maxLength: 4096 },
  },
} as const

export async function authRoutes(app: FastifyInstance, opts: AuthRoutesOptions): Promise<void> {
  const { ctx } = opts
  const names = cookieNames(ctx.config.publicUrl)
  const origin = normalizeOrigin(ctx.config.publicUrl)
  const policy = opts.policy ?? DEFAULT_SESSION_POLICY
  const now = opts.now ?? (() => new Date())
  const limited = opts.rateLimit ? { config: { rateLimit: opts.rateLimit } } : {}
  const login = createLoginService({ db: ctx.db, setup: opts.setup, policy, origin, mail: ctx.mail })

  app.post('/api/v1/auth/challenge', limited, async (req, reply) => {
    reply.header('Cache-Control', 'no-store')
    let prelogin = readCookie(req, names.prelogin)
    if (!isTokenShaped(prelogin)) {
      prelogin = randomToken()
      setCookie(reply, names, names.prelogin, prelogin, 600)
    }
    const challenge = await createChallenge(ctx.db, prelogin, origin, now())
    return {
      nonce: challenge.nonce,
      payload: Buffer.from(challenge.bytes).toString('base64'),
      origin: challenge.payload.origin,
      issuedAt: challenge.payload.issuedAt,
      expiresAt: challenge.payload.expiresAt,
    }
  })

  app.post<{ Body: { cms: string; payload?: string } }>('/api/v1/auth/login', { ...limited, schema: { body: loginBody } }, async (req, reply) => {
    reply.header('Cache-Control', 'no-store')
    const signed = { cms: req.body.cms, ...(req.body.payload ? { payload: new Uint8Array(Buffer.from(req.body.payload, 'base64')) } : {}) }
    return startSession({ db: ctx.db, login, names, policy }, req, reply, signed, now())
  })

  app.post('/api/v1/auth/logout', async (req, reply) => {
    reply.header('Cache-Control', 'no-store')
    const ended = await endSession(ctx.db, readCookie(req, names.session), now())
    if (ended) {
      await recordAudit(ctx.db, {
        actor: ended.role === 'holder' ? `person:${ended.iin}` : `operator:${ended.iin}`,
        action: 'auth.logout',
        entityType: 'certificate',
        entityId: ended.certificate_serial,
      })
    }
    setCookie(reply, names, names.session, '', 0)
    return reply.code(204).send()
  })

  app.get('/api/v1/auth/session', async (req, reply) => {
    reply.header('Cache-Control', 'no-store')
    const s = await sessionOf(ctx, req, { policy, now })
    if (!s) throw new ApiError(401, LoginErrorCode.SessionRequired, 'not signed in')
    return { iin: s.iin, bin: s.bin, role: s.role, subject: s.subject_dn, name: personNameFromDn(s.subject_dn), expiresAt: s.expires_at.toISOString() }
  })
}
