/**
 * `npm run bench [filter]`: runs every bench/*.bench.ts (each exports `run()`), in name order,
 * or the one named `<filter>.bench.ts`, else those whose file name contains `filter`. Benches print figures and ratios against a
 * baseline measured in the same run; nothing here is a timed test.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { join } from 'node:path'

const dir = fileURLToPath(new URL('.', import.meta.url))
const filter = process.argv[2] ?? ''
const benches = readdirSync(dir).filter((name) => name.endsWith('.bench.ts'))
// `bench -- sign` means sign.bench.ts, not also signin.bench.ts: an exact name wins over a substring.
const files = benches.includes(`${filter}.bench.ts`)
  ? [`${filter}.bench.ts`]
  : benches.filter((name) => name.includes(filter)).sort()

if (files.length === 0) {
  console.error(`No bench matches "${filter}". Available: ${readdirSync(dir).filter((n) => n.endsWith('.bench.ts')).join(', ')}`)
  process.exit(1)
}

let failed = 0
for (const file of files) {
  console.info(`\n=== ${file}`)
  const started = performance.now()
  try {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { run?: () => Promise<void> }
    if (typeof mod.run !== 'function') throw new Error('does not export run()')
    await mod.run()
    console.info(`--- ${file} done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  } catch (error) {
    failed++
    console.error(`FAIL ${file}:`, error)
  }
}
if (failed) process.exitCode = 1
