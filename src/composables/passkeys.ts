/**
 * Passkey unlock for components (src/keystore/README.md, "Passkey unlock"): whether this device
 * may offer it, a container's passkeys, set up / remove / unlock, and the sentence for a failure.
 * Never offered on a kiosk (nothing of the applicant's stays there), nor where the browser has no
 * WebAuthn or PRF; an authenticator found to lack PRF at setup is remembered on this device, so
 * the option is then hidden with its one-line reason instead of failing again.
 */
import { computed, ref, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import type { PasskeyView } from '@/keystore/index.ts'
import { useContainersStore, loadKeystoreModule } from '@/stores/containers.ts'
import { useKioskStore } from '@/stores/kiosk.ts'
import { errorCode, retryAfterSeconds, useErrorMessage } from './error-message.ts'

/** Why passkey unlock is or is not offered here. */
export type PasskeyAvailability = 'checking' | 'available' | 'kiosk' | 'no-webauthn' | 'no-prf'

/** localStorage flag: this device's authenticator gave no PRF at setup (a fact, not a secret). */
export const NO_PRF_FLAG = 'qoltanba.passkey.no-prf'

const support = ref<'checking' | 'available' | 'no-webauthn' | 'no-prf'>('checking')
let probing: Promise<void> | null = null

function rememberedNoPrf(): boolean {
  try {
    return globalThis.localStorage?.getItem(NO_PRF_FLAG) === '1'
  } catch {
    return false
  }
}

async function probe(): Promise<void> {
  const { passkeySupport } = await loadKeystoreModule()
  const found = await passkeySupport()
  support.value = found === 'available' && rememberedNoPrf() ? 'no-prf' : found
}

/** A string fact of a failure's details (`reason`, `factor`). */
function detailOf(e: unknown, name: 'reason' | 'factor'): string | undefined {
  const value = (e as { details?: Record<string, unknown> } | null)?.details?.[name]
  return typeof value === 'string' ? value : undefined
}

export function usePasskeys() {
  const { t } = useI18n()
  const store = useContainersStore()
  const kiosk = useKioskStore()
  const { message: genericMessage } = useErrorMessage({ retryWait: true })

  const availability = computed<PasskeyAvailability>(() => (kiosk.active ? 'kiosk' : support.value))

  /** Passkeys of a container ([] when passkeys are not offered here). Finds out `availability` first. */
  async function list(containerId: string): Promise<PasskeyView[]> {
    // Looked up on first need, not on mount: the operator's screen never loads the keystore for this.
    probing ??= probe().catch(() => {
      support.value = 'no-webauthn'
    })
    await probing
    if (availability.value !== 'available') return []
    return (await store.useKeystore()).listPasskeys(containerId)
  }

  /** This browser's WebAuthn as the keystore's authenticator (for flows that take one, e.g. revocation). */
  async function authenticator() {
    const { WebAuthnPasskeys } = await loadKeystoreModule()
    return new WebAuthnPasskeys()
  }

  /** Sets up a passkey (password first); an authenticator without PRF hides the option on this device. */
  async function add(containerId: string, password: string, label: string): Promise<PasskeyView> {
    try {
      return await (await store.useKeystore()).addPasskey(containerId, password, await authenticator(), label)
    } catch (e) {
      if (errorCode(e) === 'ERR_NOT_SUPPORTED' && detailOf(e, 'reason') === 'prf') {
        try {
          globalThis.localStorage?.setItem(NO_PRF_FLAG, '1')
        } catch {
          // Private mode: the option is offered again next time.
        }
        support.value = 'no-prf'
      }
      throw e
    }
  }

  async function remove(containerId: string, passkeyId: string): Promise<void> {
    await (await store.useKeystore()).removePasskey(containerId, passkeyId)
  }

  /** Unlocks a container with one of its passkeys (the lock state reaches the store by its listener). */
  async function unlock(containerId: string): Promise<void> {
    await (await store.useKeystore()).unlockWithPasskey(containerId, await authenticator())
  }

  /** The sentence for a passkey failure; other failures as everywhere else. */
  function message(e: unknown): string {
    const code = errorCode(e)
    const reason = detailOf(e, 'reason')
    if (code === 'ERR_WRONG_PASSWORD' && detailOf(e, 'factor') === 'passkey') {
      const wait = retryAfterSeconds(e)
      return wait > 0 ? `${t('passkey.errors.wrong')} ${t('certificates.unlock.retry_in', { n: wait }, wait)}` : t('passkey.errors.wrong')
    }
    if (code === 'ERR_NOT_SUPPORTED' && reason === 'prf') return t('passkey.errors.no_prf')
    if (code === 'ERR_NOT_SUPPORTED' && reason === 'exists') return t('passkey.errors.exists')
    if (code === 'ERR_USER_CANCELLED' && reason === 'passkey') return t('passkey.errors.cancelled')
    return genericMessage(e)
  }

  /** True when the option is hidden only because this device's authenticator once had no PRF. */
  const canRetry = computed(() => support.value === 'no-prf' && rememberedNoPrf())

  /** Forgets that finding (another authenticator, e.g. a security key, may have PRF). */
  function retry(): void {
    try {
      globalThis.localStorage?.removeItem(NO_PRF_FLAG)
    } catch {
      // Nothing remembered then.
    }
    probing = null
    support.value = 'checking'
    probing = probe().catch(() => {
      support.value = 'no-webauthn'
    })
  }

  return { availability, canRetry, retry, list, add, remove, unlock, authenticator, message }
}

/**
 * Passkey first wherever a container's password is asked: `passkeyFirst` is true when the
 * container has a passkey usable here and the person has not chosen "Use password instead".
 */
export function usePasskeyFirst(containerId: () => string | undefined) {
  const { list } = usePasskeys()
  const registered = ref(false)
  const usePassword = ref(false)
  let checked: string | undefined
  async function check(id: string | undefined): Promise<void> {
    usePassword.value = false
    // Another container: nothing is known of it yet. The same one again: keep the answer meanwhile.
    if (id !== checked) registered.value = false
    checked = id
    const found = id ? (await list(id)).length > 0 : false
    if (containerId() === id) registered.value = found
  }
  watch(containerId, check, { immediate: true })
  const passkeyFirst = computed(() => registered.value && !usePassword.value)
  /** Looks again (a dialog opening after passkeys were set up or removed). */
  const refresh = () => check(containerId())
  return { registered, usePassword, passkeyFirst, refresh }
}
