/**
 * Local agents as the PWA sees them: our agent and NCALayer, their detection status (with the
 * checklist reason when unavailable), pairing with our agent, and the tokens and certificates it
 * offers. Views pick signers by capability (`signersWith`), never by name. `$reset()` closes
 * the sockets and forgets everything (kiosk session end).
 */
import { computed, ref, shallowRef } from 'vue'
import { defineStore } from 'pinia'
import type { CreateWebSocket } from '@/agents/connection.ts'
import { NcaLayerSigner } from '@/agents/ncalayer-signer.ts'
import { QoltanbaAgentSigner } from '@/agents/qoltanba-agent-signer.ts'
import type { WireToken } from '@/core/agent-protocol.ts'
import type { Signer, SignerCapability, SignerCertificate, SignerStatus } from '@/core/signer.ts'

/** The agents the PWA knows. */
export type AgentKind = 'qoltanba-agent' | 'ncalayer'

/** Where to reach the agents (defaults: their real loopback URLs; tests point elsewhere). */
export interface AgentEndpoints {
  readonly agentUrl?: string
  readonly ncaLayerUrl?: string
  readonly createSocket?: CreateWebSocket
  readonly connectTimeoutMs?: number
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'ERR_INTERNAL'
}

export const useAgentsStore = defineStore('agents', () => {
  /** Last detection result per agent (null: not detected yet). */
  const statuses = ref<Record<AgentKind, SignerStatus | null>>({ 'qoltanba-agent': null, ncalayer: null })
  /** Agents being detected right now. */
  const detecting = ref<AgentKind[]>([])
  /** Tokens and PKCS#12 files our agent offers (after `refreshTokens`). */
  const tokens = ref<WireToken[]>([])
  /** Certificates on those storages. */
  const certificates = ref<SignerCertificate[]>([])
  /** Pairing with our agent: waiting for the code, attempts left after a wrong one, last error code. */
  const pairing = ref<{ waiting: boolean; attemptsLeft?: number; error?: string }>({ waiting: false })

  const endpoints = shallowRef<AgentEndpoints>({})
  const agent = shallowRef<QoltanbaAgentSigner | null>(null)
  const ncaLayer = shallowRef<NcaLayerSigner | null>(null)

  /** Connection options for one of the two endpoints (`url` undefined: the signer's default). */
  function connectionTo(url: string | undefined) {
    return { url, createSocket: endpoints.value.createSocket, connectTimeoutMs: endpoints.value.connectTimeoutMs }
  }

  /** Our agent's signer, created on first use (one socket, reused by Retry). */
  function agentSigner(): QoltanbaAgentSigner {
    agent.value ??= new QoltanbaAgentSigner(connectionTo(endpoints.value.agentUrl))
    return agent.value
  }

  /** NCALayer's signer, created on first use. */
  function ncaLayerSigner(): NcaLayerSigner {
    ncaLayer.value ??= new NcaLayerSigner(connectionTo(endpoints.value.ncaLayerUrl))
    return ncaLayer.value
  }

  function signerOf(kind: AgentKind): Signer {
    return kind === 'ncalayer' ? ncaLayerSigner() : agentSigner()
  }

  /** Points the store at other endpoints (tests, settings); closes current sockets. */
  function configure(next: AgentEndpoints): void {
    closeAll()
    endpoints.value = next
  }

  /**
   * Detects one agent; never throws. Calling it again is the Retry of the "agent unavailable"
   * screen: a socket still connecting (permission prompt) is waited on again, not replaced.
   */
  async function detect(kind: AgentKind): Promise<SignerStatus> {
    detecting.value = [...detecting.value.filter((k) => k !== kind), kind]
    try {
      const status = await signerOf(kind).detect()
      statuses.value = { ...statuses.value, [kind]: status }
      return status
    } finally {
      detecting.value = detecting.value.filter((k) => k !== kind)
    }
  }

  /** Detects both agents side by side. */
  async function detectAll(): Promise<void> {
    await Promise.all([detect('qoltanba-agent'), detect('ncalayer')])
  }

  /** Available signers, our agent first (it can do more). */
  const availableSigners = computed<Signer[]>(() =>
    (['qoltanba-agent', 'ncalayer'] as const).filter((k) => statuses.value[k]?.available).map((k) => signerOf(k)),
  )

  /** Our agent runs but this site is not paired yet: show AgentPairingDialog, then detect again. */
  const needsPairing = computed(() => statuses.value['qoltanba-agent']?.reason === 'origin-not-approved')

  /** Available signers that can do `capability`. */
  function signersWith(capability: SignerCapability): Signer[] {
    return availableSigners.value.filter((s) => s.capabilities.has(capability))
  }

  /** Asks our agent to show a pairing code. */
  async function beginPairing(): Promise<void> {
    pairing.value = { waiting: false }
    try {
      await agentSigner().beginPairing()
      pairing.value = { waiting: true }
    } catch (e) {
      pairing.value = { waiting: false, error: errorCode(e) }
    }
  }

  /** Sends the code the user typed; true when the site is now approved. */
  async function confirmPairing(code: string): Promise<boolean> {
    try {
      await agentSigner().confirmPairing(code)
      pairing.value = { waiting: false }
      await detect('qoltanba-agent')
      return true
    } catch (e) {
      const left = (e as { details?: { attemptsLeft?: unknown } }).details?.attemptsLeft
      const attemptsLeft = typeof left === 'number' ? left : undefined
      pairing.value = { waiting: attemptsLeft !== 0, attemptsLeft, error: errorCode(e) }
      return false
    }
  }

  /** Reloads our agent's tokens and certificates (`secret` opens a PKCS#12 file or shows private-only keys). */
  async function refreshTokens(options: { storageId?: string; secret?: string } = {}): Promise<void> {
    const signer = agentSigner()
    tokens.value = await signer.listTokens()
    certificates.value = await signer.listCertificates(options)
  }

  function closeAll(): void {
    agent.value?.close()
    ncaLayer.value?.close()
    agent.value = null
    ncaLayer.value = null
  }

  function $reset(): void {
    closeAll()
    statuses.value = { 'qoltanba-agent': null, ncalayer: null }
    detecting.value = []
    tokens.value = []
    certificates.value = []
    pairing.value = { waiting: false }
  }

  return {
    statuses,
    detecting,
    tokens,
    certificates,
    pairing,
    availableSigners,
    needsPairing,
    agentSigner,
    ncaLayerSigner,
    configure,
    detect,
    detectAll,
    signersWith,
    beginPairing,
    confirmPairing,
    refreshTokens,
    $reset,
  }
})

