/**
 * Builds the Fastify application: API routes, PKI endpoints and the static PWA. Kept free of
 * process concerns (ports, signals) so tests build it in-process with `app.inject()`.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import type { ServerConfig } from './config.ts'
import type { AppContext, CaProvider } from './context.ts'
import type { CertificateAuthority } from './ca/authority.ts'
import { openDatabase } from './db/database.ts'
import type { Db } from './db/schema.ts'
import { ApiError, ApiErrorCode, frameworkErrors, installErrorHandler, installJsonNotFound } from './errors.ts'
import { registerStatic } from './http/static.ts'
import { securityHeaders } from './http/security-headers.ts'
import { docsOpenApi, openApiRoutes, type OpenApiFragment } from './http/openapi.ts'
import { serviceOpenApi } from './routes/openapi.ts'
import { profilesOpenApi } from './profiles/openapi.ts'
import { personsOpenApi } from './registry/openapi.ts'
import { applicationsOpenApi, cabinetOpenApi } from './applications/openapi.ts'
import { operatorsOpenApi } from './operators/openapi.ts'
import { signInOpenApi } from './auth/openapi.ts'
import { pkiOpenApi } from './pki-routes/openapi.ts'
import { centersOpenApi } from './centers/openapi.ts'
import { registerSignatures, signaturesOpenApi } from './signatures/index.ts'
import { oidcOpenApi, registerOidc } from './oidc/index.ts'
import { handoffsOpenApi, registerHandoffs } from './handoffs/index.ts'
import { tsaOpenApi } from './tsa/openapi.ts'
import { tsaRoutes } from './tsa/routes.ts'
import { centerRoutes } from './centers/routes.ts'
import { centerConsoleRoutes } from './centers/console-routes.ts'
import { buildValidator } from './http/validation.ts'
import { healthRoutes } from './routes/health.ts'
import { clientConfigRoutes } from './routes/client-config.ts'
import { profileRoutes } from './profiles/routes.ts'
import { JsonFileRegistry, type PersonRegistry } from './registry/registry.ts'
import { personRoutes } from './registry/routes.ts'
import { applicationRoutes } from './applications/routes.ts'
import { operatorRoutes } from './operators/routes.ts'
import { operatorConsoleRoutes } from './operators/console-routes.ts'
import { deriveKey, loadServerSecret } from './security/secret.ts'
import { loadAuthConfig, registerSignIn } from './auth/index.ts'
import { cabinetRoutes } from './applications/cabinet-routes.ts'
import { asCertificateAuthority } from './ca/authority.ts'
import { pkiEndpoints } from './pki-routes/pki-endpoints.ts'
import { revocationRoutes } from './pki-routes/revocation-routes.ts'
import { requireOperatorSession } from './auth/require-session.ts'
import { sessionOf } from './auth/require-session.ts'
import { installOps, loadOpsConfig, opsOpenApi, type OpsConfig } from './ops/index.ts'
import { installMail, loadMailConfig, mailOpenApi, type MailConfig, type InstallMailOptions } from './mail/index.ts'
import { installRenewals, renewalsOpenApi } from './renewals/index.ts'
import { systemClock, TestClock, type Clock } from './clock.ts'
import { testClockRoutes } from './routes/test-clock.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Shared services (config, db, registry, keys, CA). */
    qoltanba: AppContext
  }
}

export interface BuildAppOptions {
  readonly logger?: boolean
  /** An open database (tests); otherwise one is opened from the config and closed with the app. */
  readonly db?: Db
  /** The person registry; default: JsonFileRegistry(config.registryFile). */
  readonly registry?: PersonRegistry
  /** The CA, or a provider of it; without one, issuing endpoints answer 503 ERR_CA_UNAVAILABLE. */
  readonly ca?: CertificateAuthority | CaProvider
  /** Operations settings (metrics, load shedding, change checks); default: from the environment. */
  readonly ops?: OpsConfig
  /** Mail settings (default: from the environment) and whether to start the sender loop. */
  readonly mail?: MailConfig & InstallMailOptions
  /** Start the renewals' superseded-revocation job (default true; tests run it with their own clock). */
  readonly renewalJob?: boolean
  /** The clock of issuance and renewals (server/clock.ts); default the system's, or a TestClock when config.testClock. */
  readonly clock?: Clock
}

/** The OpenAPI document's parts, in the order GET /api/docs lists them. */
const OPENAPI_FRAGMENTS: readonly OpenApiFragment[] = [
  serviceOpenApi,
  opsOpenApi,
  docsOpenApi,
  profilesOpenApi,
  personsOpenApi,
  applicationsOpenApi,
  operatorsOpenApi,
  signInOpenApi,
  cabinetOpenApi,
  pkiOpenApi,
  centersOpenApi,
  signaturesOpenApi,
  oidcOpenApi,
  tsaOpenApi,
  handoffsOpenApi,
  mailOpenApi,
  renewalsOpenApi,
]

/**
 * The request as a log line shows it: Fastify's default fields, with the query string of the
 * OpenID Connect endpoints withheld — they carry ID tokens (id_token_hint: a person's name and IIN),
 * login hints and client assertions that must not reach a log.
 */
export function logRequest(req: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
  const query = req.url.indexOf('?')
  const url = query >= 0 && req.url.startsWith('/oidc/') ? `${req.url.slice(0, query)}?[redacted]` : req.url
  return { method: req.method, url, host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }
}

