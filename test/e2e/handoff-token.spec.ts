/**
 * The phone signs with a key on a hardware token through our agent (issue 17), in Russian: the
 * signing key and certificate of an application issued by the Registration Center are written
 * onto a SoftHSM2 token by OpenSSL and pkcs11-tool (not our code); our agent serves it on the
 * development port the PWA on http://localhost uses. A desktop chooses a PDF on /sign and
 * "Sign with your phone"; the phone-emulated context opens the link, chooses "On a token", pairs
 * this site with the agent (code read from the agent's console), picks the token's certificate,
 * types the PIN and signs the document's SHA-256 (the agent's digested signing); the desktop
 * saves the .p7s and `openssl cms -verify` accepts it against the document and our CA.
 * The agent's port is fixed (13591): run this spec alone, not beside another token spec.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { devices, type BrowserContext } from '@playwright/test'
import { test, expect, type SubmittedApplication } from './operator-fixtures.ts'
import { LOCALE_STORAGE_KEY } from './fixtures.ts'
import { message } from './handover-helpers.ts'
import { prepareToken, removeDir, spawnAgent, SOFTHSM_MODULE, TOKEN_PIN, type AgentProcess } from './agent-helpers.ts'

/** A demo person (server/registry/demo-persons.json) for this spec's application. */
const IIN = '750808300018'
const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Телефон и токен / Телефон және токен\ntrailer << /Root 1 0 R >>\n%%EOF\n')

let token: ReturnType<typeof prepareToken>
let agent: AgentProcess
let phone: BrowserContext
let application: SubmittedApplication

test.describe.configure({ mode: 'serial', timeout: 180_000 })

test.beforeAll(async ({ browser, consoleServer }) => {
  // The application's keys were made by OpenSSL ("on a token"); the issued signing pair goes onto the token.
  application = await consoleServer.submit(IIN, 'token')
  await consoleServer.approve(application.number)
  const sign = (await consoleServer.certificates(application)).certificates.find((c) => c.purpose === 'sign')!
  token = prepareToken('phone')
  const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: token.dir, env: token.env, stdio: 'pipe' })
  writeFileSync(join(token.dir, 'sign-key.pem'), application.keys.sign)
  writeFileSync(join(token.dir, 'sign-cert.pem'), sign.pem)
  writeFileSync(join(token.dir, 'contract.pdf'), pdf)
  sh('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', 'sign-key.pem', '-outform', 'DER', '-out', 'sign-key.der'])
  sh('openssl', ['x509', '-in', 'sign-cert.pem', '-outform', 'DER', '-out', 'sign-cert.der'])
  const p11 = ['--module', SOFTHSM_MODULE, '--token-label', 'phone', '--login', '--pin', TOKEN_PIN]
  sh('pkcs11-tool', [...p11, '--write-object', 'sign-key.der', '--type', 'privkey', '--id', 'c2', '--label', 'sign'])
  sh('pkcs11-tool', [...p11, '--write-object', 'sign-cert.der', '--type', 'cert', '--id', 'c2', '--label', 'sign cert'])
  agent = await spawnAgent(join(token.dir, 'agent'), token.env, 13591)

  const { defaultBrowserType: _type, ...pixel } = devices['Pixel 7']
  phone = await browser.newContext({ ...pixel })
  await phone.addInitScript(([key, value]) => localStorage.setItem(key, value), [LOCALE_STORAGE_KEY, 'ru'] as const)
})

test.afterAll(async () => {
  await phone?.close()
  await agent?.stop()
  if (token) removeDir(token.dir)
})

test.use({ appLocale: 'ru' })

test('the phone signs the desktop\u2019s PDF with the key on its token; openssl cms -verify accepts it', async ({ page, consoleServer }) => {
  await page.goto(`${consoleServer.url}/sign`)
  await page.getByTestId('sign-document').setInputFiles({ name: 'contract.pdf', mimeType: 'application/pdf', buffer: pdf })
  await page.getByTestId('sign-by-phone-open').click()
  const link = await page.getByTestId('handoff-deep-link').getAttribute('href')
  const code = await page.getByTestId('handoff-code').textContent()

  const mobile = await phone.newPage()
  await mobile.goto(link!)
  await expect(mobile.getByTestId('handoff-phone-code')).toHaveText(code!)
  await expect(mobile.getByTestId('handoff-document')).toContainText(createHash('sha256').update(pdf).digest('hex'))
  // The phone has our agent: a key on a token is offered next to this device's containers (none here).
  await mobile.getByTestId('handoff-source-agent').check()
  const section = mobile.getByTestId('sign-token')
  const seen = agent.output().length
  await section.getByTestId('token-pair').click()
  const dialog = mobile.getByTestId('agent-pairing-dialog')
  await expect(dialog).toBeVisible()
  const pairing = await agent.waitFor(/Code: (\d{6})/)
  expect(agent.output().length).toBeGreaterThan(seen)
  await dialog.getByTestId('agent-pairing-code').fill(pairing[1]!)
  await dialog.getByTestId('agent-pairing-confirm').click()
  await expect(dialog).toBeHidden()
  await expect(section.getByTestId('sign-token-certificate')).toContainText(message('ru', 'sign.purpose.sign'))
  await section.getByTestId('sign-token-pin').fill(TOKEN_PIN)
  await mobile.getByTestId('handoff-sign').click()
  await expect(mobile.getByTestId('handoff-phone-done')).toHaveText(message('ru', 'handoff.phone.done'), { timeout: 30_000 })

  // The desktop receives the signature the server verified, and OpenSSL agrees.
  await expect(page.getByTestId('sign-by-phone-done')).toBeVisible()
  const download = page.waitForEvent('download')
  await page.getByTestId('sign-by-phone-save').click()
  const p7s = join(token.dir, 'contract.pdf.p7s')
  await (await download).saveAs(p7s)
  // The chain as the Registration Center hands it out with the certificates (issuing CA first, the
  // root last). The token holds no chain, so the signature carries the leaf only: OpenSSL's
  // `cms -verify` takes the issuing CA from the CA file too, and still builds the path to the root.
  const { chain } = await consoleServer.certificates(application)
  const cas = join(token.dir, 'ca-chain.pem')
  writeFileSync(cas, [...chain].reverse().join('\n'))
  execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', p7s, '-content', join(token.dir, 'contract.pdf'), '-CAfile', cas, '-purpose', 'any', '-out', '/dev/null'], { stdio: 'pipe' })
  // Without the issuing CA there is no path: the check above is a real one.
  writeFileSync(join(token.dir, 'root-only.pem'), chain.at(-1)!)
  expect(() => execFileSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', p7s, '-content', join(token.dir, 'contract.pdf'), '-CAfile', join(token.dir, 'root-only.pem'), '-purpose', 'any', '-out', '/dev/null'], { stdio: 'pipe' })).toThrow()
  const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', p7s, '-noout']).toString()
  expect(printed).toMatch(/eContent: <ABSENT>/)
  expect(printed).toContain(`IIN${IIN}`)
  await mobile.close()
})
