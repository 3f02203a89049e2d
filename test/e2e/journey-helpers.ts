/**
 * Helpers of the citizen-journey specs: a real Registration Center on its own port with its own
 * PostgreSQL database (so the `qoltanba` CLI can make an operator and sign it in while the server runs),
 * the operator API, and the wizard driven through the UI with language-independent selectors.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { expect, type Page } from '@playwright/test'

const run = promisify(execFile)
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A journey server and what the tests do with it. */
export interface JourneyServer {
  readonly url: string
  /** The Cookie header of the operator's session (a certificate sign-in made with the CLI). */
  readonly operatorCookie: string
  /** `tokenChecked`: the operator confirms the keys are on a hardware token (3-year validity). */
  approve(number: string, options?: { tokenChecked?: boolean }): Promise<void>
  reject(number: string, reason: string): Promise<void>
  /** Applications of an IIN as the operator API lists them. */
  applicationsOf(iin: string): Promise<{ number: string; status: string }[]>
  /** Makes an application overdue (the 30 days passed) straight in the database. */
  makeOverdue(number: string): Promise<void>
  stop(): Promise<void>
  /** Stops only the process (the server becomes unreachable); `restart()` brings it back. */
  kill(): Promise<void>
  restart(): Promise<void>
}

/**
 * Port of a journey spec's own server: next to the shared server's port (QOLTANBA_E2E_PORT, default
 * 4173), so two suites run side by side without clashing. `offset` 18, 19, 20 per spec file.
 */
export function journeyPort(offset: number): number {
  return Number(process.env.QOLTANBA_E2E_PORT ?? 4173) + offset
}

/** The demo operator (server/registry/demo-persons.json). */
export const OPERATOR_IIN = '700611300018'

function databaseUrl(name: string): string {
  const u = new URL(ADMIN_URL)
  u.pathname = `/${name}`
  return u.toString()
}

/**
 * Starts a server on `port` with a fresh database; resolves when healthy and the operator is signed in.
 * `extraEnv` adds to its environment (e.g. SMTP_URL of a spec's own SMTP server).
 */
