/**
 * The streaming hash (what the worker runs) against node:crypto on the same bytes: piece
 * boundaries anywhere, an empty file, progress to the end, and cancel between pieces.
 */
import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { HashCancelled, sha256OfBlob } from '../../src/composables/stream-sha256.ts'

const reference = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest())

describe('sha256OfBlob', () => {
  const bytes = new Uint8Array(randomBytes(1_000_003))
  const small = bytes.subarray(0, 1_001)
  it.each([1, 63, 64, 65, 1_000])('piece size %i over 1,001 bytes gives the same digest as node:crypto', async (chunkBytes) => {
    expect(await sha256OfBlob(new Blob([small]), { chunkBytes })).toEqual(reference(small))
  })
  it.each([4096, 333_333, 1_000_003, 8 * 1024 * 1024])('piece size %i over 1,000,003 bytes gives the same digest', async (chunkBytes) => {
    expect(await sha256OfBlob(new Blob([bytes]), { chunkBytes })).toEqual(reference(bytes))
  })

  it('an empty file', async () => {
    expect(await sha256OfBlob(new Blob([]))).toEqual(reference(new Uint8Array()))
  })

  it('reports progress up to the size, in order', async () => {
    const seen: number[] = []
    await sha256OfBlob(new Blob([bytes]), { chunkBytes: 250_000, onProgress: (n) => seen.push(n) })
    expect(seen).toEqual([250_000, 500_000, 750_000, 1_000_000, 1_000_003])
  })

  it('stops between pieces when cancelled', async () => {
    let pieces = 0
    await expect(
      sha256OfBlob(new Blob([bytes]), { chunkBytes: 100_000, onProgress: () => pieces++, cancelled: () => pieces >= 2 }),
    ).rejects.toBeInstanceOf(HashCancelled)
    expect(pieces).toBe(2)
  })
})
