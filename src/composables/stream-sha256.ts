/**
 * SHA-256 of a Blob read piece by piece, never whole: the document hash for files too large to
 * hold in memory (a 1 GB scan, a video). Runs in the hashing worker (file-hash.worker.ts) and in
 * Node tests. The incremental hash is hash-wasm's WebAssembly SHA-256, measured at about 2× the
 * pure-JavaScript @noble/hashes on the same buffer (commit 4c21954, bench/sign.bench.ts); the
 * next piece is read while the current one is hashed, so reading costs little on top.
 */
import { createSHA256 } from 'hash-wasm'

/** Pieces of 8 MiB: large enough that per-call costs vanish, small enough for the ≤ 64 MB budget. */
export const STREAM_CHUNK_BYTES = 8 * 1024 * 1024

/** Options of {@link sha256OfBlob}. */
export interface StreamHashOptions {
  readonly chunkBytes?: number
  /** Called after each piece with the bytes hashed so far. */
  readonly onProgress?: (hashedBytes: number) => void
  /** Checked between pieces; true stops with {@link HashCancelled}. (The worker is cancelled by terminating it.) */
  readonly cancelled?: () => boolean
}

/** Thrown when {@link StreamHashOptions.cancelled} turned true. */
export class HashCancelled extends Error {
  constructor() {
    super('hashing cancelled')
    this.name = 'HashCancelled'
  }
}

/**
 * SHA-256 of `blob` (32 bytes). Where the platform gives a byte stream (Chromium), pieces are read
 * into one reused buffer (BYOB), so a 1 GiB file leaves no garbage of read pieces behind for the
 * collector to catch up with; elsewhere (Node's Blob) slices are read with one read ahead.
 */
export async function sha256OfBlob(blob: Blob, options: StreamHashOptions = {}): Promise<Uint8Array> {
  const size = options.chunkBytes ?? STREAM_CHUNK_BYTES
  const hasher = await createSHA256()
  hasher.init()
  const update = (piece: Uint8Array, hashed: number) => {
    if (options.cancelled?.()) throw new HashCancelled()
    hasher.update(piece)
    options.onProgress?.(hashed)
  }
  const reader = byobReader(blob)
  if (reader) {
    let buffer = new ArrayBuffer(size)
    let hashed = 0
    try {
      for (;;) {
        const { value, done } = await reader.read(new Uint8Array(buffer, 0, size))
        if (done || !value) break
        hashed += value.byteLength
        update(value, hashed)
        buffer = value.buffer as ArrayBuffer
      }
    } finally {
      reader.releaseLock()
    }
    return hasher.digest('binary')
  }
  const read = (offset: number) => (offset < blob.size ? blob.slice(offset, offset + size).arrayBuffer() : undefined)
  let next = read(0)
  for (let offset = 0; next; offset += size) {
    const piece = await next
    next = read(offset + size)
    update(new Uint8Array(piece), Math.min(offset + size, blob.size))
  }
  return hasher.digest('binary')
}

function byobReader(blob: Blob): ReadableStreamBYOBReader | undefined {
  try {
    return blob.stream().getReader({ mode: 'byob' })
  } catch {
    return undefined
  }
}
