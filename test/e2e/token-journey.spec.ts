/**
 * The citizen's journey with "Hardware token" storage, against a real Registration Center, our
 * local agent (`node --import tsx agent/main.ts`, on its development port ws://127.0.0.1:13591/
 * that the PWA on http://localhost uses) and a fresh, empty SoftHSM2 token: pair the site (code
 * read from the agent's console), apply with both keys and requests made on the token, the
 * operator approves (operator API, CLI token), install the certificates onto the token, and sign
 * in with the token's authentication key. pkcs11-tool (OpenSC, not our code) checks the token.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect } from './fixtures.ts'
import type { Page } from '@playwright/test'
import { chooseCenter, startJourneyServer, submitAndConfirm, type JourneyServer } from './journey-helpers.ts'

const PORT = 4194
const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so'
const PIN = '246810'
const IIN = '900101300017'

let server: JourneyServer
let dir: string
let env: NodeJS.ProcessEnv
let agent: ChildProcess
let agentOutput = ''

test.use({ baseURL: `http://localhost:${PORT}` })
test.describe.configure({ mode: 'serial', timeout: 240_000 })

/** Resolves with the first match of `pattern` in the agent's console output (now or later). */
function waitForAgent(pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = pattern.exec(agentOutput)
      if (m) resolve(m)
      return m !== null
    }
    if (check()) return
    const onData = (): void => {
      if (check()) agent.stdout?.off('data', onData)
    }
    agent.stdout?.on('data', onData)
    agent.once('exit', (code) => reject(new Error(`agent exited (${code}): ${agentOutput}`)))
  })
}

