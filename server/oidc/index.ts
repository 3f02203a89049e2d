/**
 * The OpenID Connect provider (issue 15): portals sign people in with their certificates.
 * `registerOidc` wires the provider (/oidc/*, discovery), the PWA's interaction API, the
 * cabinet's consents and the console's portal list into the app.
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { isKioskHost } from '../routes/client-config.ts'
import { oidcConsentRoutes } from './consent-routes.ts'
import { oidcConsoleRoutes } from './console-routes.ts'
import { oidcInteractionRoutes } from './interaction-routes.ts'
import { mountOidcProvider } from './mount.ts'
import { OidcProviderHost } from './provider.ts'
import { oidcKeys } from './derived-keys.ts'

export { oidcOpenApi } from './openapi.ts'
export { oidcKeys } from './derived-keys.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The OpenID Connect provider's host (set by registerOidc): tests and the CLI-in-process reach it. */
    oidcProvider?: OidcProviderHost
  }
}

export async function registerOidc(app: FastifyInstance, ctx: AppContext, secret: Buffer): Promise<OidcProviderHost> {
  const host = new OidcProviderHost({
    db: ctx.db,
    issuer: ctx.config.publicUrl.replace(/\/+$/, ''),
    keys: oidcKeys(secret),
    proxy: Boolean(ctx.config.trustProxy),
    isKiosk: (host) => isKioskHost(ctx.config.kiosk, host),
  })
  const rateLimit = { max: ctx.config.rateLimit.submitMax * 20, timeWindow: ctx.config.rateLimit.windowMs }
  app.decorate('oidcProvider', host)
  await app.register(mountOidcProvider, { host, rateLimit })
  await app.register(oidcInteractionRoutes, { ctx, provider: () => host.get() })
  await app.register(oidcConsentRoutes, { ctx })
  await app.register(oidcConsoleRoutes, { ctx })
  return host
}
