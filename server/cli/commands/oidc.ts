/**
 * Portals of the OpenID Connect provider from the command line: `qoltanba client
 * add|list|show|disable|enable|rotate-secret` and `qoltanba oidc rotate-keys`. The same service as
 * the operator console (server/oidc/clients.ts): one transaction with its audit row per change;
 * refusals are printed with their stable code. A client secret is printed once and never stored
 * in clear.
 */
import { readFileSync } from 'node:fs'
import { ApiError } from '../../errors.ts'
import { addClient, clientView, findClientRow, listClientRows, rotateClientSecret, setClientDisabled, CLIENT_AUTH_METHODS, type ClientView } from '../../oidc/clients.ts'
import type { ClientAuthMethod } from '../../oidc/schema.ts'
import { oidcKeys } from '../../oidc/derived-keys.ts'
import { rotateSigningKeys, RETIRED_KEY_PUBLISHED_SECONDS } from '../../oidc/keys.ts'
import { loadServerSecret } from '../../security/secret.ts'
import { CliUsageError, requireString, type CliCommand, type CliRunContext } from '../types.ts'

const CLI_ACTOR = `cli:${process.env.USER ?? 'unknown'}`

const keysOf = (ctx: CliRunContext) => oidcKeys(loadServerSecret(ctx.config().secretFile))
const str = (ctx: CliRunContext, name: string) => (typeof ctx.values[name] === 'string' ? (ctx.values[name] as string) : undefined)
const list = (ctx: CliRunContext, name: string) =>
  ((ctx.values[name] as string[] | undefined) ?? []).flatMap((v) => v.split(/[\s,]+/)).filter(Boolean)

function clientId(ctx: CliRunContext): string {
  const id = ctx.positionals[0]
  if (!id) throw new CliUsageError('the client id is required')
  return id
}

function print(ctx: CliRunContext, c: ClientView, json: boolean): void {
  if (json) {
    ctx.out(JSON.stringify(c, null, 2))
    return
  }
  ctx.out(`${c.clientId}${c.disabled ? ' (DISABLED' + (c.disabledReason ? `: ${c.disabledReason}` : '') + ')' : ''}`)
  ctx.out(`  name:          ${c.name.kk} | ${c.name.ru} | ${c.name.en}`)
  ctx.out(`  auth method:   ${c.authMethod}`)
  ctx.out(`  scopes:        ${c.scopes.join(' ')}`)
  ctx.out(`  redirect URIs: ${c.redirectUris.join(' ')}`)
  if (c.postLogoutRedirectUris.length) ctx.out(`  after logout:  ${c.postLogoutRedirectUris.join(' ')}`)
  if (c.backchannelLogoutUri) ctx.out(`  back-channel:  ${c.backchannelLogoutUri}`)
  if (c.requireHardwareKey) ctx.out('  requires a hardware key (hwk)')
  ctx.out(`  created:       ${c.createdAt}`)
}

/** Runs a change; an ApiError prints its code, exit code 1. */
async function refusing(ctx: CliRunContext, task: () => Promise<number>): Promise<number> {
  try {
    return await task()
  } catch (e) {
    if (!(e instanceof ApiError)) throw e
    const d = e.details
    ctx.err(`refused (${e.code}): ${d.field ? `${String(d.field)} — ${String(d.rule)}` : e.message}`)
    return 1
  }
}

