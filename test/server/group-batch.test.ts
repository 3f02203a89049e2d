/** Group commit: batches form while one is in flight, results stay per item, failures per batch. */
import { describe, expect, it } from 'vitest'
import { groupBatch } from '../../server/db/group-batch.ts'

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('groupBatch', () => {
  it('sends a lone item at once and queues later ones into the next batch while one is in flight', async () => {
    const batches: number[][] = []
    const gate = deferred()
    const run = groupBatch(async (items: readonly number[]) => {
      batches.push([...items])
      if (batches.length === 1) await gate.promise
      return items.map((n) => n * 10)
    })
    const first = run(1)
    await Promise.resolve() // the first batch leaves in a microtask
    await Promise.resolve()
    const rest = [run(2), run(3), run(4)]
    gate.resolve()
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40])
    expect(batches).toEqual([[1], [2, 3, 4]])
  })

  it('puts items queued in the same turn into one batch, at most maxBatch at a time', async () => {
    const batches: number[][] = []
    const run = groupBatch(async (items: readonly number[]) => {
      batches.push([...items])
      return items
    }, 3)
    expect(await Promise.all([1, 2, 3, 4, 5].map(run))).toEqual([1, 2, 3, 4, 5])
    expect(batches).toEqual([[1, 2, 3], [4, 5]])
  })

  it('rejects every item of a failed batch with its error and carries on with the next', async () => {
    let calls = 0
    const gate = deferred()
    const run = groupBatch(async (items: readonly string[]) => {
      calls++
      if (calls === 1) {
        await gate.promise
        throw new Error('database gone')
      }
      return items.map((s) => s.toUpperCase())
    })
    const failing = [run('a'), run('b')]
    await Promise.resolve()
    await Promise.resolve()
    const later = run('c')
    gate.resolve()
    for (const r of await Promise.allSettled(failing)) expect(r).toMatchObject({ status: 'rejected', reason: { message: 'database gone' } })
    expect(await later).toBe('C')
  })

  it('refuses a batch function that loses results', async () => {
    const run = groupBatch(async (items: readonly number[]) => items.slice(1))
    const results = await Promise.allSettled([run(1), run(2)])
    for (const r of results) expect(r.status).toBe('rejected')
  })
})
