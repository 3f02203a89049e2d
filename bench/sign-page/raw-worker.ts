/** The baseline's worker: hash-wasm SHA-256 over a buffer already in memory, in the app's piece size. */
import { createSHA256 } from 'hash-wasm'
import { STREAM_CHUNK_BYTES } from '../../src/composables/stream-sha256.ts'

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<number>) => void) | null; postMessage(m: unknown): void }
scope.onmessage = async (event) => {
  // Zeros, like the bench's sparse file: SHA-256 costs the same whatever the bytes.
  const buffer = new Uint8Array(event.data * 1024 * 1024)
  const hasher = await createSHA256()
  hasher.init()
  const start = performance.now()
  for (let offset = 0; offset < buffer.length; offset += STREAM_CHUNK_BYTES) hasher.update(buffer.subarray(offset, offset + STREAM_CHUNK_BYTES))
  hasher.digest('binary')
  scope.postMessage({ ms: performance.now() - start, bytes: buffer.length })
}
