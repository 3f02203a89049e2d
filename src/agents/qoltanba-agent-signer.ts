/**
 * Our local agent (agent/) as a Signer: the NCALayer protocol for signing plus the
 * `kz.qoltanba.tokens` and `kz.qoltanba.pairing` modules (src/core/agent-protocol.ts).
 * The page asks the PIN (`secretEntry: 'page'`) and sends it with the one request that needs it.
 */
import { ErrorCode, QoltanbaError, isQoltanbaError } from '../core/errors.ts'
import { fromBase64Text, toBase64 } from '../core/bytes.ts'
import { AgentConnection, type ConnectionOptions } from './connection.ts'
import { basicsSignArgs, signCmsResult, unwrapReply } from '../core/agent-envelopes.ts'
import {
  AgentModule,
  type GenerateKeyPairResult,
  type ImportCertificateResult,
  type ListObjectsResult,
  type ListTokensResult,
  type PairingBegun,
  type PairingStatus,
  type WireToken,
} from '../core/agent-protocol.ts'
import type {
  GenerateKeyAndCsrRequest,
  GeneratedKeyAndCsr,
  ImportCertificateRequest,
  SignCmsRequest,
  SignCmsResult,
  Signer,
  SignerCallOptions,
  SignerCapability,
  SignerCertificate,
  SignerKey,
  SignerStatus,
  SignerStorage,
} from '../core/signer.ts'

/** TLS endpoint (certificate trusted by the install step) and plain endpoint for http://localhost pages. */
const QOLTANBA_AGENT_WSS_URL = 'wss://127.0.0.1:13590/'
const QOLTANBA_AGENT_WS_URL = 'ws://127.0.0.1:13591/'

const LONG_TIMEOUT_MS = 5 * 60_000

/**
 * The URL a page should use: wss always works from https pages once the certificate is trusted;
 * ws only from http://localhost / 127.0.0.1 development pages (an https page may not use ws).
 */
function defaultAgentUrl(pageUrl: string | undefined = globalThis.location?.href): string {
  if (!pageUrl) return QOLTANBA_AGENT_WSS_URL
  const u = new URL(pageUrl)
  const local = u.hostname === 'localhost' || u.hostname === '127.0.0.1'
  return u.protocol === 'http:' && local ? QOLTANBA_AGENT_WS_URL : QOLTANBA_AGENT_WSS_URL
}

/** Options of our agent's signer. */
export interface QoltanbaAgentSignerOptions extends ConnectionOptions {
  readonly url?: string
}

function requireSecret(options: SignerCallOptions): string {
  if (!options.secret) throw new QoltanbaError(ErrorCode.WrongPin, 'A PIN is required', { pinRequired: true })
  return options.secret
}

function requireStorage(options: SignerCallOptions): string {
  if (!options.storageId) throw new QoltanbaError(ErrorCode.TokenMissing, 'No token chosen')
  return options.storageId
}

/** Our agent as a Signer, with pairing. */
export class QoltanbaAgentSigner implements Signer {
  readonly kind = 'qoltanba-agent' as const
  readonly capabilities: ReadonlySet<SignerCapability> = new Set<SignerCapability>([
    'listCertificates',
    'signCms',
    // basics.sign with `digested`: a detached CMS over a SHA-256 the caller computed.
    'signDigest',
    'generateKeyAndCsr',
    'importCertificate',
    'deleteCertificate',
  ])
  readonly secretEntry = 'page' as const
  readonly connection: AgentConnection
  private counter = 0

  constructor(options: QoltanbaAgentSignerOptions = {}) {
    this.connection = new AgentConnection(options.url ?? defaultAgentUrl(), options)
  }

  /** Available means connected and greeted; an unpaired origin gives reason 'origin-not-approved'. */
  async detect(): Promise<SignerStatus> {
    try {
      const greeting = await this.connection.open()
      if (greeting.result?.agent !== 'qoltanba') {
        return { kind: this.kind, available: false, version: greeting.version, reason: 'protocol' }
      }
      if (greeting.result.paired !== true) {
        const status = await this.pairingStatus().catch(() => undefined)
        if (!status?.approved) return { kind: this.kind, available: false, version: greeting.version, reason: 'origin-not-approved' }
      }
      return { kind: this.kind, available: true, version: greeting.version }
    } catch (e) {
      const reason = isQoltanbaError(e) ? e.details.reason : undefined
      return { kind: this.kind, available: false, reason: typeof reason === 'string' ? (reason as SignerStatus['reason']) : 'not-running' }
    }
  }

  /** Whether this page's origin is approved. */
  pairingStatus(): Promise<PairingStatus> {
    return this.call<PairingStatus>(AgentModule.pairing, 'status', {})
  }

  /** Asks the agent to show a 6-digit code; the user then types it into the page. */
  beginPairing(): Promise<PairingBegun> {
    return this.call<PairingBegun>(AgentModule.pairing, 'begin', {})
  }

