/** JSON schemas of the hand-off bodies (validated by Fastify: a wrong type is 400 ERR_VALIDATION). */
import { applicationRequestsSchema, applicationSchema, type ApplicationBody } from './application.ts'

const secret = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const
const base64 = (maxLength: number) => ({ type: 'string', maxLength, pattern: '^[A-Za-z0-9+/]*={0,2}$' }) as const

export const documentSchema = {
  type: 'object',
  required: ['name', 'size', 'sha256'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    size: { type: 'integer', minimum: 0 },
    sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
    type: { type: 'string', maxLength: 100 },
    /** A small preview, e.g. the first page as an image. */
    preview: base64(256 * 1024),
    /** The document itself; the route limits the total. */
    content: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' },
  },
} as const

export const createBody = {
  type: 'object',
  required: ['kind', 'requester'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['sign-in', 'sign', 'application'] },
    requester: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1, maxLength: 80 } },
    },
    documents: { type: 'array', minItems: 1, maxItems: 10, items: documentSchema },
    /** Kind "application": the kiosk's answers, no keys (application.ts). */
    application: applicationSchema,
    /** Lifetime, at most 300 s (the default). */
    ttlSeconds: { type: 'integer', minimum: 30, maximum: 300 },
  },
} as const

export interface CreateBody {
  readonly kind: 'sign-in' | 'sign' | 'application'
  readonly requester: { readonly name: string }
  readonly documents?: ReadonlyArray<{ name: string; size: number; sha256: string; type?: string; preview?: string; content?: string }>
  readonly application?: ApplicationBody
  readonly ttlSeconds?: number
}

export const secretBody = { type: 'object', required: ['secret'], additionalProperties: false, properties: { secret } } as const
export const openBody = secretBody

export const resultBody = {
  type: 'object',
  required: ['secret'],
  additionalProperties: false,
  properties: {
    secret,
    /** Sign-in: the CMS over the challenge (attached, base64 DER). */
    cms: base64(350_000),
    /** Signing: one detached CMS per document, in order (base64 DER). */
    signatures: { type: 'array', minItems: 1, maxItems: 10, items: base64(350_000) },
    /** Application: the two CSRs made on the phone (proof of possession). */
    requests: applicationRequestsSchema,
  },
} as const
