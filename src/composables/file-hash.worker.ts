/**
 * The hashing worker: a large file's SHA-256 computed off the main thread, so the page stays
 * responsive and the Cancel button works (cancel = the page terminates this worker, which also
 * frees whatever piece was in memory at once).
 */
import { sha256OfBlob } from './stream-sha256.ts'

/** Page → worker. */
export interface HashRequest {
  readonly file: Blob
  readonly chunkBytes?: number
}

/** Worker → page. */
export type HashMessage =
  | { readonly type: 'progress'; readonly hashed: number }
  | { readonly type: 'done'; readonly sha256: Uint8Array }
  | { readonly type: 'error'; readonly message: string }

interface WorkerScope {
  onmessage: ((event: MessageEvent<HashRequest>) => void) | null
  postMessage(message: HashMessage): void
}
const scope = globalThis as unknown as WorkerScope

scope.onmessage = (event) => {
  const { file, chunkBytes } = event.data
  // Progress at most every ~1 % so a fast hash does not flood the page with messages.
  const step = Math.max(file.size / 100, 1)
  let reported = 0
  sha256OfBlob(file, {
    ...(chunkBytes ? { chunkBytes } : {}),
    onProgress: (hashed) => {
      if (hashed - reported >= step || hashed === file.size) {
        reported = hashed
        scope.postMessage({ type: 'progress', hashed })
      }
    },
  }).then(
    (sha256) => scope.postMessage({ type: 'done', sha256 }),
    (e: unknown) => scope.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
  )
}