  /** Confirms the code the user read off the agent; ERR_PAIRING_FAILED when it is wrong. */
  confirmPairing(code: string): Promise<PairingStatus> {
    return this.call<PairingStatus>(AgentModule.pairing, 'confirm', { code })
  }

  /** Tokens and PKCS#12 files the agent can use now (with their raw facts). */
  async listTokens(options: SignerCallOptions = {}): Promise<WireToken[]> {
    const result = await this.call<ListTokensResult>(AgentModule.tokens, 'listTokens', {}, options)
    return result.tokens
  }

  async listStorages(options: SignerCallOptions = {}): Promise<SignerStorage[]> {
    const tokens = await this.listTokens(options)
    return tokens.map((t) => ({
      id: t.id,
      label: t.label,
      type: t.type,
      model: t.model,
      secretRequired: true,
    }))
  }

  async listCertificates(options: SignerCallOptions = {}): Promise<SignerCertificate[]> {
    const out: SignerCertificate[] = []
    for (const storageId of await this.storageIds(options)) {
      const objects = await this.listObjects(storageId, options)
      for (const c of objects.certificates) {
        out.push({ id: c.id, storageId, der: fromBase64Text(c.der, 'certificate'), keyId: c.keyId, label: c.label })
      }
    }
    return out
  }

  async listKeys(options: SignerCallOptions = {}): Promise<SignerKey[]> {
    const out: SignerKey[] = []
    for (const storageId of await this.storageIds(options)) {
      const objects = await this.listObjects(storageId, options)
      for (const k of objects.keys) {
        out.push({
          id: k.id,
          storageId,
          algorithm: k.algorithm,
          publicKey: k.publicKey ? fromBase64Text(k.publicKey, 'public key') : undefined,
          label: k.label,
        })
      }
    }
    return out
  }

  /** CMS through NCALayer's `basics.sign` with our `storageId`/`certificateId`/`pin` additions. */
  async signCms(request: SignCmsRequest): Promise<SignCmsResult> {
    const args = {
      ...basicsSignArgs(request),
      locale: request.locale ?? 'kk',
      storageId: request.storageId,
      certificateId: request.certificateId,
      pin: requireSecret(request),
    }
    const result = await this.call<unknown>(AgentModule.basics, 'sign', args, { ...request, timeoutMs: LONG_TIMEOUT_MS })
    return signCmsResult(result, 'The agent returned no CMS')
  }

  async generateKeyAndCsr(request: GenerateKeyAndCsrRequest): Promise<GeneratedKeyAndCsr> {
    const storageId = requireStorage(request)
    const args = {
      storageId,
      pin: requireSecret(request),
      algorithm: request.algorithm,
      subject: { ...request.subject },
      keyUsage: request.keyUsage ? [...request.keyUsage] : undefined,
      extKeyUsage: request.extKeyUsage ? [...request.extKeyUsage] : undefined,
      email: request.email,
      label: request.label,
    }
    const r = await this.call<GenerateKeyPairResult>(AgentModule.tokens, 'generateKeyPair', args, {
      ...request,
      timeoutMs: LONG_TIMEOUT_MS,
    })
    return {
      keyId: r.keyId,
      storageId,
      csr: fromBase64Text(r.csr, 'CSR'),
      publicKey: fromBase64Text(r.publicKey, 'public key'),
    }
  }

  async importCertificate(request: ImportCertificateRequest): Promise<SignerCertificate> {
    const storageId = requireStorage(request)
    const r = await this.call<ImportCertificateResult>(AgentModule.tokens, 'importCertificate', {
      storageId,
      pin: requireSecret(request),
      certificate: toBase64(request.certificate),
      keyId: request.keyId,
      label: request.label,
    }, request)
    return { id: r.certificateId, storageId, der: request.certificate, keyId: r.keyId, label: request.label }
  }

  async deleteCertificate(certificateId: string, options: SignerCallOptions = {}): Promise<void> {
    await this.call(AgentModule.tokens, 'deleteCertificate', {
      storageId: requireStorage(options),
      pin: requireSecret(options),
      certificateId,
    }, options)
  }

  close(): void {
    this.connection.close()
  }

  private async storageIds(options: SignerCallOptions): Promise<string[]> {
    if (options.storageId) return [options.storageId]
    return (await this.listTokens(options)).map((t) => t.id)
  }

  /**
   * The secret goes only with an explicit `storageId`: a token PIN must not be tried as another
   * token's PIN (counting a wrong attempt) or as a PKCS#12 file's password.
   */
  private listObjects(storageId: string, options: SignerCallOptions): Promise<ListObjectsResult> {
    const pin = options.storageId === storageId ? options.secret : undefined
    return this.call<ListObjectsResult>(AgentModule.tokens, 'listObjects', { storageId, pin }, options)
  }

  private async call<T>(
    module: string,
    method: string,
    args: object,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<T> {
    const uuid = `q${++this.counter}`
    const reply = await this.connection.request(
      { module, method, args, uuid },
      { signal: options.signal, timeoutMs: options.timeoutMs, uuid },
    )
    return unwrapReply(reply) as T
  }
}
