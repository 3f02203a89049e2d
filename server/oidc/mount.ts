/**
 * oidc-provider is a Koa app: its request handler gets the raw Node request and response for
 * /oidc/* and /.well-known/openid-configuration (reply.hijack(): Fastify sends nothing itself).
 * The request body is left unread (a pass-through content-type parser in this scope only), so the
 * provider parses it, as it expects to. The token and PAR endpoints have their own rate limits.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { OidcProviderHost } from './provider.ts'

export interface MountOptions {
  readonly host: OidcProviderHost
  /** Requests per window per client IP on the token and PAR endpoints. */
  readonly rateLimit: { max: number; timeWindow: number }
}

/** Form posts and CORS preflights (the provider answers CORS for browser-based portals). */
const POST: ('POST' | 'OPTIONS')[] = ['POST', 'OPTIONS']
const ANY: ('GET' | 'POST' | 'OPTIONS')[] = ['GET', 'POST', 'OPTIONS']

export async function mountOidcProvider(app: FastifyInstance, opts: MountOptions): Promise<void> {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined))

  async function handle(req: FastifyRequest, reply: FastifyReply) {
    const { callback } = await opts.host.get()
    reply.hijack()
    await callback(req.raw, reply.raw)
  }

  const limited = { config: { rateLimit: opts.rateLimit } }
  app.route({ method: POST, url: '/oidc/token', ...limited, handler: handle })
  app.route({ method: POST, url: '/oidc/par', ...limited, handler: handle })
  // Only the endpoints this configuration enables (provider.ts routes), so each one is documented.
  app.route({ method: ['GET', 'POST'], url: '/oidc/auth', handler: handle })
  app.route({ method: 'GET', url: '/oidc/auth/:uid', handler: handle })
  app.route({ method: ANY, url: '/oidc/me', handler: handle })
  app.route({ method: 'GET', url: '/oidc/jwks', handler: handle })
  app.route({ method: ['GET', 'POST'], url: '/oidc/session/end', handler: handle })
  app.route({ method: 'POST', url: '/oidc/session/end/confirm', handler: handle })
  app.route({ method: 'GET', url: '/oidc/session/end/success', handler: handle })
  app.route({ method: POST, url: '/oidc/token/revocation', handler: handle })
  app.route({ method: ['GET', 'OPTIONS'], url: '/.well-known/openid-configuration', handler: handle })
}
