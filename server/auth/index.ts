/**
 * Certificate sign-in for the Registration Center: wires the challenge/login/logout routes and
 * GET /api/v1/me into the app, with trust built from our CA and TRUST_ANCHORS_DIR.
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { loadAuthConfig, loadTrustAnchorFiles, type AuthConfig } from './auth-config.ts'
import { meRoutes } from './me-routes.ts'
import { authRoutes } from './routes.ts'
import { createSignInSetup, type SignInSetup } from './sign-in-setup.ts'

export { requireSession, requireOperatorSession, sessionOf } from './require-session.ts'
export { createSignInSetup, type SignInSetup } from './sign-in-setup.ts'
export { databaseRevocationChecker } from './db-revocation.ts'
export { loadAuthConfig, loadTrustAnchorFiles, type AuthConfig } from './auth-config.ts'

/**
 * Builds the setup on first use and again after a failure, so a CA that loads late (or not at
 * all: then only TRUST_ANCHORS_DIR is trusted) never blocks start-up.
 */
export function lazySignInSetup(ctx: AppContext, config: AuthConfig): () => Promise<SignInSetup> {
  let pending: Promise<SignInSetup> | undefined
  return () => {
    pending ??= (async () => {
      const extraAnchors = config.trustAnchorsDir ? loadTrustAnchorFiles(config.trustAnchorsDir) : []
      let ownCa: { root: Uint8Array; issuing: Uint8Array[]; rootCrl: () => Uint8Array } | undefined
      try {
        const ca = await ctx.getCa()
        // The root CRL is asked for on each check: the CA replaces it when it re-signs it.
        ownCa = { root: new Uint8Array(ca.hierarchy.root.der), issuing: [new Uint8Array(ca.hierarchy.issuing.der)], rootCrl: () => ca.rootCrl().der }
      } catch {
        ownCa = undefined
      }
      // Without our CA, build again next time: it may be configured by then.
      if (!ownCa) pending = undefined
      return createSignInSetup({ db: ctx.db, extraAnchors, timeoutMs: config.revocationTimeoutMs, ...(ownCa ? { ownCa } : {}) })
    })().catch((e: unknown) => {
      pending = undefined
      throw e
    })
    return pending
  }
}

/** Registers sign-in and GET /api/v1/me (called by buildApp; the cabinet's lists are server/applications/cabinet-routes.ts). */
export async function registerSignIn(app: FastifyInstance, ctx: AppContext, config: AuthConfig = loadAuthConfig()): Promise<void> {
  const rateLimit = { max: ctx.config.rateLimit.submitMax * 2, timeWindow: ctx.config.rateLimit.windowMs }
  await app.register(authRoutes, { ctx, setup: lazySignInSetup(ctx, config), policy: config.session, rateLimit })
  await app.register(meRoutes, { ctx, policy: config.session })
}
