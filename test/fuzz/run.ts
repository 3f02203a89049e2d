/**
 * `npm run fuzz`: the long run. Spreads FUZZ_TOTAL inputs (default 1,000,000) over the targets by
 * their weights (targets/index.ts), prints the counts per target and exits non-zero when any input
 * broke an invariant. Options: `--total N`, `--only pkcs12,csr`, `--seed N` (default: the fixed
 * seed of npm test, so a run is reproducible; a new seed explores new inputs).
 */
import fc from 'fast-check'
import { parseArgs } from 'node:util'
import { emptyCounts, judge, preview, type Counts, type FuzzTarget } from './invariants.ts'
import { FUZZ_SEED } from './property.ts'
import { makeSeeds } from './seeds.ts'
import { TARGETS } from './targets/index.ts'

const { values } = parseArgs({
  options: { total: { type: 'string' }, only: { type: 'string' }, seed: { type: 'string' } },
})
const total = Number(values.total ?? process.env.FUZZ_TOTAL ?? 1_000_000)
const seed = Number(values.seed ?? FUZZ_SEED)
const names = values.only ? values.only.split(',') : Object.keys(TARGETS)
const unknown = names.filter((n) => !TARGETS[n])
if (unknown.length) throw new Error(`unknown targets: ${unknown.join(', ')} (known: ${Object.keys(TARGETS).join(', ')})`)
const weightSum = names.reduce((s, n) => s + TARGETS[n]!.weight, 0)

/** Inputs generated per batch (fc.sample builds a whole batch in memory). */
const BATCH = 2000
/** Inputs in flight at once: the app waits on its database more than on the CPU. */
const CONCURRENCY: Readonly<Record<string, number>> = { app: 8 }

interface Row extends Counts {
  seconds: number
  problems: string[]
}

async function fuzz(target: FuzzTarget<unknown>, runs: number): Promise<Row> {
  const counts = emptyCounts()
  const problems: string[] = []
  const started = performance.now()
  const parallel = CONCURRENCY[target.name] ?? 1
  for (let done = 0, batch = 0; done < runs; batch++) {
    const inputs = fc.sample(target.inputs, { seed: seed + batch, numRuns: Math.min(BATCH, runs - done) })
    for (let i = 0; i < inputs.length; i += parallel) {
      await Promise.all(
        inputs.slice(i, i + parallel).map(async (input) => {
          const { problem } = await judge(target, input, counts)
          if (problem && problems.length < 5) {
            const shown = (input as { bytes?: Uint8Array; text?: string }).bytes ?? (input as { text?: string }).text
            problems.push(`${problem} — input ${shown !== undefined ? preview(shown) : JSON.stringify(input).slice(0, 300)}`)
          }
        }),
      )
    }
    done += inputs.length
    process.stderr.write(`\r${target.name}: ${done}/${runs}`)
  }
  process.stderr.write('\n')
  return { ...counts, seconds: (performance.now() - started) / 1000, problems }
}

const seeds = makeSeeds()
const rows: [string, Row][] = []
try {
  for (const name of names) {
    const entry = TARGETS[name]!
    const runs = Math.max(1, Math.round((total * entry.weight) / weightSum))
    const target = (await entry.make(seeds)) as FuzzTarget<unknown>
    try {
      rows.push([name, await fuzz(target, runs)])
    } finally {
      await target.close?.()
    }
  }
} finally {
  seeds.dispose()
}

const print = (line: string) => process.stdout.write(`${line}\n`)
const columns = ['inputs', 'typedErrors', 'accepted', 'untypedErrors', 'status5xx', 'timeouts', 'violations'] as const
const header = ['target', ...columns, 'seconds']
const table = [header, ...rows.map(([n, r]) => [n, ...columns.map((c) => String(r[c])), r.seconds.toFixed(1)])]
const sums = columns.map((c) => rows.reduce((s, [, r]) => s + r[c], 0))
table.push(['TOTAL', ...sums.map(String), rows.reduce((s, [, r]) => s + r.seconds, 0).toFixed(1)])
const widths = header.map((_, i) => Math.max(...table.map((r) => (r[i] as string).length)))
for (const r of table) print(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
for (const [n, r] of rows) for (const p of r.problems) print(`${n}: ${p}`)
print(`seed ${seed}`)
const broken = sums[3]! + sums[4]! + sums[5]! + sums[6]!
process.exitCode = broken === 0 ? 0 : 1
