import type { FastifyInstance } from 'fastify'
import { checkIin } from '../../src/pki/iin.ts'
import { ApiErrorCode, badRequest, notFound } from '../errors.ts'
import { lookupPerson, type PersonRegistry } from './registry.ts'

/** POST /api/v1/persons/lookup `{iin}` → name from the registry (rate limited). */
export async function personRoutes(app: FastifyInstance, opts: { registry: PersonRegistry; rateLimit: { max: number; timeWindow: number } }): Promise<void> {
  app.post<{ Body: { iin: string } }>(
    '/api/v1/persons/lookup',
    {
      config: { rateLimit: opts.rateLimit },
      schema: {
        body: {
          type: 'object',
          required: ['iin'],
          additionalProperties: false,
          properties: { iin: { type: 'string', maxLength: 32 } },
        },
      },
    },
    async (req, reply) => {
      // Personal data: never in a shared or service-worker cache.
      reply.header('Cache-Control', 'no-store')
      const iin = req.body.iin.trim()
      if (!checkIin(iin).valid) throw badRequest('ERR_INVALID_IIN', 'IIN is not valid')
      const person = await lookupPerson(opts.registry, iin)
      if (!person) throw notFound('No person with this IIN in the registry', ApiErrorCode.PersonNotFound)
      return { iin, surname: person.surname, name: person.name, patronymic: person.patronymic }
    },
  )
}
