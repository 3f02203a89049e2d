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
import { isQoltanbaError } from '../../src/pki/errors.ts'
import { normalizeOrigin, parseLoginPayload, parseSignedData, verifyLoginCms, type LoginVerification } from '../../src/verifier/index.ts'
import { LoginErrorCode } from '../../src/verifier/errors.ts'
import { recordAudit } from '../audit/audit.ts'
import type { AppContext } from '../context.ts'
import { ApiError } from '../errors.ts'
import { consumeChallenge, createChallenge } from './challenges.ts'
import { cookieNames, readCookie, setCookie } from './cookies.ts'
import { sessionOf } from './require-session.ts'
import type { SessionRole } from './schema.ts'
import { createSession, DEFAULT_SESSION_POLICY, endSession, type SessionPolicy } from './sessions.ts'
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

/** Login refusals are 401 except malformed input (400). */
function refusal(e: unknown): unknown {
  if (!isQoltanbaError(e)) return e
  return new ApiError(e.code === LoginErrorCode.Malformed ? 400 : 401, e.code, e.message, e.details)
}

async function roleOf(ctx: AppContext, iin: string): Promise<SessionRole> {
  const op = await ctx.db.selectFrom('operators').select(['role', 'active']).where('iin', '=', iin).executeTakeFirst()
  return op?.active ? op.role : 'holder'
}

export async function authRoutes(app: FastifyInstance, opts: AuthRoutesOptions): Promise<void> {
  const { ctx } = opts
  const names = cookieNames(ctx.config.publicUrl)
  const origin = normalizeOrigin(ctx.config.publicUrl)
  const policy = opts.policy ?? DEFAULT_SESSION_POLICY
  const now = opts.now ?? (() => new Date())
  const limited = opts.rateLimit ? { config: { rateLimit: opts.rateLimit } } : {}

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
    const at = now()
    let parsed
    let nonce: string | undefined
    try {
      parsed = parseSignedData(req.body.cms)
      const content = parsed.content ?? (req.body.payload ? new Uint8Array(Buffer.from(req.body.payload, 'base64')) : undefined)
      if (content) nonce = parseLoginPayload(content).nonce
    } catch (e) {
      throw refusal(e)
    }
    const expected = await consumeChallenge(ctx.db, readCookie(req, names.prelogin), nonce, at)
    let result: LoginVerification
    try {
      const setup = await opts.setup()
      result = await verifyLoginCms({
        cms: req.body.cms,
        expectedPayload: expected,
        expectedOrigin: origin,
        trustAnchors: setup.trust,
        revocation: setup.revocation,
        now: at,
      })
    } catch (e) {
      if (isQoltanbaError(e)) {
        await recordAudit(ctx.db, {
          actor: 'anonymous',
          action: 'auth.login_refused',
          entityType: 'certificate',
          entityId: parsed.signer.serialHex,
          after: { code: e.code, subject: parsed.signer.subjectDn },
        })
      }
      throw refusal(e)
    }
    if (!result.iin) throw new ApiError(403, LoginErrorCode.AccountUnknown, 'the certificate names no IIN (SERIALNUMBER "IIN…")')
    const role = await roleOf(ctx, result.iin)
    const { id, session } = await ctx.db.transaction().execute(async (trx) => {
      const created = await createSession(
        trx,
        {
          iin: result.iin!,
          bin: result.bin ?? null,
          role,
          subjectDn: result.certificate.subject,
          certificateSerial: result.certificate.serialNumber,
          certificateIssuer: result.certificate.issuer,
        },
        at,
        policy,
      )
      await recordAudit(trx, {
        actor: role === 'holder' ? `person:${result.iin}` : `operator:${result.iin}`,
        action: 'auth.login',
        entityType: 'certificate',
        entityId: result.certificate.serialNumber,
        after: { role, bin: result.bin ?? null, issuer: result.certificate.issuer, revocation: result.revocation.source },
      })
      return created
    })
    // Rotate: a fresh session id, the old session (if any) and the pre-login cookie end here.
    await endSession(ctx.db, readCookie(req, names.session), at)
    setCookie(reply, names, names.prelogin, '', 0)
    setCookie(reply, names, names.session, id, Math.floor(policy.absoluteMs / 1000))
    return {
      iin: session.iin,
      bin: session.bin,
      role: session.role,
      subject: session.subject_dn,
      identity: result.identity,
      expiresAt: session.expires_at.toISOString(),
    }
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
    return { iin: s.iin, bin: s.bin, role: s.role, subject: s.subject_dn, expiresAt: s.expires_at.toISOString() }
  })
}
