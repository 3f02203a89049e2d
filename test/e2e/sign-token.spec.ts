/**
 * /sign with a key on a hardware token through our agent (issue 16): a SoftHSM2 token holding a
 * signing key and certificate of a throw-away OpenSSL CA (written by pkcs11-tool, not our code),
 * our agent serving it on the development port the PWA on http://localhost uses; the site is
 * paired (code read from the agent's console), the token's certificate chosen, the PIN typed, and
 * the saved detached signature is accepted by `openssl cms -verify -content`.
 * The agent's port is fixed (13591): run this spec alone, not beside another token spec.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures.ts'
import { message } from './handover-helpers.ts'

const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so'
const TOKEN_PIN = '135790'
const dir = mkdtempSync(join(tmpdir(), 'qt-sign-token-e2e-'))
const env = { ...process.env, SOFTHSM2_CONF: join(dir, 'softhsm2.conf') }
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] })
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Токенмен қол қою / Подпись токеном\ntrailer << /Root 1 0 R >>\n%%EOF\n')
writeFileSync(join(dir, 'contract.pdf'), pdf)

let agent: ChildProcess
let output = ''

test.describe.configure({ mode: 'serial', timeout: 120_000 })

test.beforeAll(async () => {
  // The CA and a P-256 signing certificate (nonRepudiation, emailProtection) for the token's key.
  sh('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30',
    '-subj', '/C=KZ/CN=Sign token e2e CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  writeFileSync(join(dir, 'leaf.ext'), 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\n')
  sh('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'leaf.csr', '-subj', '/C=KZ/CN=TOKEN SIGNER/serialNumber=IIN900101300017'])
  sh('openssl', ['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-extfile', 'leaf.ext', '-out', 'cert.pem'])
  sh('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', 'key.pem', '-outform', 'DER', '-out', 'key.der'])
  sh('openssl', ['x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.der'])
  mkdirSync(join(dir, 'tokens'))
  writeFileSync(env.SOFTHSM2_CONF, `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`)
  sh('softhsm2-util', ['--init-token', '--free', '--label', 'signer', '--so-pin', '1234', '--pin', TOKEN_PIN])
  const p11 = ['--module', SOFTHSM_MODULE, '--token-label', 'signer', '--login', '--pin', TOKEN_PIN]
  sh('pkcs11-tool', [...p11, '--write-object', 'key.der', '--type', 'privkey', '--id', 'c1', '--label', 'sign'])
  sh('pkcs11-tool', [...p11, '--write-object', 'cert.der', '--type', 'cert', '--id', 'c1', '--label', 'sign cert'])
  agent = spawn(process.execPath, ['--import', 'tsx', 'agent/main.ts'], {
    env: { ...env, QOLTANBA_AGENT_DIR: join(dir, 'agent'), QOLTANBA_AGENT_MODULES: `softhsm=${SOFTHSM_MODULE}`, QOLTANBA_AGENT_TLS_PORT: 'off', QOLTANBA_AGENT_PLAIN_PORT: '13591' },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  agent.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  agent.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  await expect.poll(() => output, { timeout: 30_000 }).toMatch(/listening on ws:\/\/127\.0\.0\.1:13591\//)
})

test.afterAll(async () => {
  if (agent && agent.exitCode === null) {
    const exited = new Promise((resolve) => agent.once('exit', resolve))
    agent.kill('SIGTERM')
    await exited
  }
  rmSync(dir, { recursive: true, force: true })
})

/** Signs the PDF on /sign with the token (the site already paired) and returns the saved file. */
async function signWithToken(page: Page, locale: 'kk' | 'ru'): Promise<string> {
  await page.goto('/sign')
  await page.getByTestId('sign-document').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: pdf })
  await page.getByTestId('sign-source-agent').check()
  const section = page.getByTestId('sign-token')
  if (locale === 'kk') {
    // This browser is a new site for the agent: pair it once (the code is on the agent's console).
    const seen = output.length
    await section.getByTestId('token-pair').click()
    const dialog = page.getByTestId('agent-pairing-dialog')
    await expect(dialog).toBeVisible()
    await expect.poll(() => /Code: (\d{6})/.exec(output.slice(seen))?.[1] ?? null, { timeout: 20_000 }).not.toBeNull()
    await dialog.getByTestId('agent-pairing-code').fill(/Code: (\d{6})/.exec(output.slice(seen))![1]!)
    await dialog.getByTestId('agent-pairing-confirm').click()
    await expect(dialog).toBeHidden()
  }
  await expect(section.getByTestId('sign-token-certificate')).toContainText('TOKEN SIGNER')
  await expect(section.getByTestId('sign-token-certificate')).toContainText(message(locale, 'sign.purpose.sign'))
  await section.getByTestId('sign-token-pin').fill(TOKEN_PIN)
  await page.getByTestId('sign-timestamp-without').check()
  await page.getByTestId('sign-submit').click()
  await expect(page.getByTestId('sign-result')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('sign-result-timestamp')).toHaveText(message(locale, 'sign.result.timestamp_skipped'))
  const download = page.waitForEvent('download')
  await page.getByTestId('sign-save').click()
  const file = join(dir, `token-${locale}.p7s`)
  await (await download).saveAs(file)
  return file
}

test('a PDF signed with the key on a SoftHSM2 token through our agent, in kk and ru; OpenSSL verifies both', async ({ page }) => {
  for (const locale of ['kk', 'ru'] as const) {
    // The language switch is kept in this browser (the pairing too: it is paired once, in kk).
    await page.goto('/sign')
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), ['qoltanba.locale', locale] as const)
    const file = await signWithToken(page, locale)
    await expect(page.locator('html')).toHaveAttribute('lang', locale)
    sh('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', file, '-content', 'contract.pdf', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null'])
    const printed = sh('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file, '-noout']).toString()
    expect(printed).toContain('TOKEN SIGNER')
    expect(printed).toContain('signingCertificateV2')
    // Detached: the document is not inside.
    expect(printed).toMatch(/eContent: <ABSENT>/)
  }
})