export const commands: CliCommand[] = [
  {
    name: ['client', 'add'],
    summary: 'Register a portal (OpenID Connect client); prints its id and, for client_secret_basic, its secret once',
    usage:
      '--name-kk … --name-ru … --name-en … --redirect-uri URL [--redirect-uri URL …] --scope openid --scope profile … --auth-method client_secret_basic|private_key_jwt|none [--client-id ID] [--jwks-file FILE | --jwks-uri URL] [--post-logout-redirect-uri URL …] [--backchannel-logout-uri URL] [--logo-uri URL] [--client-uri URL] [--require-hwk] [--json]',
    options: {
      'client-id': { type: 'string' },
      'name-kk': { type: 'string' },
      'name-ru': { type: 'string' },
      'name-en': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-redirect-uri': { type: 'string', multiple: true },
      scope: { type: 'string', multiple: true },
      'auth-method': { type: 'string' },
      'jwks-file': { type: 'string' },
      'jwks-uri': { type: 'string' },
      'backchannel-logout-uri': { type: 'string' },
      'logo-uri': { type: 'string' },
      'client-uri': { type: 'string' },
      'require-hwk': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    async run(ctx) {
      const authMethod = requireString(ctx, 'auth-method') as ClientAuthMethod
      if (!CLIENT_AUTH_METHODS.includes(authMethod)) throw new CliUsageError(`--auth-method: one of ${CLIENT_AUTH_METHODS.join(', ')}`)
      const jwksFile = str(ctx, 'jwks-file')
      let jwks: { keys: Record<string, unknown>[] } | undefined
      if (jwksFile) {
        try {
          jwks = JSON.parse(readFileSync(jwksFile, 'utf8')) as { keys: Record<string, unknown>[] }
        } catch (e) {
          throw new CliUsageError(`--jwks-file: ${(e as Error).message}`)
        }
        if (!Array.isArray(jwks?.keys)) throw new CliUsageError('--jwks-file: a JSON Web Key Set ({"keys": […]})')
        // Only public members: a private key has no business in our database.
        jwks = { keys: jwks.keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }) => pub) }
      }
      const redirectUris = list(ctx, 'redirect-uri')
      const scopes = list(ctx, 'scope')
      const keys = keysOf(ctx)
      return refusing(ctx, () =>
        ctx.withDatabase(async (db) => {
          const { client, secret } = await addClient(db, keys.clientSecrets, {
            ...(str(ctx, 'client-id') ? { clientId: str(ctx, 'client-id')! } : {}),
            name: { kk: requireString(ctx, 'name-kk'), ru: requireString(ctx, 'name-ru'), en: requireString(ctx, 'name-en') },
            redirectUris,
            postLogoutRedirectUris: list(ctx, 'post-logout-redirect-uri'),
            scopes: scopes.length ? scopes : ['openid'],
            authMethod,
            ...(jwks ? { jwks } : {}),
            ...(str(ctx, 'jwks-uri') ? { jwksUri: str(ctx, 'jwks-uri')! } : {}),
            ...(str(ctx, 'backchannel-logout-uri') ? { backchannelLogoutUri: str(ctx, 'backchannel-logout-uri')! } : {}),
            ...(str(ctx, 'logo-uri') ? { logoUri: str(ctx, 'logo-uri')! } : {}),
            ...(str(ctx, 'client-uri') ? { clientUri: str(ctx, 'client-uri')! } : {}),
            requireHardwareKey: ctx.values['require-hwk'] === true,
            actor: CLI_ACTOR,
          })
          if (ctx.values.json === true) {
            ctx.out(JSON.stringify({ ...client, ...(secret ? { clientSecret: secret } : {}) }, null, 2))
          } else {
            print(ctx, client, false)
            if (secret) ctx.out(`  client secret: ${secret}\n  (shown once: keep it in the portal's configuration; \`qoltanba client rotate-secret ${client.clientId}\` makes a new one)`)
          }
          return 0
        }),
      )
    },
  },
  {
    name: ['client', 'list'],
    summary: 'List the registered portals',
    usage: '[--json]',
    options: { json: { type: 'boolean' } },
    async run(ctx) {
      const rows = await ctx.withDatabase((db) => listClientRows(db))
      const views = rows.map(clientView)
      if (ctx.values.json === true) ctx.out(JSON.stringify(views, null, 2))
      else if (!views.length) ctx.out('no portals registered (qoltanba client add …)')
      else for (const c of views) ctx.out(`${c.clientId}\t${c.disabled ? 'disabled' : 'active'}\t${c.authMethod}\t${c.scopes.join(' ')}\t${c.name.en}`)
    },
  },
  {
    name: ['client', 'show'],
    summary: 'Show one portal',
    usage: '<client-id> [--json]',
    options: { json: { type: 'boolean' } },
    async run(ctx) {
      const id = clientId(ctx)
      const row = await ctx.withDatabase((db) => findClientRow(db, id))
      if (!row) {
        ctx.err(`refused (ERR_NOT_FOUND): no client ${id}`)
        return 1
      }
      print(ctx, clientView(row), ctx.values.json === true)
    },
  },
  {
    name: ['client', 'disable'],
    summary: 'Disable a portal: its sign-ins and tokens stop working at once',
    usage: '<client-id> --reason "…"',
    options: { reason: { type: 'string' } },
    async run(ctx) {
      const id = clientId(ctx)
      const reason = requireString(ctx, 'reason')
      return refusing(ctx, () =>
        ctx.withDatabase(async (db) => {
          await setClientDisabled(db, id, true, reason, CLI_ACTOR)
          ctx.out(`client ${id} disabled`)
          return 0
        }),
      )
    },
  },
  {
    name: ['client', 'enable'],
    summary: 'Enable a disabled portal again',
    usage: '<client-id>',
    async run(ctx) {
      const id = clientId(ctx)
      return refusing(ctx, () =>
        ctx.withDatabase(async (db) => {
          await setClientDisabled(db, id, false, null, CLI_ACTOR)
          ctx.out(`client ${id} enabled`)
          return 0
        }),
      )
    },
  },
  {
    name: ['client', 'rotate-secret'],
    summary: "Give a client_secret_basic portal a new secret (printed once; the old one stops working)",
    usage: '<client-id>',
    async run(ctx) {
      const id = clientId(ctx)
      const keys = keysOf(ctx)
      return refusing(ctx, () =>
        ctx.withDatabase(async (db) => {
          const secret = await rotateClientSecret(db, keys.clientSecrets, id, CLI_ACTOR)
          ctx.out(`client ${id}: new client secret ${secret}`)
          return 0
        }),
      )
    },
  },
  {
    name: ['oidc', 'rotate-keys'],
    summary: 'New ES256 and RS256 signing keys for the provider; the old ones stay published until their tokens expire',
    async run(ctx) {
      const keys = keysOf(ctx)
      const { retired, created } = await ctx.withDatabase((db) => rotateSigningKeys(db, keys.signingKeys, CLI_ACTOR))
      ctx.out(`new signing keys: ${created.join(', ')}`)
      if (retired.length) ctx.out(`retired (published ${RETIRED_KEY_PUBLISHED_SECONDS / 3600} h more): ${retired.join(', ')}`)
      ctx.out('running servers sign with the new keys within 30 s')
    },
  },
]
