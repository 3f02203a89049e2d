/**
 * Client of the portal sign-in (OpenID Connect) API the PWA drives: the
 * interaction a portal's authorization request opened (/authorize/:uid), its login and consent
 * steps, the person's remembered consents in the cabinet, and the operator console's list of
 * portals (OIDC clients). Everything rides on the sign-in session cookie. Failures are
 * QoltanbaErrors with the server's code (ERR_INTERACTION_NOT_FOUND, ERR_HARDWARE_KEY_REQUIRED, …)
 * or ERR_NETWORK.
 */
import { apiError, unreachable } from './api-response.ts'
import type { ApiClientOptions } from './client.ts'

/** A text registered in the three languages (a portal's name). */
export interface PortalText {
  readonly kk: string
  readonly ru: string
  readonly en: string
}

/** The portal (relying party) that asks, as registered with `qoltanba client add`. */
export interface PortalClient {
  readonly clientId: string
  readonly name: PortalText
  readonly logoUri?: string
  readonly uri?: string
}

/** What the provider waits for in an interaction. */
export interface Interaction {
  readonly uid: string
  readonly prompt: 'login' | 'consent'
  readonly client: PortalClient
  readonly scopes: readonly string[]
  /** Claim names the portal will receive (server/oidc/claims.ts). */
  readonly claims: readonly string[]
  /** The portal accepts only a key on a hardware token. */
  readonly requireHardwareKey: boolean
  /** Who is signed in to Qoltanba in this browser, if anyone. */
  readonly signedIn: { readonly name: string; readonly hardwareKey: boolean } | null
  /** The portal's ui_locales that we have, its most preferred first (absent from older servers). */
  readonly uiLocales?: readonly string[]
}

/** Where the browser goes next (the provider, then the portal). */
export interface InteractionStep {
  readonly redirectTo: string
}

/** A portal I allowed and asked to be remembered. */
export interface PortalConsent {
  readonly clientId: string
  readonly name: PortalText
  readonly logoUri?: string
  readonly scopes: readonly string[]
  readonly claims: readonly string[]
  readonly grantedAt: string
}

/** A registered portal as the operator console lists it. */
export interface OidcClientRecord {
  readonly clientId: string
  readonly name: PortalText
  readonly redirectUris: readonly string[]
  readonly scopes: readonly string[]
  readonly authMethod: string
  readonly disabled: boolean
  readonly createdAt: string
}

export interface OidcClient {
  interaction(uid: string): Promise<Interaction>
  /** Hands the fresh certificate sign-in of this browser to the provider. */
  login(uid: string): Promise<InteractionStep>
  consent(uid: string, remember: boolean): Promise<InteractionStep>
  /** The person said no: the portal receives access_denied. */
  abort(uid: string): Promise<InteractionStep>
  myConsents(): Promise<PortalConsent[]>
  /** Withdraws the remembered consent and the portal's tokens for me. */
  withdrawConsent(clientId: string): Promise<void>
  /** Operator: every registered portal. */
  portals(): Promise<OidcClientRecord[]>
  /** Operator: stops (disabled true, with the reason) or restarts a portal's sign-ins. */
  setPortalDisabled(clientId: string, disabled: boolean, reason?: string): Promise<OidcClientRecord>
}

/** The name of a portal in `locale`, falling back to Kazakh (the default language). */
export function portalName(name: PortalText, locale: string): string {
  return (name as unknown as Record<string, string | undefined>)[locale] || name.kk || name.ru || name.en
}

export function createOidcClient(options: ApiClientOptions = {}): OidcClient {
  const base = options.baseUrl ?? ''
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))

  async function send(path: string, method: 'GET' | 'POST' | 'DELETE' = 'GET', body?: unknown): Promise<Response> {
    let response: Response
    try {
      response = await doFetch(`${base}/api/v1${path}`, {
        method,
        credentials: 'same-origin',
        cache: 'no-store',
        ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      })
    } catch (e) {
      throw unreachable(e)
    }
    if (!response.ok) throw await apiError(response)
    return response
  }
  async function json<T>(path: string, method: 'GET' | 'POST' = 'GET', body?: unknown): Promise<T> {
    const response = await send(path, method, body)
    try {
      return (await response.json()) as T
    } catch (e) {
      throw unreachable(e)
    }
  }
  const interactionPath = (uid: string, step = '') => `/oidc/interactions/${encodeURIComponent(uid)}${step}`

  return {
    interaction: (uid) => json<Interaction>(interactionPath(uid)),
    login: (uid) => json<InteractionStep>(interactionPath(uid, '/login'), 'POST', {}),
    consent: (uid, remember) => json<InteractionStep>(interactionPath(uid, '/consent'), 'POST', { remember }),
    abort: (uid) => json<InteractionStep>(interactionPath(uid, '/abort'), 'POST', {}),
    async myConsents() {
      return (await json<{ consents: PortalConsent[] }>('/me/consents')).consents
    },
    async withdrawConsent(clientId) {
      await send(`/me/consents/${encodeURIComponent(clientId)}`, 'DELETE')
    },
    async portals() {
      return (await json<{ clients: OidcClientRecord[] }>('/operator/oidc-clients')).clients
    },
    setPortalDisabled(clientId, disabled, reason) {
      const path = `/operator/oidc-clients/${encodeURIComponent(clientId)}/${disabled ? 'disable' : 'enable'}`
      return json<OidcClientRecord>(path, 'POST', disabled ? { reason: reason ?? '' } : {})
    },
  }
}
