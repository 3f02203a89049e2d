/**
 * The vitest side: one fast-check property per target with a FIXED seed and a bounded count, so
 * `npm test` replays the same inputs every time (FUZZ_RUNS raises the count for a local look).
 * A broken invariant fails with the shrunk input and fast-check's seed/path for replay.
 */
import fc from 'fast-check'
import { emptyCounts, judge, type FuzzTarget } from './invariants.ts'

export const FUZZ_SEED = 20261204

export function runsFor(defaultRuns: number): number {
  const n = Number(process.env.FUZZ_RUNS)
  return Number.isInteger(n) && n > 0 ? n : defaultRuns
}

/** Asserts the invariants over `runs` inputs of `target`. */
export async function assertRobust<T>(target: FuzzTarget<T>, runs: number): Promise<void> {
  const counts = emptyCounts()
  await fc.assert(
    fc.asyncProperty(target.inputs, async (input) => {
      const { problem } = await judge(target, input, counts)
      if (problem) throw new Error(`${target.name}: ${problem}`)
    }),
    { seed: FUZZ_SEED, numRuns: runsFor(runs), endOnFailure: false },
  )
}
