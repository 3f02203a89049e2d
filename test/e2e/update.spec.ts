/**
 * Deploying a new version: a page controlled by v1 finds v2, shows the update banner, and
 * accepting it loads v2. The same origin serves v1 then v2 (the server restarts with another
 * DIST_DIR), as in a real deploy.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { test, expect, pageHeading, startServer, waitForServiceWorkerControl, type RunningServer } from './fixtures.ts'

const PORT = 4176
const WORK = resolve('.tmp/e2e-update')
const V2_DIR = join(WORK, 'dist-v2')
const V2_LABEL = `e2e-v2-${Date.now()}`

// This server's CA is never used here: a P-256 hierarchy is created much faster than RSA-3072.
const SERVER_ENV = { CA_KEY_ALGORITHM: 'P-256' }

let server: RunningServer | null = null
let v2Built: Promise<number | null>

test.describe.configure({ timeout: 240_000 })

test.beforeAll(() => {
  rmSync(WORK, { recursive: true, force: true })
  mkdirSync(WORK, { recursive: true })
  // Build v2 while v1 is being served and visited.
  const build = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', V2_DIR, '--emptyOutDir', '--logLevel', 'warn'], {
    env: { ...process.env, QOLTANBA_BUILD_LABEL: V2_LABEL },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  v2Built = new Promise((resolve) => build.once('exit', resolve))
})

test.afterAll(async () => {
  await server?.stop()
})

test('a new version shows the update banner; accepting it loads the new version', async ({ page }) => {
  const dataDir = join(WORK, 'data')
  server = await startServer({ port: PORT, distDir: resolve(process.env.QOLTANBA_E2E_DIST ?? 'dist'), dataDir, env: SERVER_ENV })
  await page.goto(`${server.url}/settings`)
  await pageHeading(page)
  await waitForServiceWorkerControl(page)
  const v1Label = await page.getByTestId('app-version').textContent()
  expect(v1Label).not.toBe(V2_LABEL)
  await expect(page.getByTestId('update-banner')).toHaveCount(0)

  // Deploy v2 on the same origin.
  expect(await v2Built, 'building v2').toBe(0)
  await server.stop()
  server = await startServer({ port: PORT, distDir: V2_DIR, dataDir, env: SERVER_ENV })

  // What the hourly check does, without waiting an hour.
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update()
  })
  const banner = page.getByTestId('update-banner')
  await expect(banner).toBeVisible()
  await expect(banner).toContainText('Қолданбаның жаңа нұсқасы бар.')
  // Still v1 until the user accepts: nothing reloads on its own.
  await expect(page.getByTestId('app-version')).toHaveText(v1Label ?? '')

  await Promise.all([page.waitForEvent('load'), page.getByTestId('update-accept').click()])
  await expect(page.getByTestId('app-version')).toHaveText(V2_LABEL)
  await expect(page.getByTestId('build-label')).toHaveText(V2_LABEL)
  await expect(page.getByTestId('update-banner')).toHaveCount(0)
})
