/**
 * Loads the full description of a stored certificate (pkijs, lazily) for the details view.
 */
import { ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue'
import type { CertificateInfo } from '@/pki/certificate-info.ts'
import { errorCode } from './error-message.ts'

/** `info` for `der` (re-read when it changes); `error` holds an error code. */
export function useCertificateDetails(der: MaybeRefOrGetter<Uint8Array | null>) {
  const info = shallowRef<CertificateInfo | null>(null)
  const error = ref<string | null>(null)
  const loading = ref(false)
  watch(
    () => toValue(der),
    async (bytes) => {
      info.value = null
      error.value = null
      if (!bytes) return
      loading.value = true
      try {
        const { describeCertificate } = await import('@/pki/certificate-info.ts')
        info.value = await describeCertificate(bytes)
      } catch (e) {
        error.value = errorCode(e)
      } finally {
        loading.value = false
      }
    },
    { immediate: true },
  )
  return { info, error, loading }
}
