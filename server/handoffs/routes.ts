/**
 * The hand-off API (README.md): the requesting screen registers, follows and collects; the
 * phone opens (once, with the secret from the QR's fragment), then signs or declines. Secrets
 * travel in JSON bodies and headers only, never in a URL the server sees, so no access log
 * holds one.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ErrorCode, isQoltanbaError } from '../../src/core/errors.ts'
import { normalizeOrigin, parseSignedData, verifyDocumentSignatures } from '../../src/verifier/index.ts'
import { cookieNames, readCookie, setCookie } from '../auth/cookies.ts'
import { createChallenge } from '../auth/challenges.ts'
import type { LoginService } from '../auth/login.ts'
import { startSession } from '../auth/session-start.ts'
import type { SessionPolicy } from '../auth/sessions.ts'
import type { SignInSetup } from '../auth/sign-in-setup.ts'
import { isTokenShaped, randomToken, tokenHash } from '../auth/tokens.ts'
import type { AppContext } from '../context.ts'
import { ApiError, ApiErrorCode, badRequest } from '../errors.ts'
import { answerApplication, checkedApplication } from './application.ts'
import type { HandoffSignals } from './live.ts'
import { answerHandoff, failHandoff, handoffNotFound, insertHandoff, openedHandoff, openHandoff, requesterView, takeResult, visibleState } from './store.ts'
import type { HandoffDocument } from './schema.ts'
import { createBody, openBody, resultBody, secretBody, type CreateBody } from './schemas.ts'

export interface HandoffRoutesOptions {
  readonly ctx: AppContext
  readonly login: LoginService
  readonly setup: () => Promise<SignInSetup>
  readonly policy: SessionPolicy
  readonly signals: HandoffSignals
  readonly rateLimit: { readonly max: number; readonly timeWindow: number }
  /** Largest total of documents sent with their content (default 1 MiB). */
  readonly maxContentBytes?: number
  /** Clock (tests move it to expire hand-offs). */
  readonly now?: () => Date
  /** How often a waiting requester re-reads its row (changes made by other instances). */
  readonly pollMs?: number
}

export const DEFAULT_MAX_CONTENT_BYTES = 1024 * 1024
export const MAX_TTL_SECONDS = 300
const TOKEN_HEADER = 'x-handoff-token'
const terminal = new Set(['signed', 'declined', 'failed', 'expired'])

const tooLarge = (limit: number) => new ApiError(413, ApiErrorCode.TooLarge, `The documents are larger than ${limit} bytes; send large documents as their sha256`, { limit })

/** The documents as stored: content checked against the claimed hash and size. */
function checkDocuments(documents: CreateBody['documents'], limit: number): HandoffDocument[] {
  let total = 0
  return (documents ?? []).map((d) => {
    if (d.content === undefined) return { ...d, sha256: d.sha256.toLowerCase() }
    const bytes = Buffer.from(d.content, 'base64')
    total += bytes.length
    if (total > limit) throw tooLarge(limit)
    if (bytes.length !== d.size || createHash('sha256').update(bytes).digest('hex') !== d.sha256.toLowerCase()) {
      throw badRequest(ApiErrorCode.Validation, `The content of "${d.name}" does not match its size and sha256`)
    }
    return { ...d, sha256: d.sha256.toLowerCase() }
  })
}

