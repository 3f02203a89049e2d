/**
 * NCALayer (НУЦ РК) as a Signer: CMS through `kz.gov.pki.knca.basics` → `sign`, falling back to
 * the legacy `kz.gov.pki.knca.commonUtils` → `createCAdESFromBase64` when `basics` is missing.
 * NCALayer picks the key and asks the PIN in its own window, so there is no listing, no CSR and
 * no certificate import (docs/protocols.md#signing-with-basics, docs/protocols.md#no-key-generation-or-certificate-import).
 */
import { ErrorCode, QoltanbaError, isQoltanbaError } from '../core/errors.ts'
import { toBase64 } from '../core/bytes.ts'
import { EkuOid } from '../pki/oids.ts'
import { AgentConnection, type ConnectionOptions } from './connection.ts'
import { NcaModule, basicsSignArgs, normaliseSignatures, signCmsResult, unwrapReply } from '../core/agent-envelopes.ts'
import type {
  GeneratedKeyAndCsr,
  SignCmsRequest,
  SignCmsResult,
  Signer,
  SignerCapability,
  SignerCertificate,
  SignerKey,
  SignerStatus,
  SignerStorage,
} from '../core/signer.ts'

/** NCALayer's only endpoint (docs/protocols.md#endpoint-and-framing). */
const NCALAYER_URL = 'wss://127.0.0.1:13579/'

/** Signing waits for a PIN typed in NCALayer's window (docs/protocols.md#rules-for-our-adapter, rule 7: at least 5 minutes). */
const SIGN_TIMEOUT_MS = 10 * 60_000

/** Key info returned by the legacy `getKeyInfo` (docs/protocols.md#legacy-commonutils); read dates from `pem`, not these strings. */
export interface NcaKeyInfo {
  readonly alias?: string
  readonly keyId?: string
  readonly algorithm?: string
  readonly subjectDn?: string
  readonly issuerDn?: string
  readonly serialNumber?: string
  readonly pem?: string
}

/** Options of the NCALayer signer. */
export interface NcaLayerSignerOptions extends ConnectionOptions {
  readonly url?: string
  /**
   * `signerParams.chain`: PEM CA certificates for path building. `[]` (the default) turns chain
   * building off, which is what certificates of our own CA need; `null` means NCA RK production only.
   */
  readonly chain?: string[] | null
  /** `allowedStorages`; `null` (default) offers every storage present. */
  readonly allowedStorages?: string[] | null
}

function notSupported(what: string): QoltanbaError {
  return new QoltanbaError(ErrorCode.NotSupported, `NCALayer does not ${what}`)
}

/** NCALayer as a Signer. */
export class NcaLayerSigner implements Signer {
  readonly kind = 'ncalayer' as const
  readonly capabilities: ReadonlySet<SignerCapability> = new Set<SignerCapability>(['signCms'])
  readonly secretEntry = 'agent' as const
  readonly connection: AgentConnection
  private readonly chain: string[] | null
  private readonly allowedStorages: string[] | null
  private uuidCounter = 0

  constructor(options: NcaLayerSignerOptions = {}) {
    this.connection = new AgentConnection(options.url ?? NCALAYER_URL, options)
    this.chain = options.chain === undefined ? [] : options.chain
    this.allowedStorages = options.allowedStorages ?? null
  }

  async detect(): Promise<SignerStatus> {
    try {
      const greeting = await this.connection.open()
      return { kind: this.kind, available: true, version: greeting.version }
    } catch (e) {
      const reason = isQoltanbaError(e) ? e.details.reason : undefined
      return { kind: this.kind, available: false, reason: typeof reason === 'string' ? (reason as SignerStatus['reason']) : 'not-running' }
    }
  }

  /** Storage types with a token present (legacy `getActiveTokens`; PKCS12 is never listed there). */
  async listStorages(): Promise<SignerStorage[]> {
    const names = await this.commonUtils('getActiveTokens', [])
    if (!Array.isArray(names)) throw new QoltanbaError(ErrorCode.AgentProtocol, 'getActiveTokens did not return a list')
    return names
      .filter((n): n is string => typeof n === 'string')
      .map((n) => ({ id: n, label: n, type: 'token' as const, secretRequired: true }))
  }