export async function startJourneyServer(port: number, extraEnv: NodeJS.ProcessEnv = {}): Promise<JourneyServer> {
  const dbName = `qoltanba_journey_${port}_${Date.now()}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${dbName}`)
  await admin.end()
  const dataDir = mkdtempSync(join(tmpdir(), 'qoltanba-journey-'))
  const distDir = await privateCopyOfDist(dataDir)
  const url = `http://localhost:${port}`
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DIST_DIR: distDir,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl(dbName),
    PUBLIC_URL: url,
    LOG_LEVEL: 'warn',
    CA_KEY_ALGORITHM: 'P-256',
    // With DATABASE_URL the CA lives in the database: the first start makes a development one there.
    CA_INIT_DEVELOPMENT: 'true',
    CA_KEY_PASSPHRASE: 'e2e-journey-passphrase',
    RATE_LIMIT_STATUS: '10000',
    RATE_LIMIT_LOOKUP: '10000',
    RATE_LIMIT_SUBMIT: '10000',
    ...extraEnv,
  }
  let child: ChildProcess | null = null
  const db = new pg.Client({ connectionString: databaseUrl(dbName) })

  async function boot(): Promise<void> {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] })
    child = proc
    const deadline = Date.now() + 120_000
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`journey server exited with ${proc.exitCode}`)
      if (await fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false)) return
      if (Date.now() > deadline) throw new Error('journey server did not become healthy')
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  async function kill(): Promise<void> {
    const proc = child
    if (!proc || proc.exitCode !== null) return
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill('SIGTERM')
    await exited
  }

  await boot()
  await db.connect()
  const cliEnv = { ...env, QT_OPERATOR_P12_PASSWORD: randomBytes(12).toString('base64url') }
  const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], { env: cliEnv })
  const operatorP12 = join(dataDir, 'journey-operator.p12')
  await cli(['operator', 'create', '--iin', OPERATOR_IIN, '--out', operatorP12, '--password-env', 'QT_OPERATOR_P12_PASSWORD'])
  const operatorCookie = (await cli(['operator', 'sign-in', '--p12', operatorP12, '--password-env', 'QT_OPERATOR_P12_PASSWORD', '--url', url])).stdout.trim()

  async function operator(path: string, init: RequestInit = {}): Promise<unknown> {
    const response = await fetch(`${url}/api/v1/operator${path}`, {
      ...init,
      headers: { cookie: operatorCookie, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    })
    const body = await response.json()
    if (!response.ok) throw new Error(`operator ${path}: ${response.status} ${JSON.stringify(body)}`)
    return body
  }

  return {
    url,
    operatorCookie,
    async approve(number, options) {
      await operator(`/applications/${number}/approve`, { method: 'POST', body: JSON.stringify({ identityChecked: true, ...options }) })
    },
    async reject(number, reason) {
      await operator(`/applications/${number}/reject`, { method: 'POST', body: JSON.stringify({ reason }) })
    },
    async applicationsOf(iin) {
      const body = (await operator(`/applications?iin=${iin}`)) as { applications: { number: string; status: string }[] }
      return body.applications.map((a) => ({ number: a.number, status: a.status }))
    },
    async makeOverdue(number) {
      await db.query(`UPDATE applications SET expires_at = now() - interval '1 minute' WHERE number = $1`, [number])
    },
    kill,
    restart: boot,
    async stop() {
      await kill()
      await db.end()
      const a = new pg.Client({ connectionString: ADMIN_URL })
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
      await a.end()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * A copy of the built PWA: other suites may rebuild dist/ while this server runs (a build empties
 * it first). The service worker is written last, so index.html + sw.js mean a finished build.
 * QOLTANBA_E2E_SOURCE_DIST names another build, as for the shared server (test/e2e/serve.ts).
 */
async function privateCopyOfDist(dataDir: string): Promise<string> {
  const source = process.env.QOLTANBA_E2E_SOURCE_DIST ?? 'dist'
  const deadline = Date.now() + 120_000
  while (!(existsSync(join(source, 'index.html')) && existsSync(join(source, 'sw.js')))) {
    if (Date.now() > deadline) throw new Error(`no built PWA in ${source}/ (run npm run build)`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  const target = join(dataDir, 'dist')
  cpSync(source, target, { recursive: true })
  return target
}

/** Answers of the wizard. */
export interface WizardAnswers {
  readonly iin: string
  readonly email?: string
  readonly region?: string
  /** Registration center id (default: the region's first). */
  readonly center?: string
  readonly storage: 'browser' | 'file'
  readonly password: string
  readonly algorithm?: 'RSA-2048' | 'P-256'
}

/**
 * The registration-center step: a region, then one of its centers (the first listed unless
 * `centerId` names one). Continue is the caller's.
 */
export async function chooseCenter(page: Page, region = 'KZ-75', centerId?: string): Promise<void> {
  await page.getByTestId('region').selectOption(region)
  const choice = centerId ? page.getByTestId(`center-${centerId}`) : page.locator('input[name="center"]').first()
  await choice.check()
}

/** Clicks Continue and waits for the next step's heading to take focus. */
async function next(page: Page): Promise<void> {
  const before = page.url()
  await page.getByTestId('continue').click()
  await expect.poll(() => page.url()).not.toBe(before)
}

/** The wizard from its start to the (optional) e-mail step, for an individual with `iin`. */
export async function toEmailStep(page: Page, iin = '900101300017'): Promise<void> {
  await page.goto('/request')
  await page.locator('#kind-individual').check()
  await page.getByTestId('continue').click()
  await page.locator('#terms').check()
  await page.getByTestId('continue').click()
  await page.getByTestId('iin-input').fill(iin)
  await page.getByTestId('check-iin').click()
  await expect(page.getByTestId('person')).toBeVisible()
  await page.getByTestId('continue').click()
  await expect(page.locator('#email')).toBeVisible()
}

/** Fills every step of the wizard up to (not including) "Check your answers" → submit. */
export async function fillWizard(page: Page, answers: WizardAnswers): Promise<void> {
  await page.goto('/request')
  await expect(page.getByTestId('step-caption')).toBeVisible()
  await page.locator('#kind-individual').check()
  await next(page)
  await page.locator('#terms').check()
  await next(page)
  await page.getByTestId('iin-input').fill(answers.iin)
  await page.getByTestId('check-iin').click()
  await expect(page.getByTestId('person')).toBeVisible()
  await next(page)
  if (answers.email) await page.locator('#email').fill(answers.email)
  await next(page)
  await chooseCenter(page, answers.region ?? 'KZ-75', answers.center)
  await next(page)
  await page.locator(`#storage-${answers.storage}`).check()
  await page.getByTestId('new-password').fill(answers.password)
  await page.getByTestId('repeat-password').fill(answers.password)
  await next(page)
  await page.locator(answers.algorithm === 'RSA-2048' ? '#key-rsa' : '#key-ec').check()
  await next(page)
  await expect(page.getByTestId('check-answers')).toContainText(answers.iin)
}

/** Submits from "Check your answers" and returns the number and access code of the confirmation. */
export async function submitAndConfirm(page: Page): Promise<{ number: string; accessCode: string }> {
  await page.getByTestId('continue').click()
  const number = page.getByTestId('application-number')
  await expect(number).toHaveText(/^\d{12}$/, { timeout: 60_000 })
  return { number: (await number.textContent())!.trim(), accessCode: (await page.getByTestId('access-code').textContent())!.trim() }
}
