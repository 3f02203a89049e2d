/**
 * The PKI endpoints named in our certificates: GET /ca/<name>.crt, GET /crl/<name>.crl and
 * OCSP at /ocsp (POST with an application/ocsp-request body, GET with the base64 request in the
 * path, RFC 6960 Appendix A.1). Registered as an encapsulated plugin so the OCSP body parser
 * applies here only.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { CertificateAuthority } from '../ca/authority.ts'
import { ISSUING_NAME, OCSP_NAME, ROOT_NAME } from '../ca/hierarchy.ts'
import { ocspError, OcspStatus } from '../ca/ocsp-der.ts'
import { toPem } from '../../src/pki/pem.ts'

export interface PkiEndpointOptions {
  /** The loaded CA (may still be starting). */
  readonly getCa: () => Promise<CertificateAuthority>
}

/** OCSP requests are small (a CertID is ~80 bytes); anything bigger is not an OCSP request. */
const OCSP_BODY_LIMIT = 16 * 1024
const MALFORMED = ocspError(OcspStatus.malformedRequest)

function sendOcsp(reply: FastifyReply, der: Buffer, maxAge: number, get: boolean): FastifyReply {
  reply.header('content-type', 'application/ocsp-response')
  // RFC 5019 §6: GET responses without a nonce may be cached by HTTP caches until nextUpdate.
  if (get && maxAge > 0) reply.header('cache-control', `max-age=${maxAge}, public, no-transform, must-revalidate`)
  else reply.header('cache-control', 'no-store')
  return reply.send(der)
}

/** Registers /ca, /crl and /ocsp. */
export async function pkiEndpoints(app: FastifyInstance, opts: PkiEndpointOptions): Promise<void> {
  // Any content type (some clients send none): the body is read raw and parsed by the responder.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: OCSP_BODY_LIMIT }, (_req, body, done) => done(null, body))

  app.get<{ Params: { file: string } }>('/ca/:file', async (req, reply) => {
    const m = /^([a-z]+)\.(crt|cer|der|pem)$/.exec(req.params.file)
    const ca = await opts.getCa()
    const member = m && { [ROOT_NAME]: ca.hierarchy.root, [ISSUING_NAME]: ca.hierarchy.issuing, [OCSP_NAME]: ca.hierarchy.ocsp }[m[1] as string]
    if (!m || !member) return reply.code(404).send({ error: { code: 'ERR_NOT_FOUND', message: 'no such CA certificate' } })
    reply.header('cache-control', 'public, max-age=86400')
    if (m[2] === 'pem') {
      return reply.type('application/x-pem-file').send(toPem(member.der, 'CERTIFICATE'))
    }
    return reply.type('application/pkix-cert').send(member.der)
  })

  app.get<{ Params: { file: string } }>('/crl/:file', async (req, reply) => {
    const file = req.params.file
    if (file !== `${ISSUING_NAME}.crl` && file !== `${ROOT_NAME}.crl`) return reply.code(404).send({ error: { code: 'ERR_NOT_FOUND', message: 'no such CRL' } })
    const ca = await opts.getCa()
    const crl = file === `${ROOT_NAME}.crl` ? ca.rootCrl() : await ca.crl.current()
    const maxAge = Math.max(0, Math.min(300, Math.floor((crl.nextUpdate.getTime() - Date.now()) / 1000)))
    reply.header('cache-control', `public, max-age=${maxAge}`)
    reply.header('last-modified', crl.thisUpdate.toUTCString())
    reply.header('etag', `"crl-${file}-${crl.crlNumber}"`)
    return reply.type('application/pkix-crl').send(crl.der)
  })

  // The CA once loaded, so the OCSP hot path does not await the provider on every request.
  let loaded: CertificateAuthority | undefined
  const authority = async () => (loaded ??= await opts.getCa())
  const post = async (req: { body: unknown }, reply: FastifyReply) => {
    const ca = loaded ?? (await authority())
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    const answer = ca.ocsp.tryCached(body) ?? (await ca.ocsp.respond(body))
    return sendOcsp(reply, answer.der, answer.maxAge, false)
  }
  app.post('/ocsp', post)
  app.post('/ocsp/', post)
  app.get<{ Params: { '*': string } }>('/ocsp/*', async (req, reply) => {
    let der: Buffer
    try {
      // The path is the URL-encoded base64 of the DER request (it may contain '/', '+', '=').
      const b64 = decodeURIComponent(req.params['*'])
      if (!/^[A-Za-z0-9+/=_-]{4,}$/.test(b64)) return sendOcsp(reply, MALFORMED, 0, true)
      der = Buffer.from(b64, 'base64')
    } catch {
      return sendOcsp(reply, MALFORMED, 0, true)
    }
    const ca = loaded ?? (await authority())
    const answer = ca.ocsp.tryCached(der) ?? (await ca.ocsp.respond(der))
    return sendOcsp(reply, answer.der, answer.maxAge, true)
  })
  // A body that is too large or unreadable on /ocsp is still answered in OCSP, not JSON.
  app.setErrorHandler((err, req, reply) => {
    if (req.url.startsWith('/ocsp')) return sendOcsp(reply.code(200), MALFORMED, 0, false)
    throw err // the application's error handler answers everything else
  })
}
