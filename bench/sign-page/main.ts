/**
 * The in-browser half of bench/sign.bench.ts: the real document hashing of /sign
 * (src/composables/file-hash.ts: file → worker → streamed hash-wasm SHA-256) and its baselines —
 * the same hash-wasm SHA-256 over a buffer already in memory, and WebCrypto's one-shot digest —
 * exposed as `window.signBench`. Each returns milliseconds; the Node side prints the figures.
 */
import { hashFile } from '../../src/composables/file-hash.ts'

const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

function pickedFile(): File {
  const file = (document.getElementById('file') as HTMLInputElement).files?.[0]
  if (!file) throw new Error('no file chosen')
  return file
}

/** The picked file through the worker, as /sign hashes a large file. */
async function streamPickedFile(chunkBytes?: number): Promise<{ ms: number; hex: string; bytes: number }> {
  const file = pickedFile()
  const start = performance.now()
  const digest = await hashFile(file, { largeFileBytes: 0, ...(chunkBytes ? { chunkBytes } : {}) })
  return { ms: performance.now() - start, hex: toHex(digest), bytes: file.size }
}

/** hash-wasm over an in-memory buffer in the same pieces, in a worker as the app's hash runs: the implementation's own speed. */
function rawBuffer(megabytes: number): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./raw-worker.ts', import.meta.url), { type: 'module' })
    worker.onmessage = (event: MessageEvent<{ ms: number; bytes: number }>) => {
      worker.terminate()
      resolve(event.data)
    }
    worker.postMessage(megabytes)
  })
}

/** WebCrypto's one-shot digest of a buffer small enough to hold (what small files use). */
async function webCrypto(megabytes: number): Promise<{ ms: number; bytes: number }> {
  const buffer = new Uint8Array(megabytes * 1024 * 1024)
  const start = performance.now()
  await crypto.subtle.digest('SHA-256', buffer)
  return { ms: performance.now() - start, bytes: buffer.length }
}

declare global {
  interface Window {
    signBench: { streamPickedFile: typeof streamPickedFile; rawBuffer: typeof rawBuffer; webCrypto: typeof webCrypto }
  }
}
window.signBench = { streamPickedFile, rawBuffer, webCrypto }
document.title = 'ready'
