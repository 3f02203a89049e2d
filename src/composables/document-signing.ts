/**
 * The /sign screen's logic: the chosen document (hashed in memory when small, streamed in a worker
 * when large — the bytes are kept only for small ones), signing through the flow, the timestamp
 * that waits for the network (retried when the browser says it is online again), and saving or
 * sharing the signature file. State lives in the calling component's scope, so leaving the page
 * (or a kiosk wipe) drops it.
 */
import { onScopeDispose, ref, shallowRef } from 'vue'
import { useRoute } from 'vue-router'
import {
  addPendingTimestamp,
  describeExistingSigners,
  preloadDocumentSigning,
  signDocument,
  type DocumentToSign,
  type ExistingSigner,
  type SignDocumentRequest,
  type SignedDocument,
} from '@/flows/document-signing.ts'
import { LARGE_FILE_BYTES, useFileHash } from './file-hash.ts'
import { downloadBytes } from './file-download.ts'
import { errorCode } from './error-message.ts'
import { takeSharedDocument } from './share-target.ts'
import { PendingSignatures } from '@/api/pending-signatures.ts'

/** The signature file's media type (RFC 5751: .p7s; .cms is the same SignedData). */
const SIGNATURE_TYPE = 'application/pkcs7-signature'

export function useDocumentSigning() {
  const hasher = useFileHash()
  const file = shallowRef<File | null>(null)
  const document = shallowRef<DocumentToSign | null>(null)
  const result = shallowRef<SignedDocument | null>(null)
  /** The last failure (anything thrown); a cancelled hash is not one. */
  const error = shallowRef<unknown>(null)
  const busy = ref(false)
  /** Where an offline signature is kept until its timestamp is added (this visit or a later one). */
  const pending = new PendingSignatures()
  let pendingId: string | undefined

  /** Takes a new document: hashes it (progress and cancel through `hasher`). */
  async function choose(next: File): Promise<void> {
    file.value = next
    document.value = null
    result.value = null
    error.value = null
    try {
      if (next.size < LARGE_FILE_BYTES) {
        const data = new Uint8Array(await next.arrayBuffer())
        const sha256 = new Uint8Array(await crypto.subtle.digest('SHA-256', data))
        document.value = { name: next.name, size: next.size, data, sha256 }
      } else {
        const sha256 = await hasher.hash(next)
        document.value = { name: next.name, size: next.size, sha256 }
      }
    } catch (e) {
      if (errorCode(e) !== 'ERR_USER_CANCELLED') error.value = e
      else file.value = null
    }
  }

  /** Signs the chosen document; the result (or the error) is in the refs. */
  async function sign(request: Omit<SignDocumentRequest, 'document'>): Promise<boolean> {
    if (!document.value) return false
    busy.value = true
    error.value = null
    try {
      const signed = await signDocument({ ...request, document: document.value })
      result.value = signed
      if (signed.timestamp === 'pending') {
        pendingId = crypto.randomUUID()
        await pending.put({ id: pendingId, fileName: signed.fileName, cms: signed.cms, signerIndex: signed.signerIndex, timestamp: 'pending', createdAt: Date.now() })
      }
      return true
    } catch (e) {
      error.value = e
      return false
    } finally {
      busy.value = false
    }
  }

  /** Asks the TSA again for a signature that was made offline. */
  async function addTimestamp(): Promise<void> {
    const signed = result.value
    if (!signed || signed.timestamp !== 'pending') return
    busy.value = true
    try {
      result.value = await addPendingTimestamp(signed)
      error.value = null
      if (pendingId) await pending.remove(pendingId)
      pendingId = undefined
    } catch (e) {
      error.value = e
    } finally {
      busy.value = false
    }
  }

  // Opened by the share target (/sign?shared=1): the shared file is the document.
  if (useRoute()?.query.shared === '1') {
    void takeSharedDocument()
      .then((shared) => (shared ? choose(shared) : undefined))
      .catch(() => undefined)
  }

  // A failed preload only means the chunks load when signing (or fail then, with a message).
  preloadDocumentSigning().catch(() => undefined)

  const onOnline = () => void addTimestamp()
  globalThis.addEventListener?.('online', onOnline)
  onScopeDispose(() => {
    globalThis.removeEventListener?.('online', onOnline)
    hasher.cancel()
    pending.close()
  })

  /** The signers of a loaded signature file, to countersign one; none when it is not a signature (signing then says why). */
  async function existingSigners(cms: Uint8Array): Promise<ExistingSigner[]> {
    try {
      return await describeExistingSigners(cms)
    } catch {
      return []
    }
  }

  function save(): void {
    if (result.value) downloadBytes(result.value.cms, result.value.fileName, SIGNATURE_TYPE)
  }

  /** True where the browser can share files (phones). */
  function canShare(): boolean {
    if (!result.value || typeof navigator.canShare !== 'function') return false
    return navigator.canShare({ files: [signatureFile(result.value)] })
  }

  async function share(): Promise<void> {
    if (!result.value) return
    try {
      await navigator.share({ files: [signatureFile(result.value)], title: result.value.fileName })
    } catch {
      // The person closed the share sheet: nothing to do.
    }
  }

  return { file, document, result, error, busy, hashing: hasher.hashing, progress: hasher.progress, cancelHash: hasher.cancel, choose, sign, addTimestamp, existingSigners, save, canShare, share }
}

function signatureFile(signed: SignedDocument): File {
  return new File([signed.cms as Uint8Array<ArrayBuffer>], signed.fileName, { type: SIGNATURE_TYPE })
}