test.beforeAll(async () => {
  test.setTimeout(240_000)
  dir = mkdtempSync(join(tmpdir(), 'qoltanba-e2e-token-'))
  mkdirSync(join(dir, 'tokens'))
  const conf = join(dir, 'softhsm2.conf')
  writeFileSync(conf, `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`)
  env = { ...process.env, SOFTHSM2_CONF: conf }
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'citizen', '--so-pin', '1234', '--pin', PIN], { env, stdio: 'pipe' })
  agent = spawn(process.execPath, ['--import', 'tsx', 'agent/main.ts'], {
    env: {
      ...env,
      QOLTANBA_AGENT_DIR: join(dir, 'agent'),
      QOLTANBA_AGENT_MODULES: `softhsm=${SOFTHSM_MODULE}`,
      QOLTANBA_AGENT_TLS_PORT: 'off',
      QOLTANBA_AGENT_PLAIN_PORT: '13591',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  agent.stdout?.on('data', (d: Buffer) => (agentOutput += d.toString()))
  agent.stderr?.on('data', (d: Buffer) => (agentOutput += d.toString()))
  await waitForAgent(/listening on ws:\/\/127\.0\.0\.1:13591\//)
  server = await startJourneyServer(PORT)
})

test.afterAll(async () => {
  await server?.stop()
  if (agent && agent.exitCode === null) {
    const exited = new Promise((resolve) => agent.once('exit', resolve))
    agent.kill('SIGTERM')
    await exited
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** Objects on the token as OpenSC lists them: CKA_IDs of private keys and of certificates. */
function tokenObjects(): { keys: string[]; certificates: { id: string; label: string }[] } {
  const out = execFileSync('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', 'citizen', '--login', '--pin', PIN, '-O'], { env, encoding: 'utf8' })
  const blocks = out.split(/\n(?=\S)/)
  const id = (b: string): string => /\n\s+ID:\s+([0-9a-f]+)/.exec(b)?.[1] ?? ''
  return {
    keys: blocks.filter((b) => b.startsWith('Private Key Object')).map(id),
    certificates: blocks
      .filter((b) => b.startsWith('Certificate Object'))
      .map((b) => ({ id: id(b), label: /\n\s+label:\s+(.*)/.exec(b)?.[1]?.trim() ?? '' })),
  }
}

/** Clicks Continue and waits for the next step. */
async function next(page: Page): Promise<void> {
  const before = page.url()
  await page.getByTestId('continue').click()
  await expect.poll(() => page.url()).not.toBe(before)
}

/** Opens the pairing dialog with `open`, types the code the agent printed, and allows. */
async function pair(page: Page, open: () => Promise<void>): Promise<void> {
  const seen = agentOutput.length
  await open()
  const dialog = page.getByTestId('agent-pairing-dialog')
  await expect(dialog).toBeVisible()
  await expect.poll(() => /Code: (\d{6})/.exec(agentOutput.slice(seen))?.[1] ?? null).not.toBeNull()
  const code = /Code: (\d{6})/.exec(agentOutput.slice(seen))![1]!
  await dialog.getByTestId('agent-pairing-code').fill(code)
  await dialog.getByTestId('agent-pairing-confirm').click()
  await expect(dialog).toBeHidden()
}

test('hardware token: pair, apply with keys made on the token, approve, install onto the token, sign in with the token key', async ({ page }) => {
  await page.goto('/request')
  await expect(page.getByTestId('step-caption')).toBeVisible()
  await page.locator('#kind-individual').check()
  await next(page)
  await page.locator('#terms').check()
  await next(page)
  await page.getByTestId('iin-input').fill(IIN)
  await page.getByTestId('check-iin').click()
  await expect(page.getByTestId('person')).toBeVisible()
  await next(page)
  await next(page) // no e-mail
  await chooseCenter(page, 'KZ-75')
  await next(page)

  // The agent runs but the site is not approved: the token option is there and pairs first.
  await page.locator('#storage-token').check()
  await pair(page, () => page.getByTestId('token-picker').getByTestId('token-pair').click())
  await expect(page.getByTestId('token-picker').getByRole('radio')).toHaveCount(1)
  await expect(page.locator('#token-choice-0')).toBeChecked()
  await page.getByTestId('continue').click()
  await expect(page.getByTestId('error-summary')).toBeVisible() // no PIN yet
  await page.getByTestId('token-pin').fill(PIN)
  await next(page)
  await page.locator('#key-ec').check()
  await next(page)
  await expect(page.getByTestId('check-answers')).toContainText(IIN)
  const { number } = await submitAndConfirm(page)

  // Both keys were made on the token; no certificate yet.
  const afterApply = tokenObjects()
  expect(afterApply.keys).toHaveLength(2)
  expect(afterApply.certificates).toHaveLength(0)

  // At the desk the operator sees the token and confirms it: only then does it earn 3 years.
  await server.approve(number, { tokenChecked: true })
  await page.goto(`/status/${number}`)
  await expect(page.getByTestId('status-tag')).toHaveAttribute('data-status', 'issued')
  await page.getByTestId('install-link').click()
  await expect(page.getByTestId('token-install')).toBeVisible()
  await page.getByTestId('install-token-pin').fill(PIN)
  await page.getByTestId('install-start').click()
  await expect(page.getByTestId('install-done')).toBeVisible({ timeout: 60_000 })
  expect((await server.applicationsOf(IIN)).find((a) => a.number === number)?.status).toBe('installed')

  // OpenSC sees two certificates, each next to its key (same CKA_ID).
  const installed = tokenObjects()
  expect(installed.certificates).toHaveLength(2)
  expect(installed.certificates.map((c) => c.id).sort()).toEqual([...afterApply.keys].sort())
  expect(installed.certificates.map((c) => c.label.split(' ')[0]).sort()).toEqual(['AUTH', 'SIGN'])
  // Keys on a token get the profile's 3-year validity (1 year in the browser).
  for (const c of installed.certificates) {
    const der = join(dir, `${c.id}.der`)
    execFileSync('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', 'citizen', '--read-object', '--type', 'cert', '--id', c.id, '-o', der], { env, stdio: 'pipe' })
    const dates = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', der, '-noout', '-startdate', '-enddate'], { encoding: 'utf8' })
    const start = Date.parse(/notBefore=(.*)/.exec(dates)![1]!)
    const end = Date.parse(/notAfter=(.*)/.exec(dates)![1]!)
    expect(Math.round((end - start) / 86_400_000)).toBeGreaterThanOrEqual(3 * 365)
  }

  // My certificates lists the token certificates next to the browser ones.
  await page.goto('/certificates')
  await expect(page.getByTestId('token-certificates').getByTestId('token-certificate')).toHaveCount(2)

  // Sign in with the token's authentication key and the PIN: the cabinet shows the person.
  await page.goto('/signin')
  const token = page.getByTestId('signin-token')
  await expect(token.getByRole('radio')).toHaveCount(1)
  await token.getByTestId('signin-token-pin').fill(PIN)
  await token.getByTestId('signin-token-submit').click()
  await expect(page.getByTestId('cabinet-name')).toHaveText('Тестов Тест Тестович', { timeout: 30_000 })
  await expect(page.getByTestId('cabinet-applications')).toContainText(number)
})
