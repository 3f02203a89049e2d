/**
 * Hand-offs to the phone on the whole Registration Center (PGlite and PostgreSQL): a desktop's
 * sign-in completed by a phone's CMS (the session works, the live stream saw every state), a
 * document signed on the phone and collected once, and every refusal with its code: wrong
 * secret or unknown id (one answer), expired, reused, declined then answered, oversized or
 * mismatched content, a foreign origin's sign-in, a signature over another document, a revoked
 * certificate refused on the phone's answer (the requester sees `failed` and why), too many
 * requests. Never a 500.
 */
import { createHash } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { revokeCertificate } from '../../../server/ca/revocation.ts'
import { issueOperatorCertificate } from '../../../server/operators/credential.ts'
import { deleteExpiredHandoffs } from '../../../server/handoffs/index.ts'
import { handoffDb } from '../../../server/handoffs/schema.ts'
import { authDb } from '../../../server/auth/schema.ts'
import { signCms } from '../../../src/pki/cms.ts'
import { importPrivateKey } from '../../../src/pki/private-key.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { ENGINES } from '../helpers/database.ts'

const ORIGIN = 'http://localhost:8080'
const doc = new TextEncoder().encode('Шарт: 2026 жылғы 5 желтоқсан. / Договор.\n')
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

/** The Cookie header from a response's Set-Cookie lines (name=value only, empty values dropped). */
function cookiesOf(r: LightMyRequestResponse): string {
  const raw = r.headers['set-cookie']
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  return list.map((c) => String(c).split(';')[0]!).filter((c) => !c.endsWith('=')).join('; ')
}

/** The id and secret from the QR URL's fragment. */
function fromLink(link: string): { id: string; secret: string } {
  const [id, secret] = new URL(link).hash.slice(1).split('.')
  return { id: id!, secret: secret! }
}

