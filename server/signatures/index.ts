/** Signed documents checked by anyone: POST /api/v1/signatures/verify (see README.md). */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { lazySignInSetup, loadAuthConfig, type AuthConfig } from '../auth/index.ts'
import { serviceCertificateChecker } from './service-certificates.ts'
import { signatureRoutes, type SignatureRouteOptions } from './verify-route.ts'

export { signaturesOpenApi } from './openapi.ts'
export { signatureRoutes, DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_SIGNATURE_BYTES } from './verify-route.ts'

/** Registers the route with the sign-in trust (our CA, TRUST_ANCHORS_DIR, the same revocation routing). */
export async function registerSignatures(
  app: FastifyInstance,
  ctx: AppContext,
  config: AuthConfig = loadAuthConfig(),
  limits: Pick<SignatureRouteOptions, 'maxDocumentBytes' | 'maxSignatureBytes'> = {},
): Promise<void> {
  const rateLimit = { max: ctx.config.rateLimit.submitMax * 2, timeWindow: ctx.config.rateLimit.windowMs }
  const signIn = lazySignInSetup(ctx, config)
  // The sign-in trust, plus our own TSA/OCSP certificates (current and former) answered good.
  const setup = async () => {
    const s = await signIn()
    return { ...s, revocation: serviceCertificateChecker(ctx.db, ctx.config, s.revocation) }
  }
  await app.register(signatureRoutes, { setup, rateLimit, ...limits })
}
