/**
 * PKCS#12 files as an agent storage (as NCALayer's "PKCS12"): NCA's own legacy-format test file
 * (3DES/RC2, HMAC-SHA1), listed, opened with its password, signing CMS that OpenSSL verifies.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { QoltanbaAgentSigner } from '../../src/agents/qoltanba-agent-signer.ts'
import type { WebSocketLike } from '../../src/agents/connection.ts'
import { isQoltanbaError } from '../../src/core/errors.ts'
import { startAgent, type RunningAgent } from '../../agent/server.ts'

const ORIGIN = 'https://qoltanba.example.kz'
const FILE = 'RSA256_8426360556902ce4ac33977836f873e1dc190976.p12'
const PASSWORD = 'Qwerty12'

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (e) {
    return e
  }
  throw new Error('expected a rejection')
}

describe('agent PKCS#12 storage', () => {
  let dir: string
  let agent: RunningAgent
  let client: QoltanbaAgentSigner

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-agent-p12-'))
    mkdirSync(join(dir, 'p12'))
    copyFileSync(join(import.meta.dirname, '../fixtures/nca-test-keys', FILE), join(dir, 'p12', FILE))
    writeFileSync(join(dir, 'p12', 'notes.txt'), 'not a key file')
    agent = await startAgent({ dataDir: dir, modules: [], plainPort: 0, tlsPort: null, showPairingCode: () => {} })
    agent.pairing.approve(ORIGIN)
    client = new QoltanbaAgentSigner({ url: agent.plainUrl, createSocket: (u) => new WebSocket(u, { origin: ORIGIN }) as unknown as WebSocketLike })
  })

  afterAll(async () => {
    client.close()
    await agent.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('lists the file and, with its password, the key and certificate', async () => {
    const storageId = `p12:${FILE}`
    expect(await client.listTokens()).toEqual([{ id: storageId, type: 'pkcs12', label: FILE }])
    expect(await client.listCertificates({ storageId })).toEqual([]) // nothing readable without the password
    const certs = await client.listCertificates({ storageId, secret: PASSWORD })
    const keys = await client.listKeys({ storageId, secret: PASSWORD })
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({ algorithm: 'RSA' })
    const own = certs.filter((c) => c.keyId === keys[0]!.id)
    expect(own).toHaveLength(1)
  })

  it('signs CMS with the file key, which OpenSSL verifies', async () => {
    const data = new TextEncoder().encode('PKCS#12 signing through the agent\n')
    const { cms } = await client.signCms({
      data,
      storageId: `p12:${FILE}`,
      secret: PASSWORD,
      filter: { extKeyUsageOids: ['1.3.6.1.5.5.7.3.4'], iin: '123456789011' },
    })
    writeFileSync(join(dir, 'cms.der'), cms)
    // -noverify: the 2018 NCA test chain is expired and not ours to trust; the signature is checked.
    const r = spawnSync('openssl', ['cms', '-verify', '-inform', 'DER', '-in', 'cms.der', '-noverify', '-out', 'out.txt'], { cwd: dir, encoding: 'utf8' })
    expect(r.stderr).toContain('Verification successful')
  })

  it('wrong password, no match, read-only', async () => {
    const storageId = `p12:${FILE}`
    const wrong = await rejection(client.signCms({ data: new Uint8Array([1]), storageId, secret: 'nope' }))
    expect(isQoltanbaError(wrong, 'ERR_WRONG_PASSWORD')).toBe(true)
    const none = await rejection(client.signCms({ data: new Uint8Array([1]), storageId, secret: PASSWORD, filter: { iin: '990101000000' } }))
    expect(isQoltanbaError(none, 'ERR_NOT_FOUND')).toBe(true)
    const gen = await rejection(client.generateKeyAndCsr({ storageId, secret: PASSWORD, algorithm: 'P-256', subject: { commonName: 'x' } }))
    expect(isQoltanbaError(gen, 'ERR_NOT_SUPPORTED')).toBe(true)
    const missing = await rejection(client.signCms({ data: new Uint8Array([1]), storageId: 'p12:absent.p12', secret: PASSWORD }))
    expect(isQoltanbaError(missing, 'ERR_TOKEN_MISSING')).toBe(true)
  })
})
