/**
 * PUT /api/v1/test/clock: moves a test server's clock (server/clock.ts) by `offsetDays` from the
 * system time and answers once the jobs due by the new time have run (the renewals'
 * superseded-revocation job). Registered by buildApp only for a TestClock — QOLTANBA_TEST_CLOCK=1
 * with NODE_ENV=test — and only for an operator session. Not in the OpenAPI document.
 */
import type { FastifyInstance } from 'fastify'
import { requireOperatorSession } from '../auth/require-session.ts'
import type { TestClock } from '../clock.ts'
import type { AppContext } from '../context.ts'

const DAY = 86_400_000

const bodySchema = {
  type: 'object',
  required: ['offsetDays'],
  additionalProperties: false,
  properties: { offsetDays: { type: 'number', minimum: -3650, maximum: 3650 } },
} as const

export async function testClockRoutes(app: FastifyInstance, opts: { ctx: AppContext; clock: TestClock }): Promise<void> {
  const { ctx, clock } = opts
  app.put<{ Body: { offsetDays: number } }>('/api/v1/test/clock', { schema: { body: bodySchema }, preHandler: requireOperatorSession(ctx, ['admin', 'operator']) }, async (req, reply) => {
    await clock.set(Math.round(req.body.offsetDays * DAY))
    req.log.warn({ offsetDays: req.body.offsetDays }, 'test clock moved')
    reply.header('Cache-Control', 'no-store')
    return { now: clock.now().toISOString(), offsetDays: clock.offsetMs / DAY }
  })
}