  async listCertificates(): Promise<SignerCertificate[]> {
    throw notSupported('list certificates (its own window picks the key)')
  }

  async listKeys(): Promise<SignerKey[]> {
    throw notSupported('list keys')
  }

  /** Legacy `getKeyInfo`: opens NCALayer's key picker for `storage` and describes the chosen key. */
  async getKeyInfo(storage: string, signal?: AbortSignal): Promise<NcaKeyInfo> {
    const info = await this.commonUtils('getKeyInfo', [storage], { signal, timeoutMs: SIGN_TIMEOUT_MS })
    if (typeof info !== 'object' || info === null) throw new QoltanbaError(ErrorCode.AgentProtocol, 'getKeyInfo returned no object')
    return info as NcaKeyInfo
  }

  /**
   * CMS over `request.data` through `basics.sign`; when NCALayer has no `basics` module
   * (MODULE_NOT_FOUND), through legacy `createCAdESFromBase64` with the first active token or PKCS12.
   */
  async signCms(request: SignCmsRequest): Promise<SignCmsResult> {
    try {
      return await this.signWithBasics(request)
    } catch (e) {
      if (!isQoltanbaError(e, ErrorCode.NotSupported)) throw e
      return this.signWithCommonUtils(request)
    }
  }

  async generateKeyAndCsr(): Promise<GeneratedKeyAndCsr> {
    throw notSupported('generate keys for third-party portals')
  }

  async importCertificate(): Promise<SignerCertificate> {
    throw notSupported('import certificates')
  }

  async deleteCertificate(): Promise<void> {
    throw notSupported('delete certificates')
  }

  close(): void {
    this.connection.close()
  }

  private async signWithBasics(request: SignCmsRequest): Promise<SignCmsResult> {
    const common = basicsSignArgs(request)
    const args = {
      allowedStorages: this.allowedStorages,
      ...common,
      signerParams: { ...common.signerParams, chain: this.chain },
      // basics knows kk (its default, and ours) and ru (docs/protocols.md#signing-with-basics); Russian is the closer choice for an English page.
      locale: request.locale === 'en' || request.locale === 'ru' ? 'ru' : 'kk',
    }
    const reply = await this.connection.request(
      { module: NcaModule.basics, method: 'sign', args },
      { signal: request.signal, timeoutMs: SIGN_TIMEOUT_MS },
    )
    return signCmsResult(unwrapReply(reply), 'NCALayer returned an empty list')
  }

  private async signWithCommonUtils(request: SignCmsRequest): Promise<SignCmsResult> {
    let storage = request.storageId
    if (!storage) {
      const active = await this.commonUtils('getActiveTokens', [], { signal: request.signal })
      storage = Array.isArray(active) && typeof active[0] === 'string' ? active[0] : 'PKCS12'
    }
    const keyType = (request.filter?.extKeyUsageOids ?? []).includes(EkuOid.clientAuth) ? 'AUTHENTICATION' : 'SIGNATURE'
    const result = await this.commonUtils(
      'createCAdESFromBase64',
      [storage, keyType, toBase64(request.data), !request.detached],
      { signal: request.signal, timeoutMs: SIGN_TIMEOUT_MS },
    )
    const { signatures } = normaliseSignatures(result)
    const cms = signatures[0]
    if (!cms) throw new QoltanbaError(ErrorCode.AgentProtocol, 'NCALayer returned no CMS')
    return { cms }
  }

  private async commonUtils(
    method: string,
    args: unknown[],
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<unknown> {
    const uuid = `q${Date.now().toString(36)}-${++this.uuidCounter}`
    const reply = await this.connection.request({ module: NcaModule.commonUtils, method, args, uuid }, { ...options, uuid })
    return unwrapReply(reply)
  }
}
