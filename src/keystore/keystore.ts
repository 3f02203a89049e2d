/**
 * The keystore: containers of key pairs and certificates in IndexedDB, unlocked into
 * non-extractable CryptoKeys in memory. One instance per database; the app keeps one (see
 * src/stores/containers.ts), tests make their own with a fresh `dbName`.
 *
 * @example
 * ```ts
 * const keystore = new Keystore()
 * const { container } = await keystore.createContainer({ name: 'Мой ключ', password })
 * await keystore.lockContainer(container.id)
 * await keystore.unlockContainer(container.id, password)
 * const cms = await keystore.signCms(container.id, container.keys[0].id, data)
 * ```
 */
import { getCrypto } from '../pki/engine.ts'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { signCms } from '../pki/cms.ts'
import { countersignCms } from '../pki/cades-countersign.ts'
import { attachCertificate, deleteCertificate, setCertificateRevoked } from './certificates.ts'
import type { KeystoreContext } from './context.ts'
import {
  createContainer,
  deleteContainer,
  getContainer,
  listContainers,
  renameContainer,
  type CreateContainerOptions,
  type CreatedContainer,
} from './containers.ts'
import { DEFAULT_DB_NAME, KeystoreDatabase } from './database.ts'
import { exportEncryptedKey, exportPkcs12, type ExportPkcs12Options } from './export-pkcs12.ts'
import { importPkcs12, pkcs12OpensWithoutPassword, type ImportPkcs12Options } from './import-pkcs12.ts'
import { checkKey, type KeyCheckResult } from './key-check.ts'
import { DEFAULT_PBKDF2_ITERATIONS, type KeyAlgorithmChoice } from './key-material.ts'
import { addKey, changePassword, unlockContainer } from './passwords.ts'
import { addPasskey, listPasskeys, removePasskey, unlockWithPasskey, type PasskeyAuthenticator, type PasskeyView } from './passkeys.ts'
import { gostKeyBehind, signCmsWithGost } from './gost-keys.ts'
import { DEFAULT_IDLE_LOCK_MS, SessionRegistry, type LockListener } from './sessions.ts'
import { retryAfterMs } from './throttle.ts'
import type { CertificateView, ContainerView, KeyView } from './views.ts'

/** Options of a {@link Keystore}. */
export interface KeystoreOptions {
  /** IndexedDB database name (default 'qoltanba-keystore'). */
  readonly dbName?: string
  readonly crypto?: Crypto
  /** Idle time before an unlocked container locks itself (default 5 min; 0 = never). */
  readonly idleLockMs?: number
  /**
   * PBKDF2 iterations for keys written (default 600,000). Lower values exist for tests only;
   * reading works with whatever count a key was written with.
   */
  readonly iterations?: number
  /** Clock for the wrong-password delay (tests). */
  readonly now?: () => number
}

/** Options of {@link Keystore.signCms}. */
export interface KeystoreSignOptions {
  readonly detached?: boolean
  readonly hash?: 'SHA-256' | 'SHA-384'
  /** Certificate to sign with; default: the newest certificate of the key. */
  readonly certificateId?: string
  /** The document's digest computed elsewhere (a streamed large file); detached only, `data` unread. */
  readonly messageDigest?: Uint8Array
  /** Countersign SignerInfo `signerIndex` of `cms` instead (`data` unread); not with GOST keys. */
  readonly countersign?: { readonly cms: Uint8Array; readonly signerIndex: number }
}

export class Keystore {
  readonly #ctx: KeystoreContext

