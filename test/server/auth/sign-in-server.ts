/**
 * A minimal Fastify app with the sign-in routes, a test database and an OpenSSL-made PKI, with
 * an injectable clock; shared by the sign-in server tests.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { AppContext } from '../../../server/context.ts'
import { installErrorHandler } from '../../../server/errors.ts'
import { authRoutes } from '../../../server/auth/routes.ts'
import { meRoutes } from '../../../server/auth/me-routes.ts'
import { cabinetRoutes } from '../../../server/applications/cabinet-routes.ts'
import { requireOperatorSession } from '../../../server/auth/require-session.ts'
import { createSignInSetup } from '../../../server/auth/sign-in-setup.ts'
import { openTestDatabase, type Engine, type TestDatabase } from '../helpers/database.ts'
import type { SignInPki } from '../../verifier/helpers/signin-pki.ts'

export interface SignInServer {
  readonly app: FastifyInstance
  readonly t: TestDatabase
  readonly ctx: AppContext
  /** Moves the server clock. */
  clock: { offsetMs: number }
  close(): Promise<void>
}

export async function startSignInServer(engine: Engine, pki: SignInPki, publicUrl = 'https://rc.example.kz'): Promise<SignInServer> {
  const t = await openTestDatabase(engine)
  const clock = { offsetMs: 0 }
  const now = () => new Date(Date.now() + clock.offsetMs)
  const ctx = {
    config: { publicUrl, rateLimit: { submitMax: 10_000, windowMs: 60_000 } },
    db: t.db,
    getCa: async () => {
      throw new Error('no CA in this test')
    },
  } as unknown as AppContext
  const rootCrl = pki.pki.crl(pki.ownRoot)
  const setup = createSignInSetup({
    db: t.db,
    ownCa: { root: pki.ownRoot.der, issuing: [pki.ownIssuing.der], rootCrl: () => rootCrl },
    extraAnchors: [pki.foreignRoot.der],
    timeoutMs: 2000,
  })
  const app = Fastify({ logger: false })
  installErrorHandler(app)
  await app.register(authRoutes, { ctx, setup: async () => setup, now })
  await app.register(meRoutes, { ctx, now })
  await app.register(cabinetRoutes, { ctx, now })
  await app.register(async (scope) => {
    scope.addHook('preHandler', requireOperatorSession(ctx, ['operator', 'admin'], { now }))
    scope.get('/api/v1/operator/whoami', async (req) => ({ iin: req.operator!.iin, role: req.operator!.role }))
  })
  await app.ready()
  return {
    app,
    t,
    ctx,
    clock,
    async close() {
      await app.close()
      await t.close()
    },
  }
}
