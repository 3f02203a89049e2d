/**
 * The agents store against the real agent (SoftHSM2 token) and a closed NCALayer port: detection
 * with reasons, pairing with attempts left, tokens, capability-based choice, reset.
 */
import { createServer } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { WebSocket } from 'ws'
import type { WebSocketLike } from '@/agents/connection.ts'
import { useAgentsStore } from '@/stores/agents.ts'
import { checklistFor } from '@/composables/agent-errors.ts'
import { startAgent, type RunningAgent } from '../../agent/server.ts'
import { createTestToken, SOFTHSM_MODULE, type TestToken } from '../agent/softhsm.ts'

const ORIGIN = 'https://qoltanba.example.kz'

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('agents store', () => {
  let token: TestToken
  let agent: RunningAgent
  const codes: string[] = []

  beforeEach(async () => {
    setActivePinia(createPinia())
    token = createTestToken('store')
    agent = await startAgent({
      dataDir: token.dir,
      modules: [{ name: 'softhsm', path: SOFTHSM_MODULE }],
      plainPort: 0,
      tlsPort: null,
      showPairingCode: (_origin, code) => codes.push(code),
    })
  })

  afterEach(async () => {
    useAgentsStore().$reset()
    await agent.close()
    token.cleanup()
  })

  it('detects, pairs (with attempts left), lists tokens and picks signers by capability', async () => {
    const store = useAgentsStore()
    store.configure({
      agentUrl: agent.plainUrl,
      ncaLayerUrl: `ws://127.0.0.1:${await closedPort()}/`,
      createSocket: (url) => new WebSocket(url, { origin: ORIGIN }) as unknown as WebSocketLike,
    })
    await store.detectAll()
    expect(store.statuses['qoltanba-agent']).toMatchObject({ available: false, reason: 'origin-not-approved' })
    expect(store.statuses.ncalayer).toEqual({ kind: 'ncalayer', available: false, reason: 'not-running' })
    expect(store.signersWith('signCms')).toEqual([])
    expect(store.needsPairing).toBe(true)

    await store.beginPairing()
    expect(store.pairing).toEqual({ waiting: true })
    const code = codes.at(-1) as string
    expect(await store.confirmPairing(code === '123456' ? '654321' : '123456')).toBe(false)
    expect(store.pairing).toEqual({ waiting: true, attemptsLeft: 2, error: 'ERR_PAIRING_FAILED' })
    expect(await store.confirmPairing(code)).toBe(true)
    expect(store.statuses['qoltanba-agent']).toMatchObject({ available: true })
    expect(store.needsPairing).toBe(false)

    await store.refreshTokens()
    expect(store.tokens).toEqual([expect.objectContaining({ id: token.storageId, label: 'store', type: 'token' })])
    expect(store.certificates).toEqual([])
    expect(store.signersWith('generateKeyAndCsr').map((s) => s.kind)).toEqual(['qoltanba-agent'])

    store.$reset()
    expect(store.statuses).toEqual({ 'qoltanba-agent': null, ncalayer: null })
    expect(store.tokens).toEqual([])
  })
})

describe('unavailable checklist', () => {
  it('names every indistinguishable cause, permission first after a timeout', () => {
    expect(checklistFor('not-running')).toEqual([
      'agents.unavailable.not_running',
      'agents.unavailable.untrusted_certificate',
      'agents.unavailable.permission',
      'agents.unavailable.proxy',
    ])
    expect(checklistFor('timeout')[0]).toBe('agents.unavailable.permission')
    expect(checklistFor('timeout')).toHaveLength(4)
    expect(checklistFor('insecure-context')).toEqual(['agents.unavailable.insecure_context'])
  })
})
