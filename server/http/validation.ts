/**
 * Request validation with two ajv configurations. A JSON body arrives typed, so it is checked as
 * it is: `"iin": 900101300017` or `"region": ["KZ-75"]` is refused (400 ERR_VALIDATION), as the
 * OpenAPI document says, instead of being coerced into a string that then passes. A querystring,
 * path parameter or header is always text, so there a number or boolean schema converts it
 * (`?limit=50`), as Fastify does by default.
 */
import { AjvCompiler, type Options } from '@fastify/ajv-compiler'
import type { FastifyServerOptions } from 'fastify'

/** ajv options shared by both: keep unknown properties (schemas refuse them), stop at the first error. */
const common = { removeAdditional: false, allErrors: false } as const

const pool = AjvCompiler()

type BuildValidator = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']

/** The validator factory for `Fastify({ schemaController: { compilersFactory: { buildValidator } } })`. */
export const buildValidator: BuildValidator = (externalSchemas, options) => {
  // Fastify hands over its `ajv` server option (customOptions, plugins, onCreate).
  const base = (options ?? {}) as { customOptions?: Options }
  const withCoercion = (coerceTypes: Options['coerceTypes']) =>
    pool(externalSchemas, { ...base, customOptions: { ...base.customOptions, ...common, coerceTypes } } as Parameters<typeof pool>[1])
  const strict = withCoercion(false)
  const text = withCoercion('array')
  return (route) => (route.httpPart === 'body' ? strict : text)(route)
}
