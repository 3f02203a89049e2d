/**
 * The JSON API the PWA's /authorize/:uid screen uses to finish the provider's interaction
 * (contract: the PWA signs in with the certificate sign-in, then posts login; then consent, or
 * abort). The interaction is looked up by its uid; the provider's resume cookie, which only the
 * browser that started the request holds, still guards the way back to the portal.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type Provider from 'oidc-provider'
import type { AppContext } from '../context.ts'
import { ApiError } from '../errors.ts'
import { ErrorCode } from '../../src/core/errors.ts'
import { sessionOf } from '../auth/require-session.ts'
import { personNameFromDn } from '../auth/person-name.ts'
import { amrOf, iinOfAccount, ownCertificateOf, snapshotOf } from './account.ts'
import { ACR_HARDWARE_KEY, ACR_SOFTWARE_KEY, claimsOfScopes } from './claims.ts'
import { findClientRow } from './clients.ts'
import { rememberConsent } from './consents.ts'
import { requiresHardwareKey } from './provider.ts'

/** A certificate sign-in older than this (and older than the interaction) is not fresh. */
export const FRESH_SIGNIN_MS = 5 * 60_000

type Interaction = InstanceType<Provider['Interaction']>

const uidParams = { type: 'object', required: ['uid'], properties: { uid: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' } } } as const
export const consentBodySchema = { type: 'object', required: ['remember'], additionalProperties: false, properties: { remember: { type: 'boolean' } } } as const

const notFound = () => new ApiError(404, ErrorCode.InteractionNotFound, 'this portal sign-in is unknown or has expired: start again at the portal')
const wrongStep = (step: string) => new ApiError(409, ErrorCode.InvalidState, `this portal sign-in is not at the ${step} step`)

async function finish(interaction: Interaction, result: Record<string, unknown>): Promise<{ redirectTo: string }> {
  interaction.result = result as never
  const ttl = Math.max(interaction.exp - Math.floor(Date.now() / 1000), 1)
  await interaction.save(ttl)
  return { redirectTo: interaction.returnTo }
}

export interface InteractionRouteOptions {
  readonly ctx: AppContext
  readonly provider: () => Promise<{ provider: Provider }>
  readonly now?: () => Date
}

/**
 * The portal's `ui_locales` (space-separated BCP 47 tags, most preferred first) reduced to the
 * interface languages we have, in its order: "ru-RU kk en" → ['ru', 'kk', 'en'], "de" → [].
 */
export function supportedUiLocales(value: unknown): string[] {
  if (typeof value !== 'string') return []
  const languages = value.split(' ').map((tag) => tag.split('-')[0]!.toLowerCase())
  return [...new Set(languages.filter((l) => l === 'kk' || l === 'ru' || l === 'en'))]
}

export async function oidcInteractionRoutes(app: FastifyInstance, opts: InteractionRouteOptions): Promise<void> {
  const { ctx } = opts
  const now = opts.now ?? (() => new Date())

  async function load(req: FastifyRequest<{ Params: { uid: string } }>) {
    const { provider } = await opts.provider()
    const interaction = await provider.Interaction.find(req.params.uid)
    if (!interaction || interaction.exp * 1000 <= Date.now()) throw notFound()
    const clientId = String(interaction.params.client_id ?? '')
    const row = await findClientRow(ctx.db, clientId)
    if (!row || row.disabled) throw notFound()
    return { provider, interaction, row }
  }

  app.addHook('onRequest', async (_req, reply) => {
    reply.header('Cache-Control', 'no-store')
  })

  app.get<{ Params: { uid: string } }>('/api/v1/oidc/interactions/:uid', { schema: { params: uidParams } }, async (req) => {
    const { interaction, row } = await load(req)
    const scopes = String(interaction.params.scope ?? 'openid').split(' ').filter(Boolean)
    const session = await sessionOf(ctx, req)
    let signedIn: { name: string; hardwareKey: boolean } | null = null
    if (session) {
      const own = await ownCertificateOf(ctx.db, session.certificate_serial)
      signedIn = { name: personNameFromDn(session.subject_dn).full ?? session.subject_dn, hardwareKey: own?.iin === session.iin && own.storage === 'token' }
    }
    return {
      uid: interaction.uid,
      prompt: interaction.prompt.name === 'consent' ? 'consent' : 'login',
      client: {
        clientId: row.client_id,
        name: { kk: row.name_kk, ru: row.name_ru, en: row.name_en },
        ...(row.logo_uri ? { logoUri: row.logo_uri } : {}),
        ...(row.client_uri ? { uri: row.client_uri } : {}),
      },
      scopes,
      claims: claimsOfScopes(scopes),
      requireHardwareKey: requiresHardwareKey({ require_hardware_key: row.require_hardware_key }, interaction.params.acr_values),
      signedIn,
      uiLocales: supportedUiLocales(interaction.params.ui_locales),
    }
  })

  app.post<{ Params: { uid: string } }>('/api/v1/oidc/interactions/:uid/login', { schema: { params: uidParams } }, async (req) => {
    const { interaction, row } = await load(req)
    if (interaction.prompt.name !== 'login') throw wrongStep('login')
    const session = await sessionOf(ctx, req)
    const t = now().getTime()
    const freshSince = Math.min(interaction.iat * 1000, t - FRESH_SIGNIN_MS)
    if (!session || session.created_at.getTime() < freshSince) {
      throw new ApiError(401, ErrorCode.FreshSigninRequired, 'sign in with your certificate to continue to the portal')
    }
    const own = await ownCertificateOf(ctx.db, session.certificate_serial)
    // The sign-in checked the certificate; it may have been revoked or held since.
    if (own && own.iin === session.iin && own.status !== 'good') {
      throw new ApiError(403, own.status === 'hold' ? ErrorCode.CertOnHold : ErrorCode.CertRevoked, `the certificate used to sign in is ${own.status === 'hold' ? 'suspended' : 'revoked'}`)
    }
    const { accountId, account } = await snapshotOf(ctx.db, session, own)
    if (requiresHardwareKey({ require_hardware_key: row.require_hardware_key }, interaction.params.acr_values) && !account.hardwareKey) {
      throw new ApiError(403, ErrorCode.HardwareKeyRequired, 'this portal accepts only a certificate whose key is on a hardware token')
    }
    return finish(interaction, {
      login: { accountId, amr: amrOf(account), acr: account.hardwareKey ? ACR_HARDWARE_KEY : ACR_SOFTWARE_KEY, remember: true },
    })
  })

  app.post<{ Params: { uid: string }; Body: { remember: boolean } }>(
    '/api/v1/oidc/interactions/:uid/consent',
    { schema: { params: uidParams, body: consentBodySchema } },
    async (req) => {
      const { provider, interaction } = await load(req)
      if (interaction.prompt.name !== 'consent') throw wrongStep('consent')
      const accountId = interaction.session?.accountId
      if (!accountId) throw wrongStep('consent')
      const clientId = String(interaction.params.client_id)
      const details = interaction.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> }
      const grant = (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ?? new provider.Grant({ accountId, clientId })
      if (details.missingOIDCScope?.length) grant.addOIDCScope(details.missingOIDCScope.join(' '))
      if (details.missingOIDCClaims?.length) grant.addOIDCClaims(details.missingOIDCClaims)
      for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '))
      const grantId = await grant.save()
      if (req.body.remember) {
        // offline_access is asked for each time (it needs prompt=consent): never remembered.
        const scopes = (grant.getOIDCScope() ?? '').split(' ').filter((s) => s && s !== 'offline_access')
        await rememberConsent(ctx.db, iinOfAccount(accountId), clientId, scopes, claimsOfScopes(scopes))
      }
      return finish(interaction, { consent: { grantId } })
    },
  )

  app.post<{ Params: { uid: string } }>('/api/v1/oidc/interactions/:uid/abort', { schema: { params: uidParams } }, async (req) => {
    const { interaction } = await load(req)
    return finish(interaction, { error: 'access_denied', error_description: 'the person declined to sign in to the portal' })
  })
}
