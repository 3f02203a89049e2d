/**
 * The /verify page's state: hash the document on the device (large files streamed in the
 * hashing worker, with progress and cancel), then verify the signature online or, offline, here
 * (src/flows/document-verification.ts). Only the document's hash ever leaves the device.
 */
import { ref, shallowRef } from 'vue'
import { createApiClient } from '@/api/client.ts'
import type { DocumentVerificationResult } from '@/flows/document-verification.ts'
import { hashFile, LARGE_FILE_BYTES } from './file-hash.ts'

export function useDocumentVerification() {
  /** The verification's outcome, when done. */
  const result = shallowRef<DocumentVerificationResult>()
  /** What stopped it (a QoltanbaError), when it failed. */
  const error = shallowRef<unknown>()
  const busy = ref(false)
  /** Hashing progress of a large document, 0…1. */
  const progress = ref(0)
  let controller: AbortController | undefined

  async function verify(signature: File, document: File | undefined): Promise<void> {
    controller = new AbortController()
    const signal = controller.signal
    busy.value = true
    progress.value = 0
    error.value = undefined
    result.value = undefined
    try {
      const documentSha256 = document ? await hashFile(document, { signal, onProgress: (done, total) => (progress.value = total ? done / total : 1) }) : undefined
      const { verifyDocument, gostDocumentDigests } = await import('@/flows/document-verification.ts')
      // A GOST signer needs its own digest of the document (in memory up to the threshold large files stream past).
      const documentDigestsByOid = document ? await gostDocumentDigests(signature, document, LARGE_FILE_BYTES) : {}
      const client = createApiClient()
      result.value = await verifyDocument({
        signature,
        ...(documentSha256 ? { documentSha256 } : {}),
        ...(Object.keys(documentDigestsByOid).length ? { documentDigestsByOid } : {}),
        offlineAnchors: async () => [await client.getCaCertificate('root')],
        signal,
      })
    } catch (e) {
      error.value = e
    } finally {
      busy.value = false
    }
  }

  function cancel(): void {
    controller?.abort()
  }

  function reset(): void {
    result.value = undefined
    error.value = undefined
  }

  return { result, error, busy, progress, verify, cancel, reset }
}
