/**
 * The operator console's directory editing, behind requireOperatorSession (certificate sign-in):
 * GET /api/v1/operator/centers (inactive ones too), POST to add, PATCH /:id to change any field
 * but the id (`active: false` deactivates, `true` reactivates). Shapes are checked by the schema,
 * meaning by service.ts (ERR_CENTER_INVALID with details.field and details.rule).
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { requireOperatorSession } from '../auth/require-session.ts'
import { listCenters } from './queries.ts'
import { createCenter, updateCenter, type CenterPatch, type NewCenter } from './service.ts'
import { centerView } from './views.ts'

const text = {
  type: 'object',
  required: ['kk', 'ru', 'en'],
  additionalProperties: false,
  properties: { kk: { type: 'string', maxLength: 1000 }, ru: { type: 'string', maxLength: 1000 }, en: { type: 'string', maxLength: 1000 } },
} as const

const fields = {
  region: { type: 'string', maxLength: 16 },
  name: text,
  address: text,
  hours: text,
  phone: { type: 'string', maxLength: 100 },
  mapUrl: { type: 'string', maxLength: 2000 },
  active: { type: 'boolean' },
} as const

/** Body schemas, also used by the OpenAPI fragment. */
export const centerCreateSchema = {
  type: 'object',
  required: ['id', 'region', 'name', 'address', 'hours', 'phone', 'mapUrl'],
  additionalProperties: false,
  properties: { id: { type: 'string', maxLength: 100 }, ...fields },
} as const
export const centerPatchSchema = { type: 'object', additionalProperties: false, minProperties: 1, properties: fields } as const

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const

export async function centerConsoleRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts
  app.addHook('preHandler', requireOperatorSession(ctx))
  const actorOf = (iin: string | undefined) => `operator:${iin ?? 'unknown'}`

  app.get('/api/v1/operator/centers', async () => ({ centers: (await listCenters(ctx.db)).map(centerView) }))

  app.post<{ Body: NewCenter }>('/api/v1/operator/centers', { schema: { body: centerCreateSchema } }, async (req, reply) => {
    const center = await createCenter(ctx.db, req.body, actorOf(req.operator?.iin))
    return reply.code(201).send({ center })
  })

  app.patch<{ Params: { id: string }; Body: CenterPatch }>(
    '/api/v1/operator/centers/:id',
    { schema: { params: idParams, body: centerPatchSchema } },
    async (req) => ({ center: await updateCenter(ctx.db, req.params.id, req.body, actorOf(req.operator?.iin)) }),
  )
}
