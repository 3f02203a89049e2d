/**
 * "My certificates" state: the containers on this device, their lock state, and the actions
 * the UI offers. The keystore (and pkijs with it) is loaded on first use, never at first paint.
 * `$reset()` locks every container and forgets everything (kiosk session end).
 */
import { computed, ref, shallowRef } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'
import type { RevocationReason } from '@/api/revocation-reasons.ts'
import type { RevocationOutcome } from '@/flows/revocation.ts'
import type {
  CertificateView,
  ContainerView,
  ExportPkcs12Options,
  ImportPkcs12Options,
  KeyAlgorithmChoice,
  Keystore,
  KeystoreSigner,
  PasskeyAuthenticator,
} from '@/keystore/index.ts'

/** Loads the keystore chunk (idb, pkijs). */
export function loadKeystoreModule() {
  return import('@/keystore/index.ts')
}

export const useContainersStore = defineStore('containers', () => {
  /** Containers on this device, oldest first. */
  const containers = ref<ContainerView[]>([])
  /** The first load finished (an empty list then means "no containers"). */
  const loaded = ref(false)
  /** Code of the last failure to read the keystore (errors.<code>), or null. */
  const loadError = ref<string | null>(null)
  /** Idle time before an unlocked container locks itself. */
  const idleLockMs = ref(5 * 60_000)

  const keystore = shallowRef<Keystore | null>(null)
  let keystorePromise: Promise<Keystore> | null = null
  let unsubscribe: (() => void) | null = null

  /** Certificates of all containers that belong to a key (not CA certificates). */
  const ownCertificates = computed(() => containers.value.flatMap((c) => c.certificates.filter((x) => x.keyId)))

  /** The keystore instance, created on first use. */
  function useKeystore(): Promise<Keystore> {
    keystorePromise ??= loadKeystoreModule().then(({ Keystore }) => {
      const instance = new Keystore({ idleLockMs: idleLockMs.value })
      unsubscribe = instance.onLockChange((containerId, unlocked) => {
        containers.value = containers.value.map((c) => (c.id === containerId ? { ...c, unlocked } : c))
      })
      keystore.value = instance
      return instance
    })
    return keystorePromise
  }

  /** A Signer over this device's keystore (for signing and CSR flows). */
  async function useSigner(): Promise<KeystoreSigner> {
    const [{ KeystoreSigner }, instance] = await Promise.all([loadKeystoreModule(), useKeystore()])
    return new KeystoreSigner(instance)
  }

  /** Reloads the list from the database. */
  async function refresh(): Promise<void> {
    try {
      containers.value = await (await useKeystore()).listContainers()
      loadError.value = null
    } catch (e) {
      loadError.value = (e as { code?: string }).code ?? 'ERR_STORAGE_FAILED'
    } finally {
      loaded.value = true
    }
  }

  /**
   * Asks the browser to keep this origin's data (Safari evicts unused sites after 7 days unless
   * persistent); asked once keys exist, since that is when losing the data would hurt.
   */
  function requestPersistence(): void {
    void globalThis.navigator?.storage?.persist?.().catch(() => false)
  }

  /** Creates a container with a generated key; returns its id. */
  async function createContainer(name: string, password: string, algorithm: KeyAlgorithmChoice = 'RSA-2048'): Promise<string> {
    const { container } = await (await useKeystore()).createContainer({ name, password, algorithm })
    requestPersistence()
    await refresh()
    return container.id
  }

  /** True when a .p12/.pfx file opens without a password (the import dialog then asks for a new one only). */
  async function fileHasNoPassword(file: File): Promise<boolean> {
    const { MAX_PKCS12_BYTES } = await loadKeystoreModule()
    if (file.size > MAX_PKCS12_BYTES) return false
    return (await useKeystore()).pkcs12OpensWithoutPassword(new Uint8Array(await file.arrayBuffer()))
  }

  /** Imports a .p12/.pfx file as a new container; returns what was imported. */
  async function importFile(file: File, password: string, options: ImportPkcs12Options = {}): Promise<ContainerView> {
    const { MAX_PKCS12_BYTES } = await loadKeystoreModule()
    const instance = await useKeystore()
    // Refuse huge files before reading them into memory.
    const bytes = file.size > MAX_PKCS12_BYTES ? new Uint8Array(MAX_PKCS12_BYTES + 1) : new Uint8Array(await file.arrayBuffer())
    const imported = await instance.importPkcs12(bytes, password, { fileName: file.name, ...options })
    requestPersistence()
    await refresh()
    return imported
  }

  async function unlock(containerId: string, password: string): Promise<void> {
    await (await useKeystore()).unlockContainer(containerId, password)
  }

  function lock(containerId: string): void {
    keystore.value?.lockContainer(containerId)
  }

  /**
   * Revokes one of this device's own certificates with its key (src/flows/revocation.ts),
   * confirmed by the container password or a passkey's authenticator; the caller refreshes.
   */
  async function revoke(certificate: CertificateView, reason: RevocationReason, confirmation: string | PasskeyAuthenticator): Promise<RevocationOutcome> {
    const [{ revokeStoredCertificate }, instance] = await Promise.all([import('@/flows/revocation.ts'), useKeystore()])
    return revokeStoredCertificate(instance, certificate, reason, confirmation)
  }

  async function rename(containerId: string, name: string): Promise<void> {
    await (await useKeystore()).renameContainer(containerId, name)
    await refresh()
  }

  async function changePassword(containerId: string, oldPassword: string, newPassword: string): Promise<void> {
    await (await useKeystore()).changePassword(containerId, oldPassword, newPassword)
  }

  async function remove(containerId: string): Promise<void> {
    await (await useKeystore()).deleteContainer(containerId)
    await refresh()
  }

  /** Stores an issued certificate next to its key. */
  async function attachCertificate(containerId: string, certificate: Uint8Array, chain?: readonly Uint8Array[]): Promise<void> {
    await (await useKeystore()).attachCertificate(containerId, certificate, chain)
    await refresh()
  }

  /** A PKCS#12 file of the container (or one key). */
  async function exportPkcs12(containerId: string, options: ExportPkcs12Options): Promise<Uint8Array> {
    return (await useKeystore()).exportPkcs12(containerId, options)
  }

  /** Every key of a container as PEM EncryptedPrivateKeyInfo (protected by the container password). */
  async function exportEncryptedKeys(containerId: string): Promise<string> {
    const instance = await useKeystore()
    const { keys } = await instance.getContainer(containerId)
    const pems = await Promise.all(keys.map((k) => instance.exportEncryptedKey(containerId, k.id)))
    return pems.join('')
  }

  /** Test signatures with every key of an unlocked container; true when all verify. */
  async function checkKeys(containerId: string): Promise<boolean> {
    const results = await (await useKeystore()).checkKeys(containerId)
    return results.length > 0 && results.every((r) => r.verified)
  }

  /** Seconds-precision wait before the next password attempt. */
  async function retryAfterMs(containerId: string): Promise<number> {
    return (await useKeystore()).retryAfterMs(containerId)
  }

  /** Changes the auto-lock idle time. */
  function setIdleLockMs(ms: number): void {
    idleLockMs.value = ms
    keystore.value?.setIdleLockMs(ms)
  }

  function $reset(): void {
    unsubscribe?.()
    unsubscribe = null
    keystore.value?.close()
    keystore.value = null
    keystorePromise = null
    containers.value = []
    loaded.value = false
    loadError.value = null
    idleLockMs.value = 5 * 60_000
  }

  return {
    containers,
    loaded,
    loadError,
    idleLockMs,
    ownCertificates,
    useKeystore,
    useSigner,
    refresh,
    createContainer,
    importFile,
    fileHasNoPassword,
    unlock,
    lock,
    revoke,
    rename,
    changePassword,
    remove,
    attachCertificate,
    exportPkcs12,
    exportEncryptedKeys,
    checkKeys,
    retryAfterMs,
    setIdleLockMs,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useContainersStore, import.meta.hot))