/** Request headers and fields that must never reach a log line. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-access-code"]',
  'req.headers["idempotency-key"]',
  'req.headers["x-handoff-token"]',
  'res.headers["set-cookie"]',
  '*.accessCode',
  '*.password',
  '*.passphrase',
  '*.pin',
  '*.token',
]

export async function buildApp(config: ServerConfig, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel, redact: { paths: LOG_REDACT, censor: '[redacted]' }, serializers: { req: logRequest } },
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy as FastifyServerOptions['trustProxy'],
    // Validation errors carry ajv's text; the error handler turns them into ERR_VALIDATION.
    // Bodies are validated without type coercion, query/params/headers with it (validation.ts).
    schemaController: { compilersFactory: { buildValidator } },
    // The router's refusals (too long a path parameter, an undecodable URL) in our error model.
    frameworkErrors,
  })

  const db = options.db ?? (await openDatabase(config))
  if (!options.db) app.addHook('onClose', async () => db.destroy())
  const secret = loadServerSecret(config.secretFile)
  const ca = options.ca
  const getCa: CaProvider =
    typeof ca === 'function'
      ? ca
      : async () => {
          if (!ca) throw new ApiError(503, ApiErrorCode.CaUnavailable, 'the certificate authority is not available')
          return ca
        }
  const mailConfig = options.mail ?? loadMailConfig()
  const ctx: AppContext = {
    config,
    db,
    registry: options.registry ?? new JsonFileRegistry(config.registryFile),
    keys: {
      accessCode: deriveKey(secret, 'access-code'),
      accessCodePepper: deriveKey(secret, 'access-code-pepper'),
    },
    getCa,
    mail: mailConfig,
    clock: options.clock ?? (config.testClock ? new TestClock() : systemClock),
  }
  app.decorate('qoltanba', ctx)

  installErrorHandler(app)
  securityHeaders(app, config)
  // Load shedding first, so an overloaded instance refuses before doing any work; then metrics,
  // /api/v1/ready and (on PostgreSQL) the change feed from the other instances.
  await installOps(app, ctx, options.ops ?? loadOpsConfig())
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => ({
      statusCode: context.statusCode,
      code: ApiErrorCode.RateLimited,
      message: `Too many requests, retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  })
  const window = config.rateLimit.windowMs
  await app.register(healthRoutes)
  await app.register(clientConfigRoutes, { kiosk: config.kiosk })
  await installMail(app, ctx, mailConfig, options.mail ?? {})
  await app.register(openApiRoutes, { fragments: OPENAPI_FRAGMENTS })
  await app.register(profileRoutes)
  await app.register(personRoutes, { registry: ctx.registry, rateLimit: { max: config.rateLimit.lookupMax, timeWindow: window } })
  await app.register(applicationRoutes, {
    ctx,
    statusRateLimit: { max: config.rateLimit.statusMax, timeWindow: window },
    submitRateLimit: { max: config.rateLimit.submitMax, timeWindow: window },
  })
  // Online renewal with the current key, and the job that revokes the old pairs as superseded.
  await installRenewals(app, ctx, config.renewal, { rateLimit: { max: config.rateLimit.submitMax, timeWindow: window }, start: options.renewalJob !== false })
  // Only a server started for tests (QOLTANBA_TEST_CLOCK=1 with NODE_ENV=test) can have its clock moved.
  if (ctx.clock instanceof TestClock) {
    app.log.warn('TEST CLOCK: PUT /api/v1/test/clock moves this server\'s time (tests only)')
    await app.register(testClockRoutes, { ctx, clock: ctx.clock })
  }
  await app.register(operatorRoutes, { ctx })
  await app.register(operatorConsoleRoutes, { ctx })
  // The registration-center directory: public list, and its editing in the operator console.
  await app.register(centerRoutes, { ctx })
  await app.register(centerConsoleRoutes, { ctx })
  // Certificate sign-in (/api/v1/auth/*, /api/v1/me) and the personal cabinet's lists (/api/v1/me/*).
  const authConfig = loadAuthConfig()
  await registerSignIn(app, ctx, authConfig)
  await app.register(cabinetRoutes, { ctx, policy: authConfig.session })
  await registerSignatures(app, ctx, authConfig)
  // Hand-offs to the phone (QR sign-in and signing, server/handoffs/README.md).
  await registerHandoffs(app, ctx, authConfig)
  // PKI endpoints (/ca, /crl, /ocsp) and revocation routes (CA module). Before the SPA fallback.
  const getAuthority = async () => asCertificateAuthority(await getCa())
  await app.register(pkiEndpoints, { getCa: getAuthority })
  await app.register(revocationRoutes, {
    db,
    getCa: getAuthority,
    requireOperator: requireOperatorSession(ctx),
    actorOf: (req) => `operator:${req.operator?.iin ?? 'unknown'}`,
    sessionIinOf: async (req) => (await sessionOf(ctx, req))?.iin,
  })
  // RFC 3161 timestamp authority at /tsp (its key and certificate: server/tsa/README.md).
  await app.register(tsaRoutes, { getCa: getAuthority, db, config, tsa: config.tsa, rateLimit: { max: config.rateLimit.tsaMax, timeWindow: window } })
  // The OpenID Connect provider (/oidc/*, discovery) and its PWA, cabinet and console APIs.
  await registerOidc(app, ctx, secret)
  await registerStatic(app, config.distDir)
  // Without a built PWA there is no SPA fallback: unknown paths still get the JSON error model.
  if (!existsSync(join(config.distDir, 'index.html'))) installJsonNotFound(app)
  return app
}
