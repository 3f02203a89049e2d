import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig, devices } from '@playwright/test'

/**
 * Port of the real server that every spec talks to (see test/e2e/fixtures.ts). Override with
 * QOLTANBA_E2E_PORT (and QOLTANBA_E2E_OUTPUT) to run two suites side by side on one machine.
 */
export const E2E_PORT = Number(process.env.QOLTANBA_E2E_PORT ?? 4173)

// One throw-away DATA_DIR per run (the env is inherited by the workers, so it is made once).
process.env.QOLTANBA_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'qoltanba-e2e-'))
// The built app the server serves: a snapshot of dist/ (see test/e2e/serve.ts).
process.env.QOLTANBA_E2E_DIST ??= join(process.env.QOLTANBA_E2E_DATA_DIR, 'dist')

export default defineConfig({
  testDir: 'test/e2e',
  // Service-worker specs share one browser profile per context; one worker keeps them calm on 2 cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: process.env.QOLTANBA_E2E_OUTPUT ?? 'test-results',
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    serviceWorkers: 'allow',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    // The real server (API + built PWA), as `npm start` runs it, on a snapshot of dist/.
    command: 'node --import tsx test/e2e/serve.ts',
    url: `http://localhost:${E2E_PORT}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(E2E_PORT),
      HOST: '127.0.0.1',
      DATA_DIR: process.env.QOLTANBA_E2E_DATA_DIR,
      PUBLIC_URL: `http://localhost:${E2E_PORT}`,
      LOG_LEVEL: 'warn',
    },
  },
})
