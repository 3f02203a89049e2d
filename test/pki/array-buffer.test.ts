import { describe, expect, it } from 'vitest'
import { toArrayBuffer } from '../../src/pki/asn1.ts'

describe('toArrayBuffer', () => {
  it('copies exactly the bytes of a pooled Node Buffer, not its whole pool', () => {
    // Small Buffers share one pool; a naive `.slice().buffer` would return all of it.
    const pooled = Buffer.from([1, 2, 3, 4, 5])
    expect(pooled.buffer.byteLength).toBeGreaterThan(5)
    const ab = toArrayBuffer(pooled)
    expect(ab.byteLength).toBe(5)
    expect([...new Uint8Array(ab)]).toEqual([1, 2, 3, 4, 5])
  })

  it('copies a view at an offset', () => {
    const view = new Uint8Array([9, 8, 7, 6]).subarray(1, 3)
    expect([...new Uint8Array(toArrayBuffer(view))]).toEqual([8, 7])
  })
})
