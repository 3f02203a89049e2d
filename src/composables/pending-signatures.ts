/**
 * Signatures from earlier visits that waited for their timestamp (src/api/pending-signatures.ts):
 * on opening /sign and whenever the browser is online again the timestamps are added, and each
 * finished file is offered for saving (saving removes it from the device).
 */
import { onScopeDispose, shallowRef } from 'vue'
import { PendingSignatures, type PendingSignatureRecord } from '@/api/pending-signatures.ts'
import { completePendingTimestamps } from '@/flows/document-signing.ts'
import { downloadBytes } from './file-download.ts'

export function usePendingSignatures() {
  const store = new PendingSignatures()
  // Signatures made on this visit are finished by the page that made them (useDocumentSigning).
  const openedAt = Date.now()
  const items = shallowRef<PendingSignatureRecord[]>([])

  async function refresh(): Promise<void> {
    items.value = (await store.list()).filter((r) => r.createdAt < openedAt)
  }

  async function complete(): Promise<void> {
    try {
      await completePendingTimestamps(store, openedAt)
    } catch {
      // The TSA refused: the record stays, shown as waiting.
    }
    await refresh()
  }

  async function save(record: PendingSignatureRecord): Promise<void> {
    downloadBytes(record.cms, record.fileName, 'application/pkcs7-signature')
    await store.remove(record.id)
    await refresh()
  }

  const onOnline = () => void complete()
  globalThis.addEventListener?.('online', onOnline)
  onScopeDispose(() => {
    globalThis.removeEventListener?.('online', onOnline)
    store.close()
  })
  void complete().catch(() => undefined)

  return { items, save, complete }
}
