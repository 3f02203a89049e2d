/**
 * What the operator console needs beyond the application endpoints of routes.ts, behind the same
 * requireOperatorSession (certificate sign-in):
 * - GET /api/v1/operator/certificates?iin=…|serial=… — certificate lookup for revoke/hold/release;
 * - GET /api/v1/operator/applications/:number/requests — each stored PKCS#10 re-checked (subject,
 *   key, signature), so the operator sees "request signature valid" from the server, not a claim.
 */
import type { FastifyInstance } from 'fastify'
import type { AppContext } from '../context.ts'
import { badRequest, notFound } from '../errors.ts'
import { parseCsr, verifyCsr } from '../../src/pki/csr.ts'
import { toPem } from '../../src/pki/pem.ts'
import type { RequestCheck } from '../../src/core/operator-wire.ts'
import { applicationExists, findCertificates, requestsOfApplication } from '../applications/queries.ts'
import { certificateView } from '../applications/views.ts'
import { requireOperatorSession } from '../auth/require-session.ts'

/** At most this many certificates per lookup (a person rarely has more than a handful). */
export const LOOKUP_LIMIT = 100

const lookupQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    iin: { type: 'string', pattern: '^[0-9]{12}$' },
    serial: { type: 'string', pattern: '^[0-9A-Fa-f:]{2,95}$' },
  },
} as const

const numberParams = { type: 'object', required: ['number'], properties: { number: { type: 'string', pattern: '^[0-9]{12}$' } } } as const

/** Re-parses and re-verifies a stored CSR; a CSR that no longer parses reads as invalid, never a 500. */
async function checkRequest(r: {
  purpose: string
  csr: Uint8Array
  key_algorithm: string
  key_bits: number | null
  key_curve: string | null
  certificate_serial: string | null
}): Promise<RequestCheck> {
  const der = new Uint8Array(r.csr)
  let subjectDn: string | null = null
  let signatureValid = false
  try {
    subjectDn = parseCsr(der).subject.dn
    signatureValid = await verifyCsr(der)
  } catch {
    signatureValid = false
  }
  return {
    purpose: r.purpose,
    keyAlgorithm: r.key_algorithm,
    keyBits: r.key_bits,
    keyCurve: r.key_curve,
    subjectDn,
    signatureValid,
    certificateSerial: r.certificate_serial,
    csr: toPem(der, 'CERTIFICATE REQUEST'),
  }
}

/** Registers the console routes (called by buildApp next to operatorRoutes). */
export async function operatorConsoleRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts
  app.addHook('preHandler', requireOperatorSession(ctx))

  app.get<{ Querystring: { iin?: string; serial?: string } }>(
    '/api/v1/operator/certificates',
    { schema: { querystring: lookupQuery } },
    async (req) => {
      const { iin, serial } = req.query
      if (!iin && !serial) throw badRequest('ERR_VALIDATION', 'give an iin or a serial')
      const rows = await findCertificates(ctx.db, { iin, serial }, LOOKUP_LIMIT)
      return { certificates: rows.map((c) => ({ ...certificateView(c), iin: c.iin, bin: c.bin, applicationNumber: c.application_number })) }
    },
  )

  app.get<{ Params: { number: string } }>('/api/v1/operator/applications/:number/requests', { schema: { params: numberParams } }, async (req) => {
    const number = req.params.number
    if (!(await applicationExists(ctx.db, number))) throw notFound('no such application')
    const rows = await requestsOfApplication(ctx.db, number)
    return { number, requests: await Promise.all(rows.map(checkRequest)) }
  })
}
