/**
 * Contract tests of the NCALayer client against the stand-in (./ncalayer-standin.ts), which
 * replays the message shapes recorded in docs/protocols.md#ncalayer.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { WebSocketLike } from '../../src/agents/connection.ts'
import { unwrapReply } from '../../src/core/agent-envelopes.ts'
import { NcaLayerSigner } from '../../src/agents/ncalayer-signer.ts'
import { EkuOid } from '../../src/pki/oids.ts'
import { isQoltanbaError, type QoltanbaError } from '../../src/core/errors.ts'
import { startNcaLayerStandin, type NcaLayerStandin } from './ncalayer-standin.ts'

const createSocket = (url: string): WebSocketLike => new WebSocket(url, { origin: 'https://qoltanba.example.kz' }) as unknown as WebSocketLike
const DATA = new TextEncoder().encode('Кіру сұрауы: nonce=AbC123\n')

async function rejection(p: Promise<unknown>): Promise<QoltanbaError> {
  try {
    await p
  } catch (e) {
    if (isQoltanbaError(e)) return e
    throw e
  }
  throw new Error('expected a rejection')
}

/** OpenSSL's view of a CMS: verified against the stand-in's CA, with the content it carries. */
function opensslVerify(cms: Uint8Array, caPem: string, detachedContent?: Uint8Array): { ok: boolean; content: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nca-verify-'))
  try {
    writeFileSync(join(dir, 'cms.der'), cms)
    writeFileSync(join(dir, 'ca.pem'), caPem)
    const args = ['cms', '-verify', '-inform', 'DER', '-in', 'cms.der', '-CAfile', 'ca.pem', '-purpose', 'any', '-binary']
    if (detachedContent) {
      writeFileSync(join(dir, 'data.bin'), detachedContent)
      args.push('-content', 'data.bin')
    }
    const r = spawnSync('openssl', args, { cwd: dir })
    return { ok: r.stderr.toString().includes('Verification successful'), content: r.stdout.toString() }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('NCALayer client against the stand-in', () => {
  let standin: NcaLayerStandin
  let signer: NcaLayerSigner

  beforeEach(async () => {
    standin = await startNcaLayerStandin()
    signer = new NcaLayerSigner({ url: standin.url, createSocket })
  })

  afterEach(async () => {
    signer.close()
    await standin.close()
  })

  it('detects NCALayer by its greeting', async () => {
    expect(await signer.detect()).toEqual({ kind: 'ncalayer', available: true, version: '1.4' })
    expect(signer.capabilities.has('signCms')).toBe(true)
    expect(signer.capabilities.has('generateKeyAndCsr')).toBe(false)
    expect(signer.secretEntry).toBe('agent')
  })

  it('signs attached CMS through basics.sign with the documented request shape', async () => {
    const { cms } = await signer.signCms({
      data: DATA,
      filter: { extKeyUsageOids: ['1.3.6.1.5.5.7.3.2'], iin: '840317000029' },
      locale: 'ru',
    })
    expect(standin.requests).toEqual([
      {
        module: 'kz.gov.pki.knca.basics',
        method: 'sign',
        args: {
          allowedStorages: null,
          format: 'cms',
          data: Buffer.from(DATA).toString('base64'),
          signingParams: { decode: true, encapsulate: true, digested: false },
          signerParams: { extKeyUsageOids: ['1.3.6.1.5.5.7.3.2'], iin: '840317000029', bin: '', serialNumber: '', chain: [] },
          locale: 'ru',
        },
      },
    ])
    const v = opensslVerify(cms, standin.caPem)
    expect(v.ok).toBe(true)
    expect(v.content).toBe(new TextDecoder().decode(DATA))
  })

  it('signs detached CMS (encapsulate: false)', async () => {
    const { cms } = await signer.signCms({ data: DATA, detached: true })
    const args = standin.requests[0]?.args as { signingParams: object; signerParams: { extKeyUsageOids: unknown }; locale: string }
    expect(args.signingParams).toEqual({ decode: true, encapsulate: false, digested: false })
    expect(args.signerParams.extKeyUsageOids).toEqual([]) // always sent (docs/protocols.md#rules-for-our-adapter, rule 8)
    expect(args.locale).toBe('kk')
    expect(opensslVerify(cms, standin.caPem, DATA).ok).toBe(true)
    expect(opensslVerify(cms, standin.caPem, new TextEncoder().encode('other')).ok).toBe(false)
  })

  it.each(['array', 'string', 'pem', 'outputCert'] as const)('reads the %s result shape, with heartbeats in between', async (shape) => {
    standin.options.resultShape = shape
    standin.options.heartbeatsBeforeReply = 2
    const result = await signer.signCms({ data: DATA })
    expect(opensslVerify(result.cms, standin.caPem).content).toBe(new TextDecoder().decode(DATA))
    if (shape === 'outputCert') expect(result.certificate?.[0]).toBe(0x30)
    else expect(result.certificate).toBeUndefined()
  })

  it('treats a cancel in NCALayer as ERR_USER_CANCELLED, and the socket stays usable', async () => {
    standin.userActions.push('cancel')
    const e = await rejection(signer.signCms({ data: DATA }))
    expect(e.code).toBe('ERR_USER_CANCELLED')
    expect(e.details.aborted).toBeUndefined()
    await signer.signCms({ data: DATA })
    expect(standin.connections).toBe(1)
  })

  it('reports INVOCATION_ERROR for a malformed request (recorded reply)', async () => {
    await signer.detect()
    const reply = await signer.connection.request({ module: 'kz.gov.pki.knca.basics', method: 'sign', args: { format: 'cms', data: 'MTEK', signingParams: 555 } })
    expect(reply).toMatchObject({ status: false, code: 'INVOCATION_ERROR' })
    let error: unknown
    try {
      unwrapReply(reply)
    } catch (e) {
      error = e
    }
    expect(isQoltanbaError(error, 'ERR_AGENT_PROTOCOL')).toBe(true)
    expect((error as QoltanbaError).details).toMatchObject({ agentCode: 'INVOCATION_ERROR' })
  })

  it('falls back to commonUtils.createCAdESFromBase64 when basics is not installed', async () => {
    standin.options.basicsInstalled = false
    const { cms } = await signer.signCms({ data: DATA, detached: false })
    const [basics, active, cades] = standin.requests
    expect(basics?.module).toBe('kz.gov.pki.knca.basics')
    expect(active).toMatchObject({ module: 'kz.gov.pki.knca.commonUtils', method: 'getActiveTokens', args: [] })
    expect(cades).toMatchObject({
      module: 'kz.gov.pki.knca.commonUtils',
      method: 'createCAdESFromBase64',
      args: ['AKKaztokenStore', 'SIGNATURE', Buffer.from(DATA).toString('base64'), true],
    })
    expect(typeof cades?.uuid).toBe('string')
    expect(opensslVerify(cms, standin.caPem).content).toBe(new TextDecoder().decode(DATA))
  })

  it('asks commonUtils for the AUTHENTICATION key when the filter wants clientAuth', async () => {
    standin.options.basicsInstalled = false
    await signer.signCms({ data: DATA, detached: true, filter: { extKeyUsageOids: [EkuOid.clientAuth] } })
    const cades = standin.requests.find((r) => r.method === 'createCAdESFromBase64')
    expect(cades?.args).toEqual(['AKKaztokenStore', 'AUTHENTICATION', Buffer.from(DATA).toString('base64'), false])
  })

  it('maps commonUtils messages: action.canceled, storage.empty', async () => {
    standin.options.basicsInstalled = false
    standin.userActions.push('cancel')
    expect((await rejection(signer.signCms({ data: DATA }))).code).toBe('ERR_USER_CANCELLED')
    const e = await rejection(signer.signCms({ data: DATA, storageId: 'AKJaCartaStore' }))
    expect(e.code).toBe('ERR_TOKEN_MISSING')
    expect(e.details).toMatchObject({ agentMessage: 'storage.empty' })
  })

  it('lists active tokens and reads key info (legacy commonUtils)', async () => {
    expect(await signer.listStorages()).toEqual([{ id: 'AKKaztokenStore', label: 'AKKaztokenStore', type: 'token', secretRequired: true }])
    const info = await signer.getKeyInfo('AKKaztokenStore')
    expect(info.pem).toContain('BEGIN CERTIFICATE')
    expect(info.subjectDn).toContain('IIN840317000029')
    standin.options.activeTokens = []
    expect(await signer.listStorages()).toEqual([])
  })

  it('aborts a long wait (PIN typed in NCALayer) by closing the socket; the next call reconnects', async () => {
    standin.userActions.push('hang')
    const controller = new AbortController()
    const waiting = signer.signCms({ data: DATA, signal: controller.signal })
    await expect.poll(() => standin.requests.length).toBe(1)
    controller.abort()
    const e = await rejection(waiting)
    expect(e.code).toBe('ERR_USER_CANCELLED')
    expect(e.details.aborted).toBe(true)
    await signer.signCms({ data: DATA })
    expect(standin.connections).toBe(2)
  })

  it('reports the agent closing mid-request as unavailable', async () => {
    standin.userActions.push('close')
    const e = await rejection(signer.signCms({ data: DATA }))
    expect(e.code).toBe('ERR_AGENT_UNAVAILABLE')
    expect(e.details.reason).toBe('not-running')
  })

  it('sends one request at a time per socket', async () => {
    const results = await Promise.all([signer.signCms({ data: DATA }), signer.signCms({ data: DATA, detached: true }), signer.listStorages()])
    expect(results).toHaveLength(3)
    expect(standin.requests).toHaveLength(3)
    expect(standin.overlapped).toBe(false)
  })

  it('works without a greeting (KAZTOKEN and mocks may not send one)', async () => {
    standin.options.greetingVersion = null
    const quiet = new NcaLayerSigner({ url: standin.url, createSocket, greetingTimeoutMs: 200 })
    try {
      expect(await quiet.detect()).toEqual({ kind: 'ncalayer', available: true, version: undefined })
      expect(opensslVerify((await quiet.signCms({ data: DATA })).cms, standin.caPem).ok).toBe(true)
    } finally {
      quiet.close()
    }
  })
})

describe('NCALayer detection never throws', () => {
  it('nothing listening: not-running', async () => {
    const server: Server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    const port = (server.address() as { port: number }).port
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const signer = new NcaLayerSigner({ url: `ws://127.0.0.1:${port}/`, createSocket })
    expect(await signer.detect()).toEqual({ kind: 'ncalayer', available: false, reason: 'not-running' })
    const e = await rejection(signer.signCms({ data: DATA }))
    expect(e.code).toBe('ERR_AGENT_UNAVAILABLE')
    signer.close()
  })

  it('handshake pending (e.g. a permission prompt): timeout, and Retry reuses the same socket', async () => {
    let release!: () => void
    const standin = await startNcaLayerStandin({ handshakeGate: new Promise<void>((r) => (release = r)) })
    const signer = new NcaLayerSigner({ url: standin.url, createSocket, connectTimeoutMs: 300 })
    try {
      expect(await signer.detect()).toEqual({ kind: 'ncalayer', available: false, reason: 'timeout' })
      release()
      expect(await signer.detect()).toEqual({ kind: 'ncalayer', available: true, version: '1.4' })
      expect(standin.connections).toBe(1)
    } finally {
      signer.close()
      await standin.close()
    }
  })

  it('a page URL the browser refuses (constructor throws): insecure-context', async () => {
    const signer = new NcaLayerSigner({
      createSocket: () => {
        throw new DOMException('An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.', 'SecurityError')
      },
    })
    expect(await signer.detect()).toEqual({ kind: 'ncalayer', available: false, reason: 'insecure-context' })
  })
})
