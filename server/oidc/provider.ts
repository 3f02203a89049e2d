/**
 * The oidc-provider instance: configuration (flows, claims, pairwise subjects, keys, cookies,
 * the PWA as the interaction) over our storage. Built lazily and rebuilt when the signing keys
 * change (`qoltanba oidc rotate-keys` in another process), checked at most every KEYS_CHECK_MS.
 */
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider'
import type { Db } from '../db/schema.ts'
import { ACCOUNT_TTL_SECONDS, claimsOf, iinOfAccount, loadAccount, pairwiseSubject } from './account.ts'
import { kyselyAdapterFactory, sweepExpired } from './adapter.ts'
import { ACR_HARDWARE_KEY, ACR_VALUES, AMR_HARDWARE_KEY, OIDC_SCOPES, SCOPE_CLAIMS } from './claims.ts'
import { rememberedConsent } from './consents.ts'
import { loadSigningKeys, signingKeysVersion } from './keys.ts'
import { logoutSource, postLogoutSuccessSource, renderError } from './pages.ts'

const KEYS_CHECK_MS = 30_000
const SWEEP_EVERY_MS = 10 * 60_000

export interface OidcKeys {
  readonly signingKeys: Buffer
  readonly clientSecrets: Buffer
  readonly pairwise: Buffer
  readonly cookies: Buffer
}

export interface OidcOptions {
  readonly db: Db
  /** The service's public origin: the issuer. */
  readonly issuer: string
  readonly keys: OidcKeys
  /** Trust X-Forwarded-* (the app's trustProxy is set). */
  readonly proxy: boolean
  /** Whether a request's Host is a kiosk (server/routes/client-config.ts isKioskHost). */
  readonly isKiosk?: (host: string | undefined) => boolean
}

/** Interaction paths: the PWA route (contract: /authorize/:uid). */
export const interactionPath = (uid: string) => `/authorize/${uid}`

/** True when the portal needs a hardware key: registered so, or asking only for the hwk acr. */
export function requiresHardwareKey(client: { [key: string]: unknown } | undefined, acrValues: unknown): boolean {
  if (client?.require_hardware_key === true || client?.['requireHardwareKey'] === true) return true
  const asked = typeof acrValues === 'string' ? acrValues.split(' ').filter(Boolean) : []
  return asked.length > 0 && asked.every((v) => v === ACR_HARDWARE_KEY)
}

function interactionPolicyWithHardwareKey(isKiosk: (host: string | undefined) => boolean): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base()
  const login = policy.get('login')!
  // A kiosk is shared: the provider's session cookie outlives the kiosk's wipe, so every new
  // authorization request there signs in again (no single sign-on). A resume (the result of this
  // request's own login or consent step) is not a new request.
  login.checks.add(
    new interactionPolicy.Check('kiosk_sign_in_each_time', 'a kiosk signs in for every portal sign-in', 'login_required', (ctx: KoaContextWithOIDC) =>
      isKiosk(ctx.get('host') || undefined) && !ctx.oidc.result ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT,
    ),
  )
  // A session signed in with a software key does not satisfy a portal that needs a token: log in again.
  login.checks.add(
    new interactionPolicy.Check('hardware_key_required', 'the portal requires a key on a hardware token', 'login_required', (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx
      if (!oidc.session?.accountId) return interactionPolicy.Check.NO_NEED_TO_PROMPT
      const need = requiresHardwareKey(oidc.client as never, oidc.params?.acr_values)
      return need && !(oidc.session.amr ?? []).includes(AMR_HARDWARE_KEY) ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT
    }),
  )
  return policy
}

