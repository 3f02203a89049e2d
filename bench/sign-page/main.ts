/**
 * The in-browser half of bench/sign.bench.ts: the real document hashing of /sign
 * (src/composables/file-hash.ts: file → worker → streamed hash-wasm SHA-256) and its baselines —
 * the same hash-wasm SHA-256 over a buffer already in memory, and WebCrypto's one-shot digest —
 * exposed as `window.signBench`. Each returns milliseconds; the Node side prints the figures.
 */
import { createSHA256 } from 'hash-wasm'
import { hashFile } from '../../src/composables/file-hash.ts'
import { STREAM_CHUNK_BYTES } from '../../src/composables/stream-sha256.ts'

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

/** hash-wasm over an in-memory buffer in the same pieces: the implementation's own speed. */
async function rawBuffer(megabytes: number): Promise<{ ms: number; bytes: number }> {
  const buffer = new Uint8Array(megabytes * 1024 * 1024)
  const hasher = await createSHA256()
  hasher.init()
  const start = performance.now()
  for (let offset = 0; offset < buffer.length; offset += STREAM_CHUNK_BYTES) hasher.update(buffer.subarray(offset, offset + STREAM_CHUNK_BYTES))
  hasher.digest('binary')
  return { ms: performance.now() - start, bytes: buffer.length }
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
