/**
 * The SHA-256 of a document the user picked, whatever its size: small files in memory with
 * WebCrypto's one-shot digest (the fastest path there is), files from {@link LARGE_FILE_BYTES}
 * in a worker that streams them (never read whole), with progress and cancel. `useFileHash()`
 * gives a view the refs to show a progress bar and a Cancel button.
 */
import { readonly, ref, type Ref } from 'vue'
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import type { HashMessage, HashRequest } from './file-hash.worker.ts'

/** From this size a file is hashed in a stream in a worker (below it, in memory). */
export const LARGE_FILE_BYTES = 64 * 1024 * 1024

/** Options of {@link hashFile}. */
export interface HashFileOptions {
  /** Bytes hashed so far (large files only; small ones finish in one step). */
  readonly onProgress?: (hashedBytes: number, totalBytes: number) => void
  /** Aborting stops the worker at once and rejects with ERR_USER_CANCELLED. */
  readonly signal?: AbortSignal
  /** Override the threshold (tests, the bench). */
  readonly largeFileBytes?: number
  /** Override the worker's piece size (the bench). */
  readonly chunkBytes?: number
}

function cancelled(): QoltanbaError {
  return new QoltanbaError(ErrorCode.UserCancelled, 'Hashing cancelled', { aborted: true })
}

/** Streams `file` through the hashing worker. */
function hashInWorker(file: Blob, options: HashFileOptions): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(cancelled())
    const worker = new Worker(new URL('./file-hash.worker.ts', import.meta.url), { type: 'module' })
    const stop = () => {
      worker.terminate()
      reject(cancelled())
    }
    options.signal?.addEventListener('abort', stop, { once: true })
    const finish = () => {
      options.signal?.removeEventListener('abort', stop)
      worker.terminate()
    }
    worker.onmessage = (event: MessageEvent<HashMessage>) => {
      const message = event.data
      if (message.type === 'progress') options.onProgress?.(message.hashed, file.size)
      else if (message.type === 'done') {
        finish()
        resolve(message.sha256)
      } else {
        finish()
        reject(new QoltanbaError(ErrorCode.StorageFailed, 'The file could not be read', { reason: 'read' }))
      }
    }
    worker.onerror = () => {
      finish()
      reject(new QoltanbaError(ErrorCode.StorageFailed, 'The file could not be read', { reason: 'worker' }))
    }
    worker.postMessage({ file, ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}) } satisfies HashRequest)
  })
}

/**
 * SHA-256 of `file` (32 bytes).
 * @throws QoltanbaError ERR_USER_CANCELLED (aborted), ERR_STORAGE_FAILED (the file could not be
 *   read, e.g. removed from disk meanwhile).
 */
export async function hashFile(file: Blob, options: HashFileOptions = {}): Promise<Uint8Array> {
  if (file.size >= (options.largeFileBytes ?? LARGE_FILE_BYTES)) return hashInWorker(file, options)
  if (options.signal?.aborted) throw cancelled()
  let bytes: ArrayBuffer
  try {
    bytes = await file.arrayBuffer()
  } catch (e) {
    throw new QoltanbaError(ErrorCode.StorageFailed, 'The file could not be read', { reason: 'read' }, { cause: e })
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  options.onProgress?.(file.size, file.size)
  return digest
}

/** A view's hashing state: progress (0…1), whether a hash runs, and Cancel. */
export function useFileHash(): {
  readonly progress: Readonly<Ref<number>>
  readonly hashing: Readonly<Ref<boolean>>
  hash(file: Blob): Promise<Uint8Array>
  cancel(): void
} {
  const progress = ref(0)
  const hashing = ref(false)
  let controller: AbortController | undefined
  return {
    progress: readonly(progress),
    hashing: readonly(hashing),
    async hash(file) {
      controller?.abort()
      const current = new AbortController()
      controller = current
      progress.value = 0
      hashing.value = true
      try {
        return await hashFile(file, { signal: current.signal, onProgress: (done, total) => (progress.value = total ? done / total : 1) })
      } finally {
        if (controller === current) hashing.value = false
      }
    },
    cancel() {
      controller?.abort()
    },
  }
}
