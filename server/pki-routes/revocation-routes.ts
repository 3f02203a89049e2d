/**
 * Revocation over HTTP.
 *
 * Holder: POST /api/v1/certificates/:serial/revoke with JSON `{ reason }` from a signed-in
 * session whose IIN is the certificate's, or with JSON `{ reason, cms }`, where `cms` is
 * base64 of an attached CMS SignedData, signed with the key of that very certificate, whose
 * content is the UTF-8 JSON `revocationRequestPayload(serial, reason, time)` builds:
 * `{"action":"revoke","serial":"<lowercase hex>","reason":<code>,"time":"<ISO 8601>"}`.
 * The signer certificate must be byte-identical to the certificate being revoked, and `time`
 * within 10 minutes of the server's clock (a captured request cannot be replayed later, and
 * replaying it early only repeats the same revocation).
 *
 * Operators: POST /api/v1/operator/certificates/:serial/{revoke,hold,release} behind the
 * platform's requireOperator; revoke takes `{ reason }` (any RFC 5280 reason except hold), and
 * each takes an optional `comment` (the operator's why, written to the audit row).
 *
 * Refusals every route shares (server/ca/revocation.ts): a serial this CA never issued answers
 * 404 ERR_NOT_ISSUED_HERE, an expired certificate 409 ERR_EXPIRED_NOT_REVOCABLE.
 */
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify'
import type { CertificateAuthority } from '../ca/authority.ts'
import { changeStatus, HOLDER_REASONS, normalizeSerial, reasonCode, REVOCATION_REASONS } from '../ca/revocation.ts'
import { certificateDer, certificateOwner } from '../ca/store.ts'
import type { Db } from '../db/schema.ts'
import { badRequest, forbidden, unauthorized } from '../errors.ts'
import { verifyCms } from '../../src/pki/cms.ts'

/** Allowed clock difference for the signed `time` of a holder's request. */
export const REQUEST_TIME_WINDOW_MS = 10 * 60_000

/** The exact bytes a holder signs to revoke `serial` (clients must produce the same JSON). */
export function revocationRequestPayload(serial: string, reason: number, time: Date): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ action: 'revoke', serial: serial.toLowerCase(), reason, time: time.toISOString() }))
}

export interface RevocationRouteOptions {
  readonly db: Db
  readonly getCa: () => Promise<CertificateAuthority>
  /** The platform's operator authentication (sets what actorOf reads). */
  readonly requireOperator: preHandlerHookHandler
  /** Audit actor of an authenticated operator request, e.g. 'operator:<IIN>'. */
  readonly actorOf: (req: FastifyRequest) => string
  /** The IIN of the request's signed-in session, if any (certificate sign-in). */
  readonly sessionIinOf?: (req: FastifyRequest) => Promise<string | undefined>
}

const reasonSchema = { anyOf: [{ type: 'integer', minimum: 0, maximum: 10 }, { type: 'string', maxLength: 40 }] }
const commentSchema = { type: 'string', maxLength: 500 }

