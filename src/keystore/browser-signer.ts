/**
 * The browser keystore as a {@link Signer}: containers are storages, the container password is
 * the `secret` typed in the page. A locked container is unlocked with `secret` for the call
 * (and stays unlocked until lock or idle timeout, like unlocking it in "My certificates").
 */
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
import { createCsr } from '../pki/csr.ts'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import type { KeyUsageName } from '../pki/extensions.ts'
import type { Keystore } from './keystore.ts'
import type { ContainerView } from './views.ts'

const CAPABILITIES: ReadonlySet<SignerCapability> = new Set([
  'listCertificates',
  'signCms',
  'signDigest',
  'countersign',
  'generateKeyAndCsr',
  'importCertificate',
  'deleteCertificate',
])

/** A Signer over a {@link Keystore}. */
export class KeystoreSigner implements Signer {
  readonly kind = 'keystore' as const
  readonly capabilities = CAPABILITIES
  readonly secretEntry = 'page' as const

  constructor(private readonly keystore: Keystore) {}

  async detect(): Promise<SignerStatus> {
    const available = typeof indexedDB !== 'undefined' && Boolean(globalThis.crypto?.subtle)
    return available ? { kind: this.kind, available } : { kind: this.kind, available, reason: 'insecure-context' }
  }

  async listStorages(): Promise<SignerStorage[]> {
    return (await this.keystore.listContainers()).map((c) => ({ id: c.id, label: c.name, type: 'browser', secretRequired: !c.unlocked }))
  }

  async listCertificates(options: SignerCallOptions = {}): Promise<SignerCertificate[]> {
    return (await this.#containers(options.storageId)).flatMap((c) =>
      c.certificates
        .filter((cert) => cert.keyId)
        .map((cert) => ({
          id: cert.id,
          storageId: c.id,
          der: cert.der,
          ...(cert.keyId ? { keyId: cert.keyId } : {}),
          label: cert.summary.commonName ?? cert.summary.subjectName,
        })),
    )
  }

  async listKeys(options: SignerCallOptions = {}): Promise<SignerKey[]> {
    return (await this.#containers(options.storageId)).flatMap((c) =>
      c.keys.map((k) => ({
        id: k.id,
        storageId: c.id,
        algorithm: k.algorithm.name === 'RSA' && k.algorithm.bits === 2048 ? 'RSA-2048' : k.algorithm.name === 'EC' && k.algorithm.curve === 'P-256' ? 'P-256' : k.algorithm.name,
        publicKey: k.spki,
        label: k.friendlyName ?? c.name,
      })),
    )
  }

  async signCms(request: SignCmsRequest): Promise<SignCmsResult> {
    throwIfAborted(request.signal)
    const certificates = await this.listCertificates(request.storageId ? { storageId: request.storageId } : {})
    const chosen = certificates.find((c) => (request.certificateId ? c.id === request.certificateId : true))
    if (!chosen?.keyId) throw new QoltanbaError(ErrorCode.NotFound, 'No certificate to sign with', { reason: 'no_certificate' })
    await this.#unlock(chosen.storageId, request.secret)
    throwIfAborted(request.signal)
    const cms = await this.keystore.signCms(chosen.storageId, chosen.keyId, request.data, {
      certificateId: chosen.id,
      ...(request.detached !== undefined ? { detached: request.detached } : {}),
      ...(request.hash ? { hash: request.hash } : {}),
      ...(request.messageDigest ? { messageDigest: request.messageDigest } : {}),
      ...(request.countersign ? { countersign: request.countersign } : {}),
    })
    return { cms, certificate: chosen.der }
  }

  async generateKeyAndCsr(request: GenerateKeyAndCsrRequest): Promise<GeneratedKeyAndCsr> {
    throwIfAborted(request.signal)
    const password = request.secret
    if (!password) throw new QoltanbaError(ErrorCode.Locked, 'A container password is required')
    const { storageId, key, keyPair } = request.storageId
      ? { storageId: request.storageId, ...(await this.keystore.addKey(request.storageId, password, request.algorithm)) }
      : await this.keystore
          .createContainer({ name: request.label ?? request.subject.commonName ?? 'Qoltanba', password, algorithm: request.algorithm })
          .then((created) => ({ storageId: created.container.id, key: created.key, keyPair: created.keyPair }))
    const csr = await createCsr({
      subject: request.subject,
      keys: keyPair,
      ...(request.keyUsage ? { keyUsage: request.keyUsage as KeyUsageName[] } : {}),
      ...(request.extKeyUsage ? { extKeyUsage: request.extKeyUsage } : {}),
      ...(request.email ? { email: request.email } : {}),
    })
    return { keyId: key.id, storageId, csr, publicKey: key.spki }
  }

  async importCertificate(request: ImportCertificateRequest): Promise<SignerCertificate> {
    const containers = await this.#containers(request.storageId)
    const candidates = containers.filter((c) => c.keys.some((k) => !request.keyId || k.id === request.keyId))
    let lastError: unknown = new QoltanbaError(ErrorCode.KeyMismatch, 'No key matches the certificate')
    for (const container of candidates) {
      try {
        const stored = await this.keystore.attachCertificate(container.id, request.certificate, request.chain)
        return { id: stored.id, storageId: container.id, der: stored.der, ...(stored.keyId ? { keyId: stored.keyId } : {}), label: request.label ?? stored.summary.commonName ?? container.name }
      } catch (e) {
        if (!(e instanceof QoltanbaError && e.code === ErrorCode.KeyMismatch)) throw e
        lastError = e
      }
    }
    throw lastError
  }

  deleteCertificate(certificateId: string): Promise<void> {
    return this.keystore.deleteCertificate(certificateId)
  }

  close(): void {
    // Nothing to release: the keystore outlives the signer.
  }

  async #containers(storageId: string | undefined): Promise<ContainerView[]> {
    const all = await this.keystore.listContainers()
    if (!storageId) return all
    const one = all.filter((c) => c.id === storageId)
    if (one.length === 0) throw new QoltanbaError(ErrorCode.NotFound, 'No such container', { containerId: storageId })
    return one
  }

  async #unlock(containerId: string, secret: string | undefined): Promise<void> {
    if (this.keystore.isUnlocked(containerId)) return
    if (!secret) throw new QoltanbaError(ErrorCode.Locked, 'The container is locked', { containerId })
    await this.keystore.unlockContainer(containerId, secret)
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new QoltanbaError(ErrorCode.UserCancelled, 'Cancelled', { aborted: true })
}
