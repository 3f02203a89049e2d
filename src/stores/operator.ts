/**
 * Operator console state: the operator signed in by certificate (the sign-in session cookie,
 * see stores/session.ts), the queue and its search, the open application with its re-checked
 * requests, and the certificate lookup. `$reset()` forgets everything.
 */
import { ref, shallowRef } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'
import { createOperatorClient, type OperatorClient } from '@/api/operator-client.ts'
import type {
  OperatorApplicationItem,
  OperatorApplicationQuery,
  OperatorApplicationView,
  OperatorCertificate,
  OperatorMe,
  OperatorRequestCheck,
} from '@/api/operator-types.ts'
import type { RevocationReason } from '@/api/revocation-reasons.ts'
import type { ApprovalDecision } from '@/core/operator-wire.ts'
import { useSessionStore } from './session.ts'

/** The stable code of an error, for `errors.<code>`. */
function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_') ? code : 'ERR_INTERNAL'
}

export const useOperatorStore = defineStore('operator', () => {
  /** The signed-in operator, or null. */
  const operator = ref<OperatorMe | null>(null)
  /** The session check ran at least once (null operator then means "sign in first"). */
  const authChecked = ref(false)
  /**
   * Why the last check found no operator: ERR_UNAUTHORIZED (not signed in) or ERR_FORBIDDEN
   * (signed in with a certificate whose IIN has no active operator account).
   */
  const authProblem = ref<string | null>(null)

  /** Queue rows for the current search. */
  const applications = ref<OperatorApplicationItem[]>([])
  /** The search the queue shows. */
  const query = ref<OperatorApplicationQuery>({ status: 'submitted' })
  const queueLoaded = ref(false)

  /** The application open in the detail view, with its requests re-checked by the server. */
  const application = ref<OperatorApplicationView | null>(null)
  const requests = ref<OperatorRequestCheck[]>([])

  /** Certificate lookup: what was searched and what was found. */
  const certificateQuery = ref<{ iin?: string; serial?: string } | null>(null)
  const certificates = ref<OperatorCertificate[]>([])

  /** Code of the last failure (errors.<code>), or null. */
  const error = ref<string | null>(null)
  /** True while a request runs (buttons disable, a status line shows). */
  const busy = ref(false)

  const client = shallowRef<OperatorClient>(createOperatorClient())

  /** Runs `task`, recording its error code; rethrows nothing (callers read `error`). */
  async function run<T>(task: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    error.value = null
    try {
      return await task()
    } catch (e) {
      error.value = codeOf(e)
      // The session ended or the account was deactivated meanwhile: back to sign-in.
      if (error.value === 'ERR_UNAUTHORIZED' || error.value === 'ERR_SESSION_REQUIRED' || error.value === 'ERR_FORBIDDEN') {
        operator.value = null
        authProblem.value = error.value
      }
      return undefined
    } finally {
      busy.value = false
    }
  }

  /** Asks the server who we are (the session cookie). Silent when not signed in. */
  async function checkSession(): Promise<void> {
    if (operator.value) return
    try {
      operator.value = await client.value.me()
      authProblem.value = null
    } catch (e) {
      operator.value = null
      authProblem.value = codeOf(e)
    } finally {
      authChecked.value = true
    }
  }

  /** Loads the queue for `next` (default: the current search). */
  async function loadQueue(next: OperatorApplicationQuery = query.value): Promise<void> {
    query.value = next
    const rows = await run(() => client.value.listApplications({ ...next, limit: 100 }))
    if (rows) {
      applications.value = rows
      queueLoaded.value = true
    }
  }

  /** Opens one application (details + requests). */
  async function openApplication(number: string): Promise<boolean> {
    const result = await run(() => Promise.all([client.value.getApplication(number), client.value.getRequests(number)]))
    if (!result) {
      application.value = null
      requests.value = []
      return false
    }
    application.value = result[0]
    requests.value = result[1]
    return true
  }

  /**
   * Approves the open application (issues both certificates); true on success. The decision
   * states that the identity document was checked (the server refuses without it) and, with
   * `tokenChecked`, that the keys are on a hardware token, which alone earns the 3-year validity.
   */
  async function approve(number: string, decision: ApprovalDecision): Promise<boolean> {
    const done = await run(() => client.value.approve(number, decision))
    if (done) await openApplication(number)
    return !!done
  }

  /** Rejects with a reason; true on success. */
  async function reject(number: string, reason: string): Promise<boolean> {
    const done = await run(() => client.value.reject(number, reason))
    if (done) await openApplication(number)
    return !!done
  }

  /** Certificate lookup by IIN or serial. */
  async function findCertificates(q: { iin?: string; serial?: string }): Promise<boolean> {
    certificateQuery.value = q
    const found = await run(() => client.value.findCertificates(q))
    if (found) certificates.value = found
    return !!found
  }

  /** Runs a status change, then refreshes the lookup so the list shows the server's new state. */
  async function changeCertificate(change: (api: OperatorClient) => Promise<unknown>): Promise<boolean> {
    const done = await run(() => change(client.value))
    if (!done) return false
    const q = certificateQuery.value
    if (q) {
      const found = await run(() => client.value.findCertificates(q))
      if (found) certificates.value = found
    }
    return true
  }

  /** Revokes a certificate (operator authority); true on success. */
  function revoke(serial: string, reason: RevocationReason, comment?: string): Promise<boolean> {
    return changeCertificate((api) => api.revoke(serial, reason, comment))
  }

  /** Suspends (holds) a valid certificate; `comment` (why) goes to the audit row. */
  function hold(serial: string, comment?: string): Promise<boolean> {
    return changeCertificate((api) => api.hold(serial, comment))
  }

  /** Resumes (releases) a held certificate; `comment` (why) goes to the audit row. */
  function release(serial: string, comment?: string): Promise<boolean> {
    return changeCertificate((api) => api.release(serial, comment))
  }

  /** Signs out: ends the certificate sign-in session and forgets everything. */
  async function signOut(): Promise<void> {
    await useSessionStore().signOut()
    $reset()
    // Known now: nobody is signed in (the console shows sign-in, not "loading").
    authChecked.value = true
  }

  /** Forgets everything loaded (the session cookie ends through sign-out). */
  function $reset(): void {
    operator.value = null
    authChecked.value = false
    authProblem.value = null
    applications.value = []
    query.value = { status: 'submitted' }
    queueLoaded.value = false
    application.value = null
    requests.value = []
    certificateQuery.value = null
    certificates.value = []
    error.value = null
    busy.value = false
  }

  return {
    operator,
    authChecked,
    authProblem,
    applications,
    query,
    queueLoaded,
    application,
    requests,
    certificateQuery,
    certificates,
    error,
    busy,
    checkSession,
    signOut,
    loadQueue,
    openApplication,
    approve,
    reject,
    findCertificates,
    revoke,
    hold,
    release,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useOperatorStore, import.meta.hot))
