/**
 * Certificate sign-in state: who is signed in (read from the server; the session cookie itself
 * is HttpOnly), and the sign-in action: ask for a challenge, have a Signer sign it as CMS, send
 * it back. `$reset()` forgets the local state (the kiosk wipe); signOut() also ends the server session.
 * The cabinet's lists (certificates, applications, sessions) are the cabinet store's, loaded only
 * where the cabinet shows them: the header asks this store on every page.
 */
import { computed, ref, shallowRef } from 'vue'
import { defineStore } from 'pinia'
import { createAuthClient, type AuthClient, type SessionView } from '@/api/auth-client.ts'
import type { Signer } from '@/core/signer.ts'

/** clientAuth: NCALayer shows only authentication keys with this filter. */
const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2'

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_') ? code : 'ERR_INTERNAL'
}

/** Which certificate of the path a refusal is about (the server's details.depth), or null. */
function depthOf(e: unknown): number | null {
  const depth = (e as { details?: { depth?: unknown } } | null)?.details?.depth
  return typeof depth === 'number' ? depth : null
}

/** What to sign with: a signer and, for signers that list, the certificate and its storage. */
export interface SignInChoice {
  readonly signer: Signer
  readonly certificateId?: string
  readonly storageId?: string
  /** Container password or PIN when the signer asks for it in the page. */
  readonly secret?: string
  readonly locale?: 'kk' | 'ru' | 'en'
}

export const useSessionStore = defineStore('session', () => {
  /** The signed-in person, or null. */
  const session = ref<SessionView | null>(null)
  /** The server was asked at least once. */
  const checked = ref(false)
  /** Code of the last failure (errors.<code>), or null. */
  const error = ref<string | null>(null)
  /** With `error`: the certificate of the path it is about (0 the person's own, 1 its CA, …), or null. */
  const errorDepth = ref<number | null>(null)
  /** True while signing in or out. */
  const busy = ref(false)
  const client = shallowRef<AuthClient>(createAuthClient())
  /** The signed-in person's name as people write it ("Тестов Тест Тестович"), else their IIN. */
  const displayName = computed(() => session.value && (session.value.name?.full ?? session.value.iin))
  let refreshing: Promise<void> | null = null

  /**
   * Takes the session the server gave (null: signed out); a failure leaves the session as it
   * was and keeps the error code.
   */
  async function adoptSession(read: () => Promise<SessionView | null>): Promise<void> {
    try {
      session.value = await read()
      error.value = null
      errorDepth.value = null
    } catch (e) {
      error.value = codeOf(e)
      errorDepth.value = null
    }
  }

  /** Reads the current session from the server (a reload keeps the cookie); callers at the same time share one request. */
  function refresh(): Promise<void> {
    refreshing ??= adoptSession(() => client.value.session()).finally(() => {
      checked.value = true
      refreshing = null
    })
    return refreshing
  }

  /** Signs a fresh challenge with `choice` and signs in; true on success. */
  async function signIn(choice: SignInChoice): Promise<boolean> {
    busy.value = true
    error.value = null
    errorDepth.value = null
    try {
      const challenge = await client.value.challenge()
      const { cms } = await choice.signer.signCms({
        data: challenge.payload,
        detached: false,
        filter: { extKeyUsageOids: [CLIENT_AUTH_OID] },
        ...(choice.certificateId ? { certificateId: choice.certificateId } : {}),
        ...(choice.storageId ? { storageId: choice.storageId } : {}),
        ...(choice.secret ? { secret: choice.secret } : {}),
        ...(choice.locale ? { locale: choice.locale } : {}),
      })
      session.value = await client.value.login(cms)
      return true
    } catch (e) {
      error.value = codeOf(e)
      errorDepth.value = depthOf(e)
      return false
    } finally {
      busy.value = false
      checked.value = true
    }
  }

  /** Ends the session on the server and here. */
  async function signOut(): Promise<void> {
    busy.value = true
    try {
      await adoptSession(async () => {
        await client.value.logout()
        return null
      })
    } finally {
      busy.value = false
    }
  }

  /** Points the store at another client (tests). */
  function useClient(next: AuthClient): void {
    client.value = next
  }

  function $reset(): void {
    session.value = null
    checked.value = false
    error.value = null
    errorDepth.value = null
    busy.value = false
  }

  return { session, displayName, checked, error, errorDepth, busy, refresh, signIn, signOut, useClient, $reset }
})

