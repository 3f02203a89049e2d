/**
 * The wizard's hardware-token choice: which token of our agent holds the new keys, and its PIN
 * until the keys are made. The PIN lives only in memory and is forgotten right after generation.
 */
import { ref } from 'vue'
import { defineStore } from 'pinia'

export const useTokenChoiceStore = defineStore('token-choice', () => {
  /** Agent storage id of the chosen token (`p11:<module>:<serial>`), or null. */
  const storageId = ref<string | null>(null)
  /** The token PIN typed in the wizard; cleared by `forgetPin()`. */
  const pin = ref('')

  /** Drops the PIN (after key generation, or when the wizard is left). */
  function forgetPin(): void {
    pin.value = ''
  }

  function $reset(): void {
    storageId.value = null
    pin.value = ''
  }

  return { storageId, pin, forgetPin, $reset }
})
