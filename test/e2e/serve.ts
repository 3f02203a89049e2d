/**
 * The e2e web server: snapshots dist/ (building it if missing) into QOLTANBA_E2E_DIST and runs
 * the real server on it. The snapshot keeps the suite stable when someone rebuilds dist/ while
 * tests run (the static server only knows the files present at start).
 */
import { cpSync, existsSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'

const snapshot = resolve(process.env.QOLTANBA_E2E_DIST ?? '.tmp/e2e-dist')
if (!existsSync('dist/index.html')) {
  const { build } = await import('vite')
  await build({ logLevel: 'warn' })
}
rmSync(snapshot, { recursive: true, force: true })
cpSync('dist', snapshot, { recursive: true })
process.env.DIST_DIR = snapshot
await import('../../server/main.ts')