export async function handoffRoutes(app: FastifyInstance, opts: HandoffRoutesOptions): Promise<void> {
  const { ctx, signals } = opts
  const now = opts.now ?? (() => new Date())
  const pollMs = opts.pollMs ?? 1000
  const maxContent = opts.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES
  const ownOrigin = normalizeOrigin(ctx.config.publicUrl)
  const names = cookieNames(ctx.config.publicUrl)
  const base = ctx.config.publicUrl.replace(/\/+$/, '')
  const limited = { config: { rateLimit: opts.rateLimit } }
  // Base64 grows content by a third; names, hashes and previews come on top.
  const bodyLimit = Math.ceil((maxContent * 4) / 3) + 2 * 1024 * 1024

  const requester = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const token = req.headers[TOKEN_HEADER]
    if (typeof token !== 'string' || !isTokenShaped(token)) throw handoffNotFound()
    const row = await requesterView(ctx.db, req.params.id, tokenHash(token))
    if (!row) throw handoffNotFound()
    return { token, row }
  }
  const stateView = (row: NonNullable<Awaited<ReturnType<typeof requesterView>>>) => {
    const state = visibleState(row, now())
    return { state, expiresAt: row.expires_at.toISOString(), ...(row.failure ? { failure: row.failure } : {}) }
  }

  /** Each document's detached CMS verified against its stored SHA-256 (src/verifier, as POST /api/v1/signatures/verify). */
  const verifySignatures = async (documents: readonly HandoffDocument[], signatures: readonly string[], at: Date): Promise<void> => {
    const setup = await opts.setup()
    for (const [i, cms] of signatures.entries()) {
      const verdict = await verifyDocumentSignatures({
        cms,
        contentDigests: { 'SHA-256': new Uint8Array(Buffer.from(documents[i]!.sha256, 'hex')) },
        trustAnchors: setup.trust,
        revocation: setup.revocation,
        signatureVerifier: setup.signatureVerifier,
        now: at,
      })
      const refused = verdict.signers.find((s) => !s.valid)
      if (!verdict.signers.length || refused) {
        throw badRequest(refused?.code ?? ErrorCode.SignatureInvalid, `The signature of "${documents[i]!.name}" does not verify`, { document: i })
      }
    }
  }

  app.post<{ Body: CreateBody }>('/api/v1/handoffs', { ...limited, bodyLimit, schema: { body: createBody } }, async (req, reply) => {
    reply.header('Cache-Control', 'no-store')
    const body = req.body
    const at = now()
    const origin = req.headers.origin ? normalizeOrigin(req.headers.origin) : ownOrigin
    const ttl = Math.min(body.ttlSeconds ?? MAX_TTL_SECONDS, MAX_TTL_SECONDS)
    const expiresAt = new Date(at.getTime() + ttl * 1000)
    let payload: Uint8Array | null = null
    let documents: HandoffDocument[] = []
    let application: Awaited<ReturnType<typeof checkedApplication>> | null = null
    if (body.kind === 'application') {
      // Applications are made here: only our own kiosk pages may hand one to a phone.
      if (origin !== ownOrigin) throw new ApiError(403, ErrorCode.OriginMismatch, 'An application can be handed off only by this site')
      if (!body.application) throw badRequest(ApiErrorCode.Validation, 'An application hand-off needs `application`')
      application = await checkedApplication(ctx, body.application)
    } else if (body.kind === 'sign-in') {
      // The session is ours: only our own pages may hand their sign-in to a phone.
      if (origin !== ownOrigin) throw new ApiError(403, ErrorCode.OriginMismatch, 'A sign-in can be handed off only by this site')
      let prelogin = readCookie(req, names.prelogin)
      if (!isTokenShaped(prelogin)) {
        prelogin = randomToken()
        setCookie(reply, names, names.prelogin, prelogin, ttl + 60)
      }
      payload = (await createChallenge(ctx.db, prelogin, ownOrigin, at, ttl * 1000)).bytes
    } else {
      if (!body.documents?.length) throw badRequest(ApiErrorCode.Validation, 'A signing hand-off needs at least one document')
      documents = checkDocuments(body.documents, maxContent)
    }
    const id = randomBytes(16).toString('base64url')
    const secret = randomToken()
    const token = randomToken()
    const code = String(randomInt(10, 100))
    await insertHandoff(ctx.db, {
      id,
      kind: body.kind,
      secretHash: tokenHash(secret),
      requesterHash: tokenHash(token),
      requesterName: body.requester.name.trim(),
      requesterOrigin: origin,
      code,
      payload,
      documents,
      application,
      expiresAt,
    })
    const link = `${base}/handoff#${id}.${secret}`
    return reply.code(201).send({ id, token, code, expiresAt: expiresAt.toISOString(), qr: link, deepLink: link })
  })

  // Long-poll: answers at once when the state differs from `after`, else when it changes (≤ 25 s).
  app.get<{ Params: { id: string }; Querystring: { after?: string } }>('/api/v1/handoffs/:id', async (req, reply) => {
    reply.header('Cache-Control', 'no-store')
    let { row } = await requester(req)
    const deadline = Date.now() + 25_000
    const gone = new AbortController()
    req.raw.once('close', () => gone.abort())
    while (req.query.after && stateView(row).state === req.query.after && Date.now() < deadline && !gone.signal.aborted) {
      await signals.next(req.params.id, Math.min(pollMs, Math.max(0, deadline - Date.now()), Math.max(1, row.expires_at.getTime() - now().getTime())), gone.signal)
      row = (await requesterView(ctx.db, req.params.id, tokenHash(String(req.headers[TOKEN_HEADER])))) ?? { ...row, state: 'failed', failure: ErrorCode.HandoffNotFound }
    }
    return stateView(row)
  })

  // Server-Sent Events: one `state` event per change, the stream ends at a final state.
  app.get<{ Params: { id: string } }>('/api/v1/handoffs/:id/events', async (req, reply) => {
    let { row } = await requester(req)
    const hash = tokenHash(String(req.headers[TOKEN_HEADER]))
    reply.hijack()
    reply.raw.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' })
    const gone = new AbortController()
    reply.raw.once('close', () => gone.abort())
    let last = ''
    for (;;) {
      const view = stateView(row)
      if (view.state !== last) {
        reply.raw.write(`event: state\ndata: ${JSON.stringify(view)}\n\n`)
        last = view.state
      }
      if (terminal.has(view.state) || gone.signal.aborted) break
      await signals.next(req.params.id, Math.min(pollMs, Math.max(1, row.expires_at.getTime() - now().getTime())), gone.signal)
      const fresh = await requesterView(ctx.db, req.params.id, hash)
      if (!fresh) break
      row = fresh
    }
    reply.raw.end()
  })

  app.post<{ Params: { id: string }; Body: { secret: string } }>('/api/v1/handoffs/:id/open', { ...limited, schema: { body: openBody } }, async (req, reply) => {
    reply.header('Cache-Control', 'no-store')
    const row = await openHandoff(ctx.db, req.params.id, tokenHash(req.body.secret), now())
    signals.changed(row.id)
    return {
      kind: row.kind,
      requester: { name: row.requester_name, origin: row.requester_origin },
      code: row.code,
      expiresAt: row.expires_at.toISOString(),
      ...(row.payload ? { payload: Buffer.from(row.payload).toString('base64') } : {}),
      documents: row.documents,
      ...(row.application ? { application: row.application } : {}),
    }
  })

  app.post<{ Params: { id: string }; Body: { secret: string; cms?: string; signatures?: string[]; requests?: Array<{ purpose: 'auth' | 'sign'; csr: string }> } }>(
    '/api/v1/handoffs/:id/result',
    { ...limited, schema: { body: resultBody } },
    async (req, reply) => {
      const at = now()
      const secretHash = tokenHash(req.body.secret)
      if (req.body.requests) {
        // An application: the phone's CSRs are submitted here; the phone gets the number and access code.
        // A refusal moves the hand-off to failed (application.ts): the kiosk is woken either way.
        try {
          const submitted = await answerApplication(ctx, req.params.id, secretHash, req.body.requests, at, req.body.cms)
          reply.header('Cache-Control', 'no-store')
          return submitted
        } finally {
          signals.changed(req.params.id)
        }
      }
      const row = await openedHandoff(ctx.db, req.params.id, secretHash, at)
      // A refusal by the decisive check ends the hand-off as failed (the requesting screen says
      // why and offers a new QR code); a body of the wrong shape only answers the phone.
      const decisive = async <T>(check: () => Promise<T>): Promise<T> => {
        try {
          return await check()
        } catch (e) {
          const code = e instanceof ApiError || isQoltanbaError(e) ? e.code : undefined
          if (code && code !== ApiErrorCode.Validation && (await failHandoff(ctx.db, row.id, secretHash, at, code))) signals.changed(row.id)
          throw e
        }
      }
      if (row.kind === 'application') throw badRequest(ApiErrorCode.Validation, 'An application hand-off is answered with `requests`')
      if (row.kind === 'sign-in') {
        const cms = req.body.cms
        if (!cms) throw badRequest(ApiErrorCode.Validation, 'A sign-in hand-off is answered with `cms`')
        // The same check as the requester's `complete` (the login service of POST /api/v1/auth/login,
        // without taking the challenge): what would refuse the sign-in is told to the phone now.
        await decisive(async () => {
          const content = parseSignedData(cms).content
          if (!content || !row.payload || Buffer.compare(Buffer.from(content), Buffer.from(row.payload)) !== 0) {
            throw badRequest(ErrorCode.PayloadMismatch, 'The CMS does not sign this hand-off\u2019s challenge')
          }
          await opts.login.check(cms, row.payload, at)
        })
        await answerHandoff(ctx.db, row.id, secretHash, at, { state: 'signed', result: { cms } })
      } else {
        const signatures = req.body.signatures ?? []
        if (signatures.length !== row.documents.length) throw badRequest(ApiErrorCode.Validation, `Send one signature per document (${row.documents.length})`)
        await decisive(() => verifySignatures(row.documents, signatures, at))
        await answerHandoff(ctx.db, row.id, secretHash, at, { state: 'signed', result: { signatures } })
      }
      signals.changed(row.id)
      return reply.code(204).send()
    },
  )

  app.post<{ Params: { id: string }; Body: { secret: string } }>('/api/v1/handoffs/:id/decline', { ...limited, schema: { body: secretBody } }, async (req, reply) => {
    await answerHandoff(ctx.db, req.params.id, tokenHash(req.body.secret), now(), { state: 'declined' })
    signals.changed(req.params.id)
    return reply.code(204).send()
  })

  // The requester collects: the signatures (once), or its sign-in (the session cookie).
  app.post<{ Params: { id: string } }>('/api/v1/handoffs/:id/complete', limited, async (req, reply) => {
    reply.header('Cache-Control', 'no-store')
    const { token, row } = await requester(req)
    if (stateView(row).state !== 'signed') throw new ApiError(409, ApiErrorCode.InvalidState, 'Nothing to collect yet', { state: stateView(row).state })
    const result = await takeResult(ctx.db, req.params.id, tokenHash(token), row.kind)
    if (!result) throw new ApiError(409, ErrorCode.HandoffUsed, 'The result was already collected', { reason: 'used' })
    if (row.kind === 'sign') return { signatures: result.signatures ?? [] }
    if (row.kind === 'application') return { application: result.application }
    return startSession({ db: ctx.db, login: opts.login, names, policy: opts.policy }, req, reply, { cms: result.cms ?? '' }, now())
  })
}