describe.each(ENGINES)('hand-offs (%s)', (engine) => {
  let s: TestServer
  let signer: { key: CryptoKey; der: Uint8Array; chain: Uint8Array[] }

  beforeAll(async () => {
    s = await startTestServer(engine)
    const cert = await issueOperatorCertificate(s.t.db, s.ca, s.ctx.registry, { iin: '700611300018', actor: 'test' })
    signer = { key: await importPrivateKey(cert.pkcs8, 'sign'), der: new Uint8Array(cert.der), chain: [new Uint8Array(s.ca.hierarchy.issuing.der)] }
  }, 60_000)
  afterAll(async () => s?.close())

  const create = (body: object, headers: Record<string, string> = { origin: ORIGIN }) => s.app.inject({ method: 'POST', url: '/api/v1/handoffs', payload: body, headers })
  const phone = (id: string, step: 'open' | 'result' | 'decline', body: object) => s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/${step}`, payload: body })
  const signDocuments = { kind: 'sign', requester: { name: 'Нотариус' }, documents: [{ name: 'шарт.txt', size: doc.length, sha256: sha256(doc), type: 'text/plain' }] }
  const rows = async () => handoffDb(s.t.db).selectFrom('handoffs').selectAll().execute()

  it('signs the desktop in by the phone: the live stream sees waiting → opened → signed, the session works', async () => {
    const created = await create({ kind: 'sign-in', requester: { name: 'Qoltanba' } })
    expect(created.statusCode).toBe(201)
    const h = created.json()
    expect(h.code).toMatch(/^\d{2}$/)
    expect(h.qr).toMatch(/^http:\/\/localhost:8080\/handoff#/)
    const { id, secret } = fromLink(h.qr)
    // Only hashes of the secret and the token are stored.
    const [row] = await rows()
    expect(JSON.stringify(row)).not.toContain(secret)
    expect(JSON.stringify(row)).not.toContain(h.token)

    const events = s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${id}/events`, headers: { 'x-handoff-token': h.token } })
    const opened = await phone(id, 'open', { secret })
    expect(opened.statusCode).toBe(200)
    expect(opened.json()).toMatchObject({ kind: 'sign-in', requester: { name: 'Qoltanba', origin: ORIGIN }, code: h.code })
    const payload = new Uint8Array(Buffer.from(opened.json().payload, 'base64'))
    const cms = await signCms({ data: payload, privateKey: signer.key, certificate: signer.der, chain: signer.chain })
    const answered = await phone(id, 'result', { secret, cms: Buffer.from(cms).toString('base64') })
    expect(answered.statusCode).toBe(204)

    const stream = await events
    expect(stream.headers['content-type']).toBe('text/event-stream')
    // The stream may start after the phone opened: it reports the states it saw, in order, ending at signed.
    const seen = [...stream.body.matchAll(/"state":"(\w+)"/g)].map((m) => m[1])
    expect(['waiting,opened,signed', 'opened,signed', 'signed']).toContain(seen.join(','))

    // Another browser (no pre-login cookie of this hand-off) cannot collect the sign-in.
    const stranger = await s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/complete`, headers: { 'x-handoff-token': h.token } })
    expect(stranger.statusCode).toBe(400)
    expect(stranger.json().error.code).toBe('ERR_NONCE_UNKNOWN')
  })

  it('completes the sign-in for the browser that asked, once', async () => {
    const created = await create({ kind: 'sign-in', requester: { name: 'Qoltanba' } })
    const h = created.json()
    const desktop = cookiesOf(created)
    const { id, secret } = fromLink(h.qr)
    const payload = new Uint8Array(Buffer.from((await phone(id, 'open', { secret })).json().payload, 'base64'))
    const cms = await signCms({ data: payload, privateKey: signer.key, certificate: signer.der, chain: signer.chain })
    expect((await phone(id, 'result', { secret, cms: Buffer.from(cms).toString('base64') })).statusCode).toBe(204)
    const done = await s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/complete`, headers: { 'x-handoff-token': h.token, cookie: desktop } })
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({ iin: '700611300018' })
    const session = await s.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: cookiesOf(done) } })
    expect(session.statusCode).toBe(200)
    // The phone's session records the thumbprint of the certificate that signed (the OIDC x5t#S256).
    const thumbprints = await authDb(s.t.db).selectFrom('auth_sessions').select('certificate_sha256').where('iin', '=', '700611300018').execute()
    expect(thumbprints.map((r) => r.certificate_sha256)).toContain(createHash('sha256').update(signer.der).digest('base64url'))
    const again = await s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/complete`, headers: { 'x-handoff-token': h.token, cookie: desktop } })
    expect([again.statusCode, again.json().error.code]).toEqual([404, 'ERR_HANDOFF_NOT_FOUND'])
  })

  it('signs a document on the phone; the requester collects the verified CMS once, then nothing is left', async () => {
    const created = await create({ ...signDocuments, documents: [{ ...signDocuments.documents[0], content: Buffer.from(doc).toString('base64') }] })
    expect(created.statusCode).toBe(201)
    const h = created.json()
    const { id, secret } = fromLink(h.deepLink)
    const opened = (await phone(id, 'open', { secret })).json()
    expect(opened.documents).toEqual([{ name: 'шарт.txt', size: doc.length, sha256: sha256(doc), type: 'text/plain', content: Buffer.from(doc).toString('base64') }])
    const poll = s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${id}?after=opened`, headers: { 'x-handoff-token': h.token } })
    const p7s = await signCms({ data: doc, privateKey: signer.key, certificate: signer.der, chain: signer.chain, detached: true })
    expect((await phone(id, 'result', { secret, signatures: [Buffer.from(p7s).toString('base64')] })).statusCode).toBe(204)
    expect((await poll).json()).toMatchObject({ state: 'signed' })
    const done = await s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/complete`, headers: { 'x-handoff-token': h.token } })
    expect(done.statusCode).toBe(200)
    expect(done.json().signatures).toEqual([Buffer.from(p7s).toString('base64')])
    expect((await rows()).find((r) => r.id === id)).toBeUndefined()
    expect((await s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/complete`, headers: { 'x-handoff-token': h.token } })).json().error.code).toBe('ERR_HANDOFF_NOT_FOUND')
  })

  it('refuses a wrong secret (as an unknown id), a second scan, an answer after declining, and an expired hand-off', async () => {
    const h = (await create(signDocuments)).json()
    const { id, secret } = fromLink(h.qr)
    const otherSecret = secret.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))
    const wrong = await phone(id, 'open', { secret: otherSecret })
    expect([wrong.statusCode, wrong.json().error.code]).toEqual([404, 'ERR_HANDOFF_NOT_FOUND'])
    // A wrong secret and an unknown id get the very same answer: a guessed id learns nothing.
    const unknownId = await phone('A'.repeat(22), 'open', { secret })
    expect(unknownId.json()).toEqual(wrong.json())
    for (const [step, body] of [['result', { secret: otherSecret, signatures: ['AAAA'] }], ['decline', { secret: otherSecret }]] as const) {
      const r = await phone(id, step, body)
      expect([r.statusCode, r.json().error.code]).toEqual([404, 'ERR_HANDOFF_NOT_FOUND'])
    }
    // Nor does the requester's side answer another token.
    const stranger = await s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${id}`, headers: { 'x-handoff-token': otherSecret } })
    expect([stranger.statusCode, stranger.json().error.code]).toEqual([404, 'ERR_HANDOFF_NOT_FOUND'])
    expect((await phone(id, 'open', { secret })).statusCode).toBe(200)
    const reused = await phone(id, 'open', { secret })
    expect([reused.statusCode, reused.json().error.code, reused.json().error.details]).toEqual([409, 'ERR_HANDOFF_USED', { reason: 'used' }])
    expect((await phone(id, 'decline', { secret })).statusCode).toBe(204)
    const state = await s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${id}`, headers: { 'x-handoff-token': h.token } })
    expect(state.json().state).toBe('declined')
    const late = await phone(id, 'result', { secret, signatures: ['AAAA'] })
    expect([late.statusCode, late.json().error.code]).toEqual([409, 'ERR_HANDOFF_USED'])
    const declinedTwice = await phone(id, 'decline', { secret })
    expect([declinedTwice.statusCode, declinedTwice.json().error.code]).toEqual([409, 'ERR_HANDOFF_USED'])
    // The documents are gone with the answer.
    expect((await rows()).find((r) => r.id === id)?.documents).toEqual([])

    const e = (await create(signDocuments)).json()
    const x = fromLink(e.qr)
    await handoffDb(s.t.db).updateTable('handoffs').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', x.id).execute()
    const expired = await phone(x.id, 'open', { secret: x.secret })
    expect([expired.statusCode, expired.json().error.code]).toEqual([410, 'ERR_HANDOFF_EXPIRED'])
    expect((await s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${x.id}`, headers: { 'x-handoff-token': e.token } })).json().state).toBe('expired')
    expect(await deleteExpiredHandoffs(s.t.db, new Date())).toBeGreaterThanOrEqual(1)
    expect((await rows()).find((r) => r.id === x.id)).toBeUndefined()
    expect((await phone(x.id, 'open', { secret: x.secret })).json().error.code).toBe('ERR_HANDOFF_NOT_FOUND')

    // Opened in time, answered too late.
    const o = (await create(signDocuments)).json()
    const y = fromLink(o.qr)
    expect((await phone(y.id, 'open', { secret: y.secret })).statusCode).toBe(200)
    await handoffDb(s.t.db).updateTable('handoffs').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', y.id).execute()
    const p7s = await signCms({ data: doc, privateKey: signer.key, certificate: signer.der, chain: signer.chain, detached: true })
    const tooLate = await phone(y.id, 'result', { secret: y.secret, signatures: [Buffer.from(p7s).toString('base64')] })
    expect([tooLate.statusCode, tooLate.json().error.code]).toEqual([410, 'ERR_HANDOFF_EXPIRED'])
    expect((await phone(y.id, 'decline', { secret: y.secret })).json().error.code).toBe('ERR_HANDOFF_EXPIRED')
  })

  it('refuses a signature over another document, and a sign-in CMS over other bytes: the phone hears why, the requester sees failed', async () => {
    const h = (await create(signDocuments)).json()
    const { id, secret } = fromLink(h.qr)
    await phone(id, 'open', { secret })
    // A body of the wrong shape only answers the phone: the hand-off stays open.
    const short = await phone(id, 'result', { secret, signatures: [] })
    expect([short.statusCode, short.json().error.code]).toEqual([400, 'ERR_VALIDATION'])
    const other = await signCms({ data: new TextEncoder().encode('another'), privateKey: signer.key, certificate: signer.der, chain: signer.chain, detached: true })
    const r = await phone(id, 'result', { secret, signatures: [Buffer.from(other).toString('base64')] })
    expect([r.statusCode, r.json().error.code]).toEqual([400, 'ERR_DOCUMENT_CHANGED'])
    const seen = await s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${id}`, headers: { 'x-handoff-token': h.token } })
    expect(seen.json()).toMatchObject({ state: 'failed', failure: 'ERR_DOCUMENT_CHANGED' })
    const again = await phone(id, 'result', { secret, signatures: ['AAAAAAAA'] })
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'ERR_HANDOFF_USED'])
    const collect = await s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/complete`, headers: { 'x-handoff-token': h.token } })
    expect([collect.statusCode, collect.json().error.code]).toEqual([409, 'ERR_INVALID_STATE'])
    expect((await rows()).find((x) => x.id === id)?.documents).toEqual([])

    const g = (await create(signDocuments)).json()
    const gl = fromLink(g.qr)
    await phone(gl.id, 'open', { secret: gl.secret })
    const garbage = await phone(gl.id, 'result', { secret: gl.secret, signatures: ['AAAAAAAA'] })
    expect([garbage.statusCode, garbage.json().error.code]).toEqual([400, 'ERR_MALFORMED'])

    const si = (await create({ kind: 'sign-in', requester: { name: 'Qoltanba' } })).json()
    const l = fromLink(si.qr)
    await phone(l.id, 'open', { secret: l.secret })
    const cms = await signCms({ data: new TextEncoder().encode('{"nonce":"x"}'), privateKey: signer.key, certificate: signer.der, chain: signer.chain })
    const m = await phone(l.id, 'result', { secret: l.secret, cms: Buffer.from(cms).toString('base64') })
    expect([m.statusCode, m.json().error.code]).toEqual([400, 'ERR_PAYLOAD_MISMATCH'])
    expect((await s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${l.id}`, headers: { 'x-handoff-token': si.token } })).json()).toMatchObject({ state: 'failed', failure: 'ERR_PAYLOAD_MISMATCH' })
  })

  it('runs the login checks on the phone\u2019s sign-in answer: a revoked certificate is refused on the phone, and the desktop sees failed with the reason', async () => {
    const revoked = await issueOperatorCertificate(s.t.db, s.ca, s.ctx.registry, { iin: '700611300018', actor: 'test' })
    await s.t.db.transaction().execute((trx) => revokeCertificate(trx, revoked.serialHex, 1, 'test'))
    const key = await importPrivateKey(revoked.pkcs8, 'sign')
    const created = await create({ kind: 'sign-in', requester: { name: 'Qoltanba' } })
    const h = created.json()
    const { id, secret } = fromLink(h.qr)
    const payload = new Uint8Array(Buffer.from((await phone(id, 'open', { secret })).json().payload, 'base64'))
    const cms = await signCms({ data: payload, privateKey: key, certificate: new Uint8Array(revoked.der), chain: signer.chain })
    const refused = await phone(id, 'result', { secret, cms: Buffer.from(cms).toString('base64') })
    expect([refused.statusCode, refused.json().error.code]).toEqual([401, 'ERR_CERT_REVOKED'])
    const state = await s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${id}`, headers: { 'x-handoff-token': h.token } })
    expect(state.json()).toMatchObject({ state: 'failed', failure: 'ERR_CERT_REVOKED' })
    // The live stream ends at failed too.
    const stream = await s.app.inject({ method: 'GET', url: `/api/v1/handoffs/${id}/events`, headers: { 'x-handoff-token': h.token } })
    expect(stream.body).toContain('"state":"failed"')
    // Nothing to collect, and the challenge is gone with the answer: no session for anyone.
    const done = await s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/complete`, headers: { 'x-handoff-token': h.token, cookie: cookiesOf(created) } })
    expect([done.statusCode, done.json().error.code]).toEqual([409, 'ERR_INVALID_STATE'])
    expect((await rows()).find((r) => r.id === id)?.payload).toBeNull()
  })

  it('refuses oversized or mismatched content, a foreign sign-in, and bad bodies, changing nothing', async () => {
    const before = (await rows()).length
    const big = new Uint8Array(1024 * 1024 + 1)
    const over = await create({ ...signDocuments, documents: [{ name: 'big.bin', size: big.length, sha256: sha256(big), content: Buffer.from(big).toString('base64') }] })
    expect([over.statusCode, over.json().error.code]).toEqual([413, 'ERR_TOO_LARGE'])
    const mismatch = await create({ ...signDocuments, documents: [{ name: 'a.txt', size: 3, sha256: sha256(doc), content: 'YWJj' }] })
    expect([mismatch.statusCode, mismatch.json().error.code]).toEqual([400, 'ERR_VALIDATION'])
    const foreign = await create({ kind: 'sign-in', requester: { name: 'Portal' } }, { origin: 'https://evil.example' })
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([403, 'ERR_ORIGIN_MISMATCH'])
    for (const body of [{}, { kind: 'sign', requester: { name: 'x' } }, { kind: 'sign-in', requester: { name: '' } }, { kind: 'sign-in', requester: { name: 'x' }, ttlSeconds: 3600 }]) {
      const r = await create(body)
      expect([r.statusCode, r.json().error.code]).toEqual([400, 'ERR_VALIDATION'])
    }
    expect((await phone('nope', 'open', { secret: 'short' })).json().error.code).toBe('ERR_VALIDATION')
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/handoffs/nope' })).statusCode).toBe(404)
    expect((await rows()).length).toBe(before)
  })
})

