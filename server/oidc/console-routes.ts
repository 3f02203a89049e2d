/**
 * The operator console's portal list: GET /api/v1/operator/oidc-clients, and disable/enable one
 * (with a reason, audited). Registration itself stays with `qoltanba client add`: it hands out a
 * secret, which belongs on the administrator's terminal, not in a browser.
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { requireOperatorSession } from '../auth/require-session.ts'
import { clientView, listClientRows, setClientDisabled, type ClientView } from './clients.ts'

const clientParams = { type: 'object', required: ['clientId'], properties: { clientId: { type: 'string', minLength: 1, maxLength: 64 } } } as const
export const disableBodySchema = { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } } } as const

/** The console's row (contract: oidc-contract.md). */
export const consoleClientView = (c: ClientView) => ({
  clientId: c.clientId,
  name: c.name,
  redirectUris: c.redirectUris,
  scopes: c.scopes,
  authMethod: c.authMethod,
  disabled: c.disabled,
  ...(c.disabledReason ? { disabledReason: c.disabledReason } : {}),
  requireHardwareKey: c.requireHardwareKey,
  createdAt: c.createdAt,
})

export async function oidcConsoleRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts
  app.addHook('preHandler', requireOperatorSession(ctx))
  const actorOf = (iin: string | undefined) => `operator:${iin ?? 'unknown'}`

  app.get('/api/v1/operator/oidc-clients', async () => ({ clients: (await listClientRows(ctx.db)).map((r) => consoleClientView(clientView(r))) }))

  app.post<{ Params: { clientId: string }; Body: { reason: string } }>(
    '/api/v1/operator/oidc-clients/:clientId/disable',
    { schema: { params: clientParams, body: disableBodySchema } },
    async (req) => consoleClientView(await setClientDisabled(ctx.db, req.params.clientId, true, req.body.reason.trim(), actorOf(req.operator?.iin))),
  )

  app.post<{ Params: { clientId: string } }>('/api/v1/operator/oidc-clients/:clientId/enable', { schema: { params: clientParams } }, async (req) =>
    consoleClientView(await setClientDisabled(ctx.db, req.params.clientId, false, null, actorOf(req.operator?.iin))),
  )
}
