/**
 * The portal sign-in that a portal's authorization request opened (/authorize/:uid): reads what
 * the provider waits for, hands it the certificate sign-in or the person's answer, and takes the
 * browser where the provider says next (the whole window: the portal may be another site).
 * State lives in the calling component, not in a module, so a kiosk's wipe leaves nothing behind.
 */
import { ref, shallowRef } from 'vue'
import { createOidcClient, type Interaction, type InteractionStep, type OidcClient } from '@/api/oidc-client.ts'
import { errorCode } from './error-message.ts'

/** Where the browser goes; replaceable by tests. */
export type Navigate = (url: string) => void

export function useOidcInteraction(client: OidcClient = createOidcClient(), navigate: Navigate = (url) => window.location.assign(url)) {
  /** What the provider waits for, once read. */
  const interaction = shallowRef<Interaction | null>(null)
  /** Code of the last refusal (errors.<code>), or null. */
  const error = ref<string | null>(null)
  /** A request is on its way (or the browser is leaving). */
  const busy = ref(false)

  async function run(step: () => Promise<InteractionStep>): Promise<void> {
    busy.value = true
    error.value = null
    try {
      const { redirectTo } = await step()
      // Stays busy: the page is being left, a second click must not send the answer again.
      navigate(redirectTo)
    } catch (e) {
      error.value = errorCode(e)
      // Expired while the person was choosing: nothing left to answer, the page says so.
      if (error.value === 'ERR_INTERACTION_NOT_FOUND') interaction.value = null
      busy.value = false
    }
  }

  /** Reads the interaction `uid`; a refusal (expired, unknown) leaves `interaction` null. */
  async function load(uid: string): Promise<void> {
    busy.value = true
    error.value = null
    interaction.value = null
    try {
      interaction.value = await client.interaction(uid)
    } catch (e) {
      error.value = errorCode(e)
    } finally {
      busy.value = false
    }
  }

  const uid = () => interaction.value?.uid ?? ''
  return {
    interaction,
    error,
    busy,
    load,
    /** The certificate sign-in just made (or a fresh one of this browser) signs in to the portal. */
    login: () => run(() => client.login(uid())),
    /** Allow; `remember` skips this question on the portal's next visits. */
    allow: (remember: boolean) => run(() => client.consent(uid(), remember)),
    /** Deny: the portal hears access_denied. */
    deny: () => run(() => client.abort(uid())),
  }
}
