/**
 * A page on http://localhost pairs with the running agent (`node --import tsx agent/main.ts`,
 * what `npm run agent` runs) and lists the certificates on a SoftHSM2 token. The token is filled
 * with OpenSSL and pkcs11-tool, independently of our code; the pairing code is read from the
 * agent's console output, where the user reads it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, expect } from '@playwright/test'
import { createServer, type ViteDevServer } from 'vite'

const MODULE = '/usr/lib/softhsm/libsofthsm2.so'
const PIN = '123456'

let dir: string
let agent: ChildProcess
let agentOutput = ''
let agentUrl: string
let vite: ViteDevServer
let pageUrl: string

function waitForOutput(pattern: RegExp): Promise<RegExpMatchArray> {
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
  dir = mkdtempSync(join(tmpdir(), 'qoltanba-e2e-agent-'))
  mkdirSync(join(dir, 'tokens'))
  const conf = join(dir, 'softhsm2.conf')
  writeFileSync(conf, `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`)
  const env = { ...process.env, SOFTHSM2_CONF: conf }
  const sh = (cmd: string, args: string[]): void => void execFileSync(cmd, args, { cwd: dir, env, stdio: 'pipe' })
  sh('softhsm2-util', ['--init-token', '--free', '--label', 'e2e', '--so-pin', '1234', '--pin', PIN])
  sh('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-subj', '/CN=TOKEN HOLDER/serialNumber=IIN840317000029/C=KZ', '-days', '2', '-out', 'cert.pem'])
  sh('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', 'key.pem', '-outform', 'DER', '-out', 'key.der'])
  sh('openssl', ['x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.der'])
  const p11 = ['--module', MODULE, '--token-label', 'e2e', '--login', '--pin', PIN]
  sh('pkcs11-tool', [...p11, '--write-object', 'key.der', '--type', 'privkey', '--id', 'a1', '--label', 'holder'])
  sh('pkcs11-tool', [...p11, '--write-object', 'cert.der', '--type', 'cert', '--id', 'a1', '--label', 'holder cert'])

  agent = spawn(process.execPath, ['--import', 'tsx', 'agent/main.ts'], {
    env: {
      ...env,
      QOLTANBA_AGENT_DIR: join(dir, 'agent'),
      QOLTANBA_AGENT_MODULES: `softhsm=${MODULE}`,
      QOLTANBA_AGENT_TLS_PORT: 'off',
      QOLTANBA_AGENT_PLAIN_PORT: '0',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  agent.stdout?.on('data', (d: Buffer) => (agentOutput += d.toString()))
  agent.stderr?.on('data', (d: Buffer) => (agentOutput += d.toString()))
  agentUrl = (await waitForOutput(/listening on (ws:\/\/127\.0\.0\.1:\d+\/)/))[1] as string

  vite = await createServer({
    configFile: false,
    root: join(import.meta.dirname, 'agent-page'),
    logLevel: 'error',
    server: { host: 'localhost', port: 0, strictPort: false, fs: { allow: [process.cwd()] } },
  })
  await vite.listen()
  const address = vite.httpServer?.address()
  const port = typeof address === 'object' && address ? address.port : 0
  pageUrl = `http://localhost:${port}/?agent=${encodeURIComponent(agentUrl)}`
})

test.afterAll(async () => {
  await vite?.close()
  if (agent && agent.exitCode === null) {
    const exited = new Promise((resolve) => agent.once('exit', resolve))
    agent.kill('SIGTERM')
    await exited
  }
  rmSync(dir, { recursive: true, force: true })
})

test('a localhost page pairs with the agent and lists the token certificates', async ({ page }) => {
  await page.goto(pageUrl)
  await expect(page.locator('#status')).toHaveText('unavailable: origin-not-approved')

  await page.getByRole('button', { name: 'Pair with the agent' }).click()
  const origin = new URL(pageUrl).origin
  const [, shownOrigin, code] = await waitForOutput(/Pairing request from (\S+)\n\s+Code: (\d{6})/)
  expect(shownOrigin).toBe(origin)
  await expect(page.locator('body')).not.toContainText(code as string) // the code never reaches the page

  const wrong = code === '000000' ? '111111' : '000000'
  await page.getByLabel('Code from the agent').fill(wrong)
  await page.getByRole('button', { name: 'Allow' }).click()
  await expect(page.locator('#status')).toHaveText('ERR_PAIRING_FAILED 2')

  await page.getByLabel('Code from the agent').fill(code as string)
  await page.getByRole('button', { name: 'Allow' }).click()
  await expect(page.locator('#status')).toHaveText('ready')
  const items = page.getByRole('list', { name: 'Token certificates' }).getByRole('listitem')
  await expect(items).toHaveCount(1)
  await expect(items.first()).toHaveText(`holder cert · key a1 · ${readFileSync(join(dir, 'cert.der')).length} bytes`)

  // Approved once: a reload goes straight to the certificates, and the approval is on disk.
  await page.reload()
  await expect(page.locator('#status')).toHaveText('ready')
  expect(JSON.parse(readFileSync(join(dir, 'agent', 'approved-origins.json'), 'utf8'))).toEqual([origin])
})
