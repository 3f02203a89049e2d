/**
 * POST /tsp: the RFC 3161 timestamp authority over HTTP (RFC 3161 §3.4). Every answer, refusals
 * included, is a TimeStampResp (application/timestamp-reply), so a client always reads the reason
 * the way it reads a token: a wrong method (405), a wrong content type (415) or an oversized body
 * (413) is a rejection with badRequest; a body that is not a valid request is a rejection with
 * its failInfo (200, as RFC 3161 answers it in the protocol); a rate limit is a rejection with
 * HTTP 429; a failure of ours is systemFailure with 503, never a 500. Registered as an
 * encapsulated plugin so its raw body parser and error handler apply here only.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { CertificateAuthority } from '../ca/authority.ts'
import type { CaConfig } from '../ca/hierarchy.ts'
import type { Db } from '../db/schema.ts'
import { TimestampAuthority, type TsaOpenOptions, type TsaSettings } from './timestamp-authority.ts'
import { rejectionResponse, type FailInfoName } from './tsp-der.ts'
import { toPem } from '../../src/pki/pem.ts'

export interface TsaRouteOptions {
  /** The loaded CA (may still be starting). */
  readonly getCa: () => Promise<CertificateAuthority>
  readonly db: Db
  readonly config: CaConfig
  readonly tsa: TsaSettings
  /** Requests per client address per window (RATE_LIMIT_TSA, RATE_LIMIT_WINDOW_MS). */
  readonly rateLimit: { readonly max: number; readonly timeWindow: number }
  readonly open?: TsaOpenOptions
}

/** A TimeStampReq is ~60–150 bytes (SHA-512 imprint, nonce, policy); 4 KiB leaves room and no more. */
export const TSP_BODY_LIMIT = 4096
const QUERY_TYPE = 'application/timestamp-query'

function sendReply(reply: FastifyReply, status: number, der: Buffer): FastifyReply {
  return reply.code(status).header('content-type', 'application/timestamp-reply').header('cache-control', 'no-store').send(der)
}

function reject(reply: FastifyReply, status: number, failInfo: FailInfoName | undefined, message: string): FastifyReply {
  return sendReply(reply, status, rejectionResponse({ failInfo, message }))
}

export async function tsaRoutes(app: FastifyInstance, opts: TsaRouteOptions): Promise<void> {
  app.removeAllContentTypeParsers()
  // Any content type is read raw (the handler refuses the wrong ones with a TimeStampResp).
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: TSP_BODY_LIMIT }, (_req, body, done) => done(null, body))

  // Opened once, on the first request: the key is made or decrypted then, not at start-up.
  let opening: Promise<TimestampAuthority> | undefined
  const authority = (): Promise<TimestampAuthority> =>
    (opening ??= opts.getCa().then((ca) => TimestampAuthority.open(opts.config, opts.db, ca, opts.tsa, opts.open)).catch((e: unknown) => {
      opening = undefined
      throw e
    }))
  app.addHook('onClose', async () => {
    const tsa = await opening?.catch(() => undefined)
    tsa?.close()
  })

  app.post('/tsp', { config: { rateLimit: opts.rateLimit } }, async (req, reply) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== QUERY_TYPE) return reject(reply, 415, 'badRequest', `the request must be ${QUERY_TYPE}`)
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    const answer = await (await authority()).respond(body)
    return sendReply(reply, 200, answer.der)
  })
  // The TSA certificate beside the CA's (/ca/<name>.crt): a token made without certReq names it
  // but does not carry it, and a verifier fetches it here.
  app.get('/ca/tsa.crt', async (_req, reply) =>
    reply.type('application/pkix-cert').header('cache-control', 'public, max-age=3600').send((await authority()).certificate.der))
  app.get('/ca/tsa.pem', async (_req, reply) =>
    reply.type('application/x-pem-file').header('cache-control', 'public, max-age=3600').send(toPem((await authority()).certificate.der, 'CERTIFICATE')))
  app.get('/tsp', async (_req, reply) => reject(reply.header('allow', 'POST'), 405, 'badRequest', `POST a DER TimeStampReq as ${QUERY_TYPE}`))

  app.setErrorHandler((err: { statusCode?: number; code?: string; message?: string }, req, reply) => {
    if (!req.url.startsWith('/tsp')) throw err // /ca/tsa.*: the application's JSON error model
    if (err.statusCode === 413) return reject(reply, 413, 'badRequest', `the request is larger than ${TSP_BODY_LIMIT} bytes`)
    if (err.statusCode === 429) return reject(reply, 429, undefined, err.message ?? 'too many requests')
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return reject(reply, err.statusCode, 'badRequest', 'unreadable request')
    req.log.error({ err }, 'timestamp request failed')
    return reject(reply, 503, 'systemFailure', 'the timestamp authority is not available, try again later')
  })
}