function configuration(opts: OidcOptions, jwks: Configuration['jwks']): Configuration {
  const { db, keys } = opts
  const secure = new URL(opts.issuer).protocol === 'https:'
  // __Host- needs Path=/, which only the session cookie has; the interaction cookies are
  // path-bound by the provider, so they get __Secure- (still https-only, host-bound by default).
  const names = secure
    ? { session: '__Host-qoltanba-oidc', interaction: '__Secure-qoltanba-oidc-interaction', resume: '__Secure-qoltanba-oidc-resume' }
    : { session: 'qoltanba-oidc', interaction: 'qoltanba-oidc-interaction', resume: 'qoltanba-oidc-resume' }
  return {
    adapter: kyselyAdapterFactory(db, keys.clientSecrets),
    async findAccount(_ctx, accountId) {
      const account = await loadAccount(db, accountId)
      if (!account) return undefined
      return { accountId, claims: async () => claimsOf(account, accountId) as { sub: string } }
    },
    // acr/amr/auth_time ride with openid so every ID token says how the person signed in
    // (software key or hardware token); the account's claims() never returns them, so userinfo does not.
    claims: {
      ...Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([k, v]) => [k, [...v]])),
      openid: [...SCOPE_CLAIMS.openid, 'acr', 'amr', 'auth_time'],
      sid: null,
    },
    scopes: [...OIDC_SCOPES],
    acrValues: [...ACR_VALUES],
    responseTypes: ['code'],
    subjectTypes: ['pairwise'],
    async pairwiseIdentifier(_ctx, accountId, client) {
      return pairwiseSubject(keys.pairwise, String(client.sectorIdentifier ?? client.clientId), accountId)
    },
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt', 'none'],
    clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], id_token_signed_response_alg: 'ES256', subject_type: 'pairwise' },
    extraClientMetadata: {
      properties: ['require_hardware_key'],
      validator(_ctx, key, value, metadata) {
        if (key === 'require_hardware_key' && typeof value !== 'boolean') metadata.require_hardware_key = false
      },
    },
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      backchannelLogout: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    routes: {
      authorization: '/oidc/auth',
      token: '/oidc/token',
      userinfo: '/oidc/me',
      jwks: '/oidc/jwks',
      pushed_authorization_request: '/oidc/par',
      end_session: '/oidc/session/end',
      revocation: '/oidc/token/revocation',
      introspection: '/oidc/token/introspection',
      registration: '/oidc/reg',
      code_verification: '/oidc/device',
      device_authorization: '/oidc/device/auth',
      backchannel_authentication: '/oidc/backchannel',
    },
    interactions: { url: (_ctx, interaction) => interactionPath(interaction.uid), policy: interactionPolicyWithHardwareKey(opts.isKiosk ?? (() => false)) },
    cookies: {
      keys: [keys.cookies.toString('base64url')],
      names,
      long: { httpOnly: true, sameSite: 'lax', signed: true, ...(secure ? { secure: true } : {}) },
      short: { httpOnly: true, sameSite: 'lax', signed: true, ...(secure ? { secure: true } : {}) },
    },
    jwks,
    ttl: {
      AccessToken: 10 * 60,
      AuthorizationCode: 60,
      IdToken: 10 * 60,
      Interaction: 30 * 60,
      Session: 8 * 60 * 60,
      Grant: 14 * 24 * 60 * 60,
      RefreshToken: Math.min(14 * 24 * 60 * 60, ACCOUNT_TTL_SECONDS),
    },
    async loadExistingGrant(ctx) {
      const { oidc } = ctx
      const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(oidc.client!.clientId)
      if (grantId) {
        const grant = await oidc.provider.Grant.find(grantId)
        if (grant) return grant
      }
      // A consent the person asked to remember for this portal: a new grant in this session.
      const accountId = oidc.session?.accountId
      if (!accountId) return undefined
      const remembered = await rememberedConsent(db, iinOfAccount(accountId), oidc.client!.clientId)
      if (!remembered) return undefined
      const grant = new oidc.provider.Grant({ accountId, clientId: oidc.client!.clientId })
      grant.addOIDCScope(remembered.scopes.join(' '))
      await grant.save()
      return grant
    },
    renderError,
    // oidc-provider refuses to call special-use addresses (SSRF protection) for back-channel
    // logout and jwks_uri. A development issuer on a loopback origin talks to portals on the
    // same machine, so there (and only there) the plain dispatcher is used.
    ...(developmentLoopback(opts.issuer)
      ? {
          fetch: (url: string | URL | Request, options?: RequestInit) => {
            const { dispatcher: _ssrfGuard, ...rest } = (options ?? {}) as RequestInit & { dispatcher?: unknown }
            return globalThis.fetch(url, rest)
          },
        }
      : {}),
  }
}

/** http://localhost or http://127.0.0.1: a development server, not a deployment. */
function developmentLoopback(issuer: string): boolean {
  const url = new URL(issuer)
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
}

/**
 * at_hash in the token endpoint's ID token too. oidc-provider adds it only to ID tokens from the
 * authorization endpoint (hybrid flows, which we do not offer); OIDC Core §3.1.3.6 makes it
 * optional here, but it lets a portal tie the ID token to the access token it came with, and
 * the issue asks for it. The access token (opaque) is its jti; IdToken hashes what `set` gets.
 */
function addAccessTokenHash(provider: Provider): void {
  const proto = provider.IdToken.prototype as { issue(this: { ctx?: KoaContextWithOIDC; set(k: string, v: unknown): void }, o?: { use?: string }): Promise<string> }
  const issue = proto.issue
  proto.issue = function issueWithAtHash(options) {
    const at = this.ctx?.oidc?.entities?.AccessToken as { jti?: string } | undefined
    if (options?.use === 'idtoken' && this.ctx?.oidc?.route === 'token' && at?.jti) this.set('at_hash', at.jti)
    return issue.call(this, options)
  }
}

/** Builds (and rebuilds on key change) the provider; `get()` answers the current one. */
export class OidcProviderHost {
  #current: { provider: Provider; version: string; callback: ReturnType<Provider['callback']> } | undefined
  #pending: Promise<void> | undefined
  #checkedAt = 0
  #sweptAt = Date.now()

  constructor(private readonly opts: OidcOptions) {}

  /** Makes the next request look at the signing keys again (after a rotation in this process). */
  invalidate(): void {
    this.#checkedAt = 0
  }

  async get(): Promise<{ provider: Provider; callback: ReturnType<Provider['callback']> }> {
    const now = Date.now()
    if (!this.#current || now - this.#checkedAt > KEYS_CHECK_MS) {
      this.#pending ??= this.#refresh().finally(() => (this.#pending = undefined))
      await this.#pending
    }
    if (now - this.#sweptAt > SWEEP_EVERY_MS) {
      this.#sweptAt = now
      void sweepExpired(this.opts.db).catch(() => {})
    }
    return this.#current!
  }

  async #refresh(): Promise<void> {
    const before = await signingKeysVersion(this.opts.db)
    if (this.#current && before === this.#current.version) {
      this.#checkedAt = Date.now()
      return
    }
    const keys = await loadSigningKeys(this.opts.db, this.opts.keys.signingKeys)
    const version = await signingKeysVersion(this.opts.db)
    const provider = new Provider(this.opts.issuer, configuration(this.opts, { keys: keys as never }))
    provider.proxy = this.opts.proxy
    addAccessTokenHash(provider)
    this.#current = { provider, version, callback: provider.callback() }
    this.#checkedAt = Date.now()
  }
}
