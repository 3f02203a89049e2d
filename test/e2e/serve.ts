/**
 * The e2e web server: snapshots dist/ (building it if missing) into QOLTANBA_E2E_DIST and runs
 * the real server on it. The snapshot keeps the suite stable when someone rebuilds dist/ while
 * tests run (the static server only knows the files present at start). QOLTANBA_E2E_SOURCE_DIST
 * names another build to snapshot (e.g. `vite build --outDir .tmp/my-dist`), so two people
 * working in one checkout can run e2e side by side without rebuilding each other's dist/.
 */
import { cpSync, existsSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'

const snapshot = resolve(process.env.QOLTANBA_E2E_DIST ?? '.tmp/e2e-dist')
const source = process.env.QOLTANBA_E2E_SOURCE_DIST ?? 'dist'
if (source === 'dist' && !existsSync('dist/index.html')) {
  const { build } = await import('vite')
  await build({ logLevel: 'warn' })
}
rmSync(snapshot, { recursive: true, force: true })
cpSync(source, snapshot, { recursive: true })
process.env.DIST_DIR = snapshot
await import('../../server/main.ts')