describe.each(ENGINES)('hand-off rate limits (%s)', (engine) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(engine, { RATE_LIMIT_SUBMIT: '2' })
  }, 60_000)
  afterAll(async () => s?.close())

  it('answers 429 ERR_RATE_LIMITED past the limit', async () => {
    const codes: number[] = []
    for (let i = 0; i < 6; i++) {
      const r = await s.app.inject({ method: 'POST', url: '/api/v1/handoffs', headers: { origin: ORIGIN }, payload: { kind: 'sign-in', requester: { name: 'Qoltanba' } } })
      codes.push(r.statusCode)
      if (r.statusCode === 429) expect(r.json().error.code).toBe('ERR_RATE_LIMITED')
    }
    expect(codes.slice(0, 4)).toEqual([201, 201, 201, 201])
    expect(codes.slice(4)).toEqual([429, 429])
  })

  it('limits the phone\u2019s guesses too: past the limit even a wrong secret gets 429', async () => {
    const answers: string[] = []
    for (let i = 0; i < 6; i++) {
      const r = await s.app.inject({ method: 'POST', url: `/api/v1/handoffs/${'B'.repeat(22)}/open`, payload: { secret: 'C'.repeat(43) } })
      answers.push(`${r.statusCode} ${r.json().error.code}`)
    }
    expect(answers).toEqual([...Array(4).fill('404 ERR_HANDOFF_NOT_FOUND'), '429 ERR_RATE_LIMITED', '429 ERR_RATE_LIMITED'])
  })
})