  constructor(options: KeystoreOptions = {}) {
    this.#ctx = {
      db: new KeystoreDatabase(options.dbName ?? DEFAULT_DB_NAME),
      crypto: options.crypto ?? getCrypto(),
      sessions: new SessionRegistry(options.idleLockMs ?? DEFAULT_IDLE_LOCK_MS),
      iterations: options.iterations ?? DEFAULT_PBKDF2_ITERATIONS,
      now: options.now ?? (() => Date.now()),
    }
  }

  /** Name of the IndexedDB database (the kiosk wipe deletes it). */
  get dbName(): string {
    return this.#ctx.db.name
  }

  /** Every container with keys, certificates and lock state. */
  listContainers(): Promise<ContainerView[]> {
    return listContainers(this.#ctx)
  }

  /** One container (ERR_NOT_FOUND). */
  getContainer(containerId: string): Promise<ContainerView> {
    return getContainer(this.#ctx, containerId)
  }

  /** A new container with a generated key (RSA-2048 default), left unlocked. */
  createContainer(options: CreateContainerOptions): Promise<CreatedContainer> {
    return createContainer(this.#ctx, options)
  }

  /** One more generated key in a container (checks the password; leaves it unlocked). */
  addKey(containerId: string, password: string, algorithm?: KeyAlgorithmChoice): Promise<{ key: KeyView; keyPair: CryptoKeyPair }> {
    return addKey(this.#ctx, containerId, password, algorithm)
  }

  /** Unlocks a container (ERR_WRONG_PASSWORD with retryAfterMs, ERR_RETRY_LATER). */
  unlockContainer(containerId: string, password: string): Promise<void> {
    return unlockContainer(this.#ctx, containerId, password)
  }

  /**
   * Sets up a passkey for a container (checks the password; the authenticator asks for the
   * user's fingerprint, face or PIN). ERR_NOT_SUPPORTED when it has no PRF (nothing stored).
   */
  addPasskey(containerId: string, password: string, authenticator: PasskeyAuthenticator, label: string): Promise<PasskeyView> {
    return addPasskey(this.#ctx, containerId, password, authenticator, label)
  }

  /** Unlocks a container with one of its passkeys (ERR_WRONG_PASSWORD with details.factor 'passkey'). */
  unlockWithPasskey(containerId: string, authenticator: PasskeyAuthenticator, timing?: { authenticatorMs: number }): Promise<void> {
    return unlockWithPasskey(this.#ctx, containerId, authenticator, timing)
  }

  /** Passkeys of a container, oldest first. */
  listPasskeys(containerId: string): Promise<PasskeyView[]> {
    return listPasskeys(this.#ctx, containerId)
  }

  /** Removes one passkey of a container (the password and other passkeys keep working). */
  removePasskey(containerId: string, passkeyId: string): Promise<void> {
    return removePasskey(this.#ctx, containerId, passkeyId)
  }

  /** Locks a container: its keys are dropped from memory. */
  lockContainer(containerId: string): void {
    this.#ctx.sessions.close(containerId, 'user')
  }

  /** Locks every container. */
  lockAll(): void {
    this.#ctx.sessions.closeAll('user')
  }

  /** True while a container is unlocked. */
  isUnlocked(containerId: string): boolean {
    return this.#ctx.sessions.isOpen(containerId)
  }

  /** Milliseconds before a container accepts another password (0: now). */
  retryAfterMs(containerId: string): Promise<number> {
    return retryAfterMs(this.#ctx.db, containerId, this.#ctx.now())
  }

  /** Changes the idle time before auto-lock (applies from the next use). */
  setIdleLockMs(ms: number): void {
    this.#ctx.sessions.idleLockMs = ms
  }

  /** Subscribes to lock/unlock events (idle locks included). Returns the unsubscribe function. */
  onLockChange(listener: LockListener): () => void {
    return this.#ctx.sessions.subscribe(listener)
  }

  renameContainer(containerId: string, name: string): Promise<void> {
    return renameContainer(this.#ctx, containerId, name)
  }

  /** Re-encrypts every key under `newPassword` in one transaction. */
  changePassword(containerId: string, oldPassword: string, newPassword: string): Promise<void> {
    return changePassword(this.#ctx, containerId, oldPassword, newPassword)
  }

  /** Deletes a container, its keys and certificates. */
  deleteContainer(containerId: string): Promise<void> {
    return deleteContainer(this.#ctx, containerId)
  }

  /**
   * Stores a certificate (DER or PEM) next to its key, found by public key (ERR_KEY_MISMATCH),
   * and the issuing CA certificates `chain` with it (one transaction).
   */
  attachCertificate(containerId: string, certificate: Uint8Array, chain?: readonly Uint8Array[]): Promise<CertificateView> {
    return attachCertificate(this.#ctx, containerId, certificate, chain)
  }

  /** Removes a stored certificate (never its key). */
  deleteCertificate(certificateId: string): Promise<void> {
    return deleteCertificate(this.#ctx, certificateId)
  }

  /** Records (or clears, with undefined) the revocation of a stored certificate. */
  setCertificateRevoked(certificateId: string, revokedAt: number | undefined): Promise<void> {
    return setCertificateRevoked(this.#ctx, certificateId, revokedAt)
  }

  /** Imports a PKCS#12 file as a new unlocked container. */
  importPkcs12(bytes: Uint8Array, password: string, options?: ImportPkcs12Options): Promise<ContainerView> {
    return importPkcs12(this.#ctx, bytes, password, options)
  }

  /** True when a PKCS#12 file has no password (then import it with "" and a `containerPassword`). */
  pkcs12OpensWithoutPassword(bytes: Uint8Array): Promise<boolean> {
    return pkcs12OpensWithoutPassword(this.#ctx, bytes)
  }

  /** Exports a container (or one key) as a PKCS#12 file. */
  exportPkcs12(containerId: string, options: ExportPkcs12Options): Promise<Uint8Array> {
    return exportPkcs12(this.#ctx, containerId, options)
  }

  /** The stored encrypted PKCS#8 of a key as PEM. */
  exportEncryptedKey(containerId: string, keyId: string): Promise<string> {
    return exportEncryptedKey(this.#ctx, containerId, keyId)
  }

  /**
   * The unlocked private key of `keyId` (non-extractable); restarts the idle clock.
   * @throws ERR_LOCKED when the container is locked.
   */
  privateKey(containerId: string, keyId: string): CryptoKey {
    const key = this.#ctx.sessions.privateKey(containerId, keyId)
    if (!key) throw new QoltanbaError(ErrorCode.Locked, 'The container is locked', { containerId })
    return key
  }

  /**
   * CMS SignedData over `data` with an unlocked key and its certificate (plus the container's
   * CA certificates). @throws ERR_LOCKED, ERR_NOT_FOUND (no certificate for the key).
   */
  async signCms(containerId: string, keyId: string, data: Uint8Array, options: KeystoreSignOptions = {}): Promise<Uint8Array> {
    const privateKey = this.privateKey(containerId, keyId)
    const container = await this.getContainer(containerId)
    const own = container.certificates
      .filter((c) => c.keyId === keyId && (!options.certificateId || c.id === options.certificateId))
      .sort((a, b) => b.summary.notAfter - a.summary.notAfter)[0]
    if (!own) throw new QoltanbaError(ErrorCode.NotFound, 'The key has no certificate', { reason: 'no_certificate' })
    const chain = container.certificates.filter((c) => !c.keyId).map((c) => c.der)
    const gost = gostKeyBehind(privateKey)
    if (options.countersign) {
      if (gost) throw new QoltanbaError(ErrorCode.NotSupported, 'GOST keys do not countersign', { reason: 'gost-countersign' })
      return countersignCms(options.countersign.cms, { privateKey, ...(options.hash ? { hash: options.hash } : {}) }, { certificate: own.der, chain, signerIndex: options.countersign.signerIndex }, this.#ctx.crypto)
    }
    if (gost) {
      // A streamed SHA-256 digest cannot be GOST-signed: passing it on makes signGostCms refuse it
      // (ERR_VALIDATION, details.gost) rather than sign `data`, which the caller did not fill.
      return signCmsWithGost(gost, {
        data,
        certificate: own.der,
        chain,
        detached: options.detached ?? false,
        ...(options.messageDigest ? { messageDigest: options.messageDigest } : {}),
      })
    }
    return signCms(
      {
        data,
        privateKey,
        certificate: own.der,
        chain,
        detached: options.detached ?? false,
        ...(options.hash ? { hash: options.hash } : {}),
        ...(options.messageDigest ? { messageDigest: options.messageDigest } : {}),
      },
      this.#ctx.crypto,
    )
  }

  /**
   * Makes a test signature with every key of an unlocked container and verifies it (against
   * the key's certificate when it has one). @throws ERR_LOCKED.
   */
  async checkKeys(containerId: string): Promise<KeyCheckResult[]> {
    const container = await this.getContainer(containerId)
    const results: KeyCheckResult[] = []
    for (const key of container.keys) {
      results.push(await checkKey(this.#ctx, this, key, container.certificates.some((c) => c.keyId === key.id)))
    }
    return results
  }

  /** Locks everything and closes the database connection. */
  close(): void {
    this.#ctx.sessions.closeAll('closed')
    this.#ctx.db.close()
  }

  /** Locks everything and deletes the database (kiosk wipe, tests). */
  async destroy(): Promise<void> {
    this.#ctx.sessions.closeAll('closed')
    await this.#ctx.db.destroy()
  }
}
