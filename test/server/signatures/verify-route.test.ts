/**
 * POST /api/v1/signatures/verify on the whole Registration Center (PGlite and PostgreSQL: the
 * status of our own certificates comes from the database): a document signed with `openssl cms
 * -sign -cades` by a key our CA certified, sent as multipart with the document or its SHA-256;
 * a changed document, garbage, a truncated file, a missing part, a non-multipart body, a 5 GB
 * declared upload (refused before its body is read, over real HTTP) and a streamed upload past
 * the limit, each with its code, never a 500.
 */
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installErrorHandler } from '../../../server/errors.ts'
import { signatureRoutes } from '../../../server/signatures/index.ts'
import { acceptWithoutRevocationCheck, createTrustStore } from '../../../src/verifier/index.ts'
import { nodeSignatureVerifier } from '../../../server/auth/node-signature-verifier.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { ENGINES } from '../helpers/database.ts'
import { multipart } from '../helpers/multipart.ts'
import { operatorSignature, timestampedByOwnTsa } from '../helpers/cms-signing.ts'

const doc = new TextEncoder().encode('Қолхат: 100 000 теңге алдым. / Расписка.\n')
const work = mkdtempSync(join(tmpdir(), 'qt-sigverify-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe.each(ENGINES)('POST /api/v1/signatures/verify (%s)', (engine) => {
  let s: TestServer
  let detached: Uint8Array

  beforeAll(async () => {
    s = await startTestServer(engine)
    detached = await operatorSignature(s, work, engine, doc, { chain: true })
  }, 60_000)

  afterAll(async () => s?.close())

  const verify = (parts: Parameters<typeof multipart>[0]) => s.app.inject({ method: 'POST', url: '/api/v1/signatures/verify', ...multipart(parts) })

  it('verifies a detached signature with its document, and with the document sent as its SHA-256', async () => {
    const sha = createHash('sha256').update(doc).digest('hex')
    for (const parts of [[{ name: 'signature', file: detached }, { name: 'document', file: doc }], [{ name: 'signature', file: detached }, { name: 'sha256', value: sha }]]) {
      const r = await verify(parts)
      expect(r.statusCode).toBe(200)
      const body = r.json()
      expect(body).toMatchObject({ valid: true, document: { sha256: sha, attached: false }, signers: [{ valid: true, level: 'CAdES-BES', identity: { iin: '700611300018' }, notes: ['NOTE_NO_TIMESTAMP'] }] })
      // Our own certificate's status comes from the database, the issuing CA's from the root CRL.
      expect(body.signers[0].revocations.map((a: { status: string; source: string }) => a.status)).toEqual(['good', 'good'])
      expect(body.signers[0].chain).toHaveLength(3)
    }
    const base64 = await verify([{ name: 'signature', file: new TextEncoder().encode(Buffer.from(detached).toString('base64')) }, { name: 'document', file: doc }])
    expect(base64.json()).toMatchObject({ valid: true, document: { bytes: doc.length } })
  })

  it('CAdES-T with a timestamp from our own /tsp: valid, the timestamp is the time of signing', async () => {
    const timed = await timestampedByOwnTsa(s, work, engine, detached)
    const r = await verify([{ name: 'signature', file: timed }, { name: 'document', file: doc }])
    expect(r.json()).toMatchObject({ valid: true, signers: [{ valid: true, level: 'CAdES-T', notes: [] }] })
    expect(r.json().signers[0].timestamp.tsa.subject).toMatch(/TSA|Timestamp|Time/i)
  })

  it('a document changed by one byte: 200, not valid, ERR_DOCUMENT_CHANGED', async () => {
    const changed = doc.slice()
    changed[5] = (changed[5] as number) ^ 1
    const r = await verify([{ name: 'signature', file: detached }, { name: 'document', file: changed }])
    expect(r.statusCode).toBe(200)
    expect(r.json()).toMatchObject({ valid: false, signers: [{ valid: false, code: 'ERR_DOCUMENT_CHANGED' }] })
  })

  it('garbage, a truncated signature, no document, no signature part, a bad sha256, JSON: 4xx codes', async () => {
    const cases: Array<[Parameters<typeof multipart>[0], number, string]> = [
      [[{ name: 'signature', file: new TextEncoder().encode('not a signature at all') }, { name: 'document', file: doc }], 400, 'ERR_MALFORMED'],
      [[{ name: 'signature', file: detached.slice(0, detached.length - 100) }, { name: 'document', file: doc }], 400, 'ERR_MALFORMED'],
      [[{ name: 'signature', file: detached }], 400, 'ERR_DOCUMENT_REQUIRED'],
      [[{ name: 'document', file: doc }], 400, 'ERR_VALIDATION'],
      [[{ name: 'signature', file: detached }, { name: 'sha256', value: 'abc' }], 400, 'ERR_VALIDATION'],
      [[{ name: 'signature', file: detached }, { name: 'other', file: doc }], 400, 'ERR_VALIDATION'],
    ]
    for (const [parts, status, code] of cases) {
      const r = await verify(parts)
      expect([r.statusCode, r.json().error.code], code).toEqual([status, code])
    }
    const json = await s.app.inject({ method: 'POST', url: '/api/v1/signatures/verify', payload: { signature: 'x' } })
    expect([json.statusCode, json.json().error.code]).toEqual([415, 'ERR_UNSUPPORTED_MEDIA_TYPE'])
  })

  it('a 5 GB upload is refused with 413 ERR_TOO_LARGE from its Content-Length, before the body is sent', async () => {
    const address = await s.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = new URL(address)
    const answer = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      let sent = 0
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/signatures/verify', headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(5 * 1024 ** 3) } }, (res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }))
      })
      req.on('error', (e) => (sent > 0 ? undefined : reject(e)))
      const chunk = Buffer.alloc(64 * 1024, 0x41)
      // Only the first 64 KiB go out before the answer is awaited: the server must not wait for 5 GB.
      req.write(chunk, () => (sent += chunk.length))
    })
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body).error.code).toBe('ERR_TOO_LARGE')
    expect(answer.sent).toBeLessThanOrEqual(64 * 1024)
  })
})

describe('the route with small limits: a streamed upload past them is cut off with ERR_TOO_LARGE', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = Fastify({ logger: false })
    installErrorHandler(app)
    await app.register(signatureRoutes, {
      setup: async () => ({ trust: createTrustStore([]), revocation: acceptWithoutRevocationCheck, signatureVerifier: nodeSignatureVerifier() }),
      maxDocumentBytes: 64 * 1024,
      maxSignatureBytes: 16 * 1024,
      rateLimit: { max: 1000, timeWindow: 60_000 },
    })
    await app.ready()
  })
  afterAll(async () => app?.close())

  it('a document or a signature over its limit (no Content-Length check involved: chunked)', async () => {
    for (const parts of [[{ name: 'signature', file: new Uint8Array(20 * 1024) }], [{ name: 'signature', file: new Uint8Array(100) }, { name: 'document', file: new Uint8Array(100 * 1024) }]]) {
      const { payload, headers } = multipart(parts)
      const r = await app.inject({ method: 'POST', url: '/api/v1/signatures/verify', headers: { ...headers, 'transfer-encoding': 'chunked' }, payload })
      expect([r.statusCode, r.json().error.code]).toEqual([413, 'ERR_TOO_LARGE'])
    }
  })
})
