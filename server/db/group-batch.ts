/**
 * Group commit for small, frequent database operations (sign-in's challenge consumption, status
 * lookups, session + audit inserts). Requests that arrive while a batch is at the database wait
 * and go together in the next one: one statement (or transaction) serves many requests, so the
 * per-statement cost — large on embedded PGlite, a round trip on PostgreSQL — is shared. An idle
 * server sends each request at once (a batch of one), so batching adds no delay without load;
 * under load, batches grow by themselves to the arrival rate. Each caller still waits for its
 * own batch to finish, so a response never reports something that is not yet committed.
 *
 * Written here rather than taken from DataLoader: DataLoader gathers one event-loop tick and
 * runs every batch at once, while group commit needs "one batch in flight, the rest queue",
 * which is what lets batches grow while the database is busy.
 */

interface Waiting<I, O> {
  readonly item: I
  readonly resolve: (out: O) => void
  readonly reject: (error: unknown) => void
}

/**
 * Returns a function that queues one item and resolves with its result. `run` receives a batch
 * (at most `maxBatch` items, in arrival order) and returns one result per item, in the same
 * order; per-item failures belong in the result type. If `run` throws, every item of that batch
 * rejects with the error and the next batch proceeds.
 */
export function groupBatch<I, O>(run: (items: readonly I[]) => Promise<readonly O[]>, maxBatch = 256): (item: I) => Promise<O> {
  const queue: Waiting<I, O>[] = []
  let draining = false

  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch)
      try {
        const out = await run(batch.map((w) => w.item))
        if (out.length !== batch.length) throw new Error(`group batch returned ${out.length} results for ${batch.length} items`)
        batch.forEach((w, i) => w.resolve(out[i] as O))
      } catch (error) {
        for (const w of batch) w.reject(error)
      }
    }
    draining = false
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject })
      if (!draining) {
        draining = true
        // A microtask, not a timer: items queued in the same turn join the first batch, and a
        // lone request goes without waiting.
        queueMicrotask(() => void drain())
      }
    })
}
