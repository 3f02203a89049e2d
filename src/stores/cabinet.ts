/**
 * The personal cabinet's lists, for the signed-in person: my certificates and applications as
 * the Registration Center knows them, and the places I am signed in, with the actions on those
 * (end one session, end all others). Loaded by the cabinet page only; who is signed in is the
 * session store's. `$reset()` forgets everything (kiosk wipe, sign-out).
 */
import { ref, shallowRef } from 'vue'
import { defineStore } from 'pinia'
import { createAuthClient, type AuthClient, type MyApplication, type MyCertificate, type MySession } from '@/api/auth-client.ts'
import { useSessionStore } from './session.ts'

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_') ? code : 'ERR_INTERNAL'
}

export const useCabinetStore = defineStore('cabinet', () => {
  /** My certificates issued by this Registration Center, newest first. */
  const certificates = ref<MyCertificate[]>([])
  /** My applications, newest first. */
  const applications = ref<MyApplication[]>([])
  /** My live sessions, the most recently used first; `current` is this browser's. */
  const sessions = ref<MySession[]>([])
  /** The lists were read at least once since the last reset. */
  const loaded = ref(false)
  /** Code of the last failure (errors.<code>), or null. */
  const error = ref<string | null>(null)
  /** The session being ended ('others' for all others), or null. */
  const ending = ref<string | null>(null)
  const client = shallowRef<AuthClient>(createAuthClient())

  /** Reads the three lists; a failure keeps what was shown and the error code. */
  async function load(): Promise<void> {
    try {
      const [c, a, s] = await Promise.all([client.value.myCertificates(), client.value.myApplications(), client.value.mySessions()])
      certificates.value = c
      applications.value = a
      sessions.value = s
      error.value = null
    } catch (e) {
      error.value = codeOf(e)
    } finally {
      loaded.value = true
    }
  }

  /** Reads only the sessions (after ending some). */
  async function loadSessions(): Promise<void> {
    sessions.value = await client.value.mySessions()
  }

  /**
   * Ends one of my sessions; ending this browser's own is a sign-out (the session store
   * forgets the person). True on success.
   */
  async function endSession(ref: string): Promise<boolean> {
    const current = sessions.value.find((s) => s.ref === ref)?.current ?? false
    ending.value = ref
    error.value = null
    try {
      if (current) {
        await useSessionStore().signOut()
        $reset()
      } else {
        await client.value.endSession(ref)
        await loadSessions()
      }
      return true
    } catch (e) {
      error.value = codeOf(e)
      return false
    } finally {
      ending.value = null
    }
  }

  /** Ends all my sessions but this one; resolves with how many ended, or null on failure. */
  async function endOtherSessions(): Promise<number | null> {
    ending.value = 'others'
    error.value = null
    try {
      const ended = await client.value.endOtherSessions()
      await loadSessions()
      return ended
    } catch (e) {
      error.value = codeOf(e)
      return null
    } finally {
      ending.value = null
    }
  }

  /** Points the store at another client (tests). */
  function useClient(next: AuthClient): void {
    client.value = next
  }

  function $reset(): void {
    certificates.value = []
    applications.value = []
    sessions.value = []
    loaded.value = false
    error.value = null
    ending.value = null
  }

  return { certificates, applications, sessions, loaded, error, ending, load, endSession, endOtherSessions, useClient, $reset }
})
