/**
 * The agent's channel rules over a real WebSocket: pairing (code shown on the agent side only,
 * typed into the page), unapproved origins refused, message validation (size, shape, types),
 * NCALayer framing (greeting, heartbeat, MODULE_NOT_FOUND), and the TLS endpoint with the
 * locally generated certificate.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { QoltanbaAgentSigner } from '../../src/agents/qoltanba-agent-signer.ts'
import type { WebSocketLike } from '../../src/agents/connection.ts'
import { isQoltanbaError } from '../../src/core/errors.ts'
import { MAX_REQUEST_BYTES } from '../../src/core/agent-protocol.ts'
import { startAgent, type RunningAgent } from '../../agent/server.ts'
import { PairingStore } from '../../agent/pairing.ts'
import { ensureLoopbackCertificate } from '../../agent/tls.ts'

const PAGE = 'https://qoltanba.example.kz'

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (e) {
    return e
  }
  throw new Error('expected a rejection')
}

/** A raw socket that collects JSON frames (and the heartbeat echo). */
async function rawSocket(url: string, origin: string, options: { ca?: string } = {}): Promise<{ ws: WebSocket; next(): Promise<unknown> }> {
  const ws = new WebSocket(url, { origin, ...(options.ca ? { ca: options.ca } : {}) })
  const frames: unknown[] = []
  const waiters: Array<(v: unknown) => void> = []
  ws.on('message', (data) => {
    const text = data.toString()
    const value = text === '--heartbeat--' ? text : JSON.parse(text)
    const w = waiters.shift()
    if (w) w(value)
    else frames.push(value)
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  return {
    ws,
    next: () => (frames.length ? Promise.resolve(frames.shift()) : new Promise((resolve) => waiters.push(resolve))),
  }
}

describe('agent channel', () => {
  let dir: string
  let agent: RunningAgent
  const codes: Array<{ origin: string; code: string }> = []

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-agent-'))
    codes.length = 0
    agent = await startAgent({
      dataDir: dir,
      modules: [],
      plainPort: 0,
      tlsPort: null,
      showPairingCode: (origin, code) => codes.push({ origin, code }),
    })
  })

  afterEach(async () => {
    await agent.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const client = (origin: string): QoltanbaAgentSigner =>
    new QoltanbaAgentSigner({ url: agent.plainUrl, createSocket: (u) => new WebSocket(u, { origin }) as unknown as WebSocketLike })

  it('refuses an unapproved origin, then pairs it with the code shown on the agent side', async () => {
    const page = client(PAGE)
    expect(await page.detect()).toMatchObject({ available: false, reason: 'origin-not-approved' })
    const refused = await rejection(page.listTokens())
    expect(isQoltanbaError(refused, 'ERR_ORIGIN_NOT_APPROVED')).toBe(true)
    const refusedSign = await rejection(page.signCms({ data: new Uint8Array([1]), secret: '1' }))
    expect(isQoltanbaError(refusedSign, 'ERR_ORIGIN_NOT_APPROVED')).toBe(true)

    const begun = await page.beginPairing()
    expect(begun).toEqual({ origin: PAGE, expiresInSeconds: 120 })
    expect(JSON.stringify(begun)).not.toMatch(/\d{6}/) // the code never goes to the page
    expect(codes).toHaveLength(1)
    const shown = codes[0]!
    expect(shown.origin).toBe(PAGE)
    expect(shown.code).toMatch(/^\d{6}$/)

    const wrong = String((Number(shown.code) + 1) % 1_000_000).padStart(6, '0')
    const failed = await rejection(page.confirmPairing(wrong))
    expect(isQoltanbaError(failed, 'ERR_PAIRING_FAILED')).toBe(true)
    expect((failed as { details: object }).details).toMatchObject({ attemptsLeft: 2 })

    expect(await page.confirmPairing(shown.code)).toEqual({ origin: PAGE, approved: true, pending: false })
    expect(await page.listTokens()).toEqual([])
    page.close()

    // Persisted: a fresh store over the same data dir knows the origin; others stay unknown.
    const again = new PairingStore(dir, () => {})
    expect(again.isApproved(PAGE)).toBe(true)
    expect(again.isApproved('https://evil.example')).toBe(false)
    const other = client('https://evil.example')
    expect(await other.detect()).toMatchObject({ available: false, reason: 'origin-not-approved' })
    other.close()
  })

  it('ends a pairing attempt after three wrong codes', async () => {
    const page = client(PAGE)
    await page.beginPairing()
    const code = codes[0]!.code
    const wrong = code === '000000' ? '111111' : '000000'
    for (const left of [2, 1, 0]) {
      const e = await rejection(page.confirmPairing(wrong))
      expect((e as { details: object }).details).toMatchObject({ attemptsLeft: left })
    }
    const late = await rejection(page.confirmPairing(code))
    expect(isQoltanbaError(late, 'ERR_PAIRING_FAILED')).toBe(true)
    expect(agent.pairing.isApproved(PAGE)).toBe(false)
    page.close()
  })

  it('limits how many codes one origin may ask for', async () => {
    const page = client(PAGE)
    for (let i = 0; i < 10; i++) await page.beginPairing()
    const e = await rejection(page.beginPairing())
    expect(isQoltanbaError(e, 'ERR_RETRY_LATER')).toBe(true)
    expect(codes).toHaveLength(10)
    page.close()
  })

  it('does not pair origins that are neither https nor localhost', async () => {
    const page = client('http://intranet.example')
    const e = await rejection(page.beginPairing())
    expect(isQoltanbaError(e, 'ERR_ORIGIN_NOT_APPROVED')).toBe(true)
    page.close()
  })

  it('validates every message and keeps NCALayer framing', async () => {
    agent.pairing.approve(PAGE)
    const { ws, next } = await rawSocket(agent.plainUrl!, PAGE)
    expect(await next()).toEqual({ result: { version: '0.1.0', agent: 'qoltanba', paired: true } })
    ws.send('--heartbeat--')
    expect(await next()).toBe('--heartbeat--')
    ws.send('{not json')
    expect(await next()).toMatchObject({ status: false, code: 'ERR_MALFORMED' })
    ws.send(JSON.stringify([1, 2]))
    expect(await next()).toMatchObject({ status: false, code: 'ERR_MALFORMED' })
    ws.send(Buffer.from([1, 2, 3]))
    expect(await next()).toMatchObject({ status: false, code: 'ERR_MALFORMED' })
    ws.send(JSON.stringify({ module: 'kz.gov.pki.knca.commonUtils', method: 'getActiveTokens', args: [], uuid: 'u1' }))
    expect(await next()).toEqual({ success: false, errorCode: 'MODULE_NOT_FOUND', uuid: 'u1' })
    ws.send(JSON.stringify({ module: 'kz.qoltanba.tokens', method: 'formatToken', args: {}, uuid: 'u2' }))
    expect(await next()).toMatchObject({ status: false, code: 'ERR_NOT_SUPPORTED', uuid: 'u2' })
    ws.send(JSON.stringify({ module: 'kz.qoltanba.tokens', method: 'listObjects', args: { storageId: 42 } }))
    expect(await next()).toMatchObject({ status: false, code: 'ERR_MALFORMED', data: { field: 'storageId' } })
    ws.send(JSON.stringify({ module: 'kz.gov.pki.knca.basics', method: 'sign', args: { format: 'cms', data: 'eA==', signingParams: { decode: 'true' }, pin: '1' } }))
    expect(await next()).toMatchObject({ status: false, code: 'ERR_MALFORMED', data: { field: 'decode' } })
    ws.send(JSON.stringify({ module: 'kz.gov.pki.knca.basics', method: 'sign', args: { format: 'xml', data: '<a/>', pin: '1' } }))
    expect(await next()).toMatchObject({ status: false, code: 'ERR_NOT_SUPPORTED' })
    const secretPin = 'pin-\u0001-secret'
    ws.send(JSON.stringify({ module: 'kz.gov.pki.knca.basics', method: 'sign', args: { format: 'cms', data: 'x', pin: secretPin } }))
    const badPin = await next()
    expect(badPin).toMatchObject({ status: false, code: 'ERR_MALFORMED', data: { field: 'pin' } })
    expect(JSON.stringify(badPin)).not.toContain('secret')
    ws.send('x'.repeat(MAX_REQUEST_BYTES + 10))
    expect(await next()).toMatchObject({ status: false, code: 'ERR_TOO_LARGE' })
    ws.close()
  })

  it('serves wss with the generated 127.0.0.1 certificate', async () => {
    const tls = await ensureLoopbackCertificate(dir)
    expect(tls.created).toBe(true)
    const cert = new X509Certificate(tls.cert)
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1')
    expect(cert.subjectAltName).toContain('DNS:localhost')
    expect(cert.ca).toBe(false)
    expect(cert.subject).toBe('CN=127.0.0.1\nO=Qoltanba local agent')
    expect((await ensureLoopbackCertificate(dir)).created).toBe(false)
    expect(readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8')).toBe(tls.cert)

    const secure = await startAgent({ dataDir: dir, modules: [], tlsPort: 0, plainPort: null, tls, showPairingCode: () => {} })
    try {
      expect(secure.tlsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/$/)
      const { ws, next } = await rawSocket(secure.tlsUrl!, PAGE, { ca: tls.cert })
      expect(await next()).toMatchObject({ result: { agent: 'qoltanba', paired: false } })
      ws.close()
      // Without trusting the certificate the connection fails, as in a browser that lacks it.
      await expect(rawSocket(secure.tlsUrl!, PAGE)).rejects.toThrow(/self[- ]signed/i)
    } finally {
      await secure.close()
    }
  })

  it('refuses a Host header that is not loopback (DNS rebinding)', async () => {
    const ws = new WebSocket(agent.plainUrl!, { origin: PAGE, headers: { host: 'attacker.example:13591' } })
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'))
      ws.once('error', () => resolve('refused'))
    })
    expect(outcome).toBe('refused')
  })
})