/** Registers the holder and operator revocation routes. */
export async function revocationRoutes(app: FastifyInstance, opts: RevocationRouteOptions): Promise<void> {
  app.post<{ Params: { serial: string }; Body: { reason: number | string; cms?: string } }>(
    '/api/v1/certificates/:serial/revoke',
    {
      bodyLimit: 64 * 1024,
      schema: {
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: reasonSchema, cms: { type: 'string', minLength: 16, maxLength: 60_000 } },
        },
      },
    },
    async (req) => {
      const serial = normalizeSerial(req.params.serial)
      const reason = reasonCode(req.body.reason)
      if (!HOLDER_REASONS.includes(reason)) throw badRequest('ERR_INVALID_REASON', `a holder cannot revoke with reason ${reason}`)
      const ca = await opts.getCa()
      if (req.body.cms === undefined) {
        // Session route: the signed-in holder's IIN must be the certificate's.
        const iin = await opts.sessionIinOf?.(req)
        if (!iin) throw unauthorized('sign in, or sign the revocation request with the certificate')
        const result = await changeStatus(opts.db, ca, { action: 'revoke', reason }, serial, `holder:${iin}`, async (trx) => {
          const cert = await certificateOwner(trx, serial)
          if (cert && cert.iin !== iin) throw forbidden('this certificate belongs to someone else', 'ERR_ACCESS_DENIED')
        })
        return { serial: result.serial, status: result.after.status, reason: result.after.reason, revokedAt: result.after.at }
      }
      const cms = Buffer.from(req.body.cms, 'base64')
      const result = await changeStatus(opts.db, ca, { action: 'revoke', reason }, serial, `holder:${serial}`, async (trx) => {
        const cert = await certificateDer(trx, serial)
        if (!cert) return // changeStatus answers 404
        let v
        try {
          v = await verifyCms(cms)
        } catch {
          throw badRequest('ERR_MALFORMED', 'the revocation request is not a readable CMS SignedData')
        }
        if (!v.valid) throw badRequest('ERR_SIGNATURE_INVALID', 'the revocation request signature does not verify')
        if (!Buffer.from(v.signerCertificate).equals(Buffer.from(cert.der))) {
          throw forbidden('the revocation request must be signed with the key of the certificate being revoked', 'ERR_ACCESS_DENIED')
        }
        let payload: { action?: unknown; serial?: unknown; reason?: unknown; time?: unknown }
        try {
          payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(v.content)) as typeof payload
        } catch {
          throw badRequest('ERR_MALFORMED', 'the signed content is not the revocation request JSON')
        }
        const time = typeof payload.time === 'string' ? Date.parse(payload.time) : NaN
        if (payload.action !== 'revoke' || payload.serial !== serial || payload.reason !== reason) {
          throw badRequest('ERR_REQUEST_MISMATCH', 'the signed request does not match this serial and reason')
        }
        if (!Number.isFinite(time) || Math.abs(time - Date.now()) > REQUEST_TIME_WINDOW_MS) {
          throw badRequest('ERR_REQUEST_EXPIRED', 'the signed request time is not within 10 minutes of now')
        }
      })
      return { serial: result.serial, status: result.after.status, reason: result.after.reason, revokedAt: result.after.at }
    },
  )

  app.register(async (op) => {
    op.addHook('preHandler', opts.requireOperator)
    op.post<{ Params: { serial: string }; Body: { reason: number | string; comment?: string } }>(
      '/api/v1/operator/certificates/:serial/revoke',
      { schema: { body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason: reasonSchema, comment: commentSchema } } } },
      async (req) => {
        const reason = reasonCode(req.body.reason)
        if (!REVOCATION_REASONS.includes(reason)) throw badRequest('ERR_INVALID_REASON', `reason ${reason} cannot be used to revoke (use hold/release)`)
        const comment = req.body.comment?.trim() || undefined
        const r = await changeStatus(opts.db, await opts.getCa(), { action: 'revoke', reason, comment }, req.params.serial, opts.actorOf(req))
        return { serial: r.serial, status: r.after.status, reason: r.after.reason, revokedAt: r.after.at }
      },
    )
    for (const action of ['hold', 'release'] as const) {
      op.post<{ Params: { serial: string }; Body: { comment?: string } | undefined }>(
        `/api/v1/operator/certificates/:serial/${action}`,
        {
          schema: { body: { type: 'object', additionalProperties: false, properties: { comment: commentSchema } } },
          // The body is optional (scripts post none): validate an absent one as {}.
          preValidation: async (req) => {
            req.body ??= {}
          },
        },
        async (req) => {
          const comment = req.body?.comment?.trim() || undefined
          const r = await changeStatus(opts.db, await opts.getCa(), { action, comment }, req.params.serial, opts.actorOf(req))
          return { serial: r.serial, status: r.after.status, reason: r.after.reason, revokedAt: r.after.at }
        },
      )
    }
  })
}
