/**
 * Online renewal of a pair whose keys are on a hardware token (issue 18): a SoftHSM2 token holds
 * the holder's OpenSSL-made keys and the certificates our Registration Center issued for them
 * (written by pkcs11-tool, not our code), approved with the server's clock 335 days back so they
 * end in 30 days under the default policy (renewal-helpers.ts). Our agent serves the token on the
 * development port the PWA on http://localhost uses; the site is paired (code read from the
 * agent's console) in My certificates, whose token list offers Renew for the signing certificate.
 * With the token PIN, two new keys are made on the same token and the renewal is signed by the
 * token's current signing key; the server names that certificate as the signer; the new
 * certificates are installed onto the token, where pkcs11-tool finds four keys and both new
 * certificates by serial.
 * The agent's port is fixed (13591): run this spec alone, not beside another token spec.
 */
import { execFileSync } from 'node:child_process'
import { createPrivateKey } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from './operator-fixtures.ts'
import { SOFTHSM_MODULE, spawnAgent, type AgentProcess } from './agent-helpers.ts'
import { pairEndingIn30Days, test } from './renewal-helpers.ts'

const PIN = '975310'
const LABEL = 'renewal'
const IIN = '880530300013'

const dir = mkdtempSync(join(tmpdir(), 'qt-renew-token-'))
const env = { ...process.env, SOFTHSM2_CONF: join(dir, 'softhsm2.conf') }
const p11 = ['--module', SOFTHSM_MODULE, '--token-label', LABEL, '--login', '--pin', PIN]
const pkcs11Tool = (args: string[]) => execFileSync('pkcs11-tool', [...p11, ...args], { cwd: dir, env, stdio: 'pipe' }).toString('utf8')
let agent: AgentProcess | undefined

test.describe.configure({ mode: 'serial', timeout: 240_000 })

test.beforeAll(() => {
  mkdirSync(join(dir, 'tokens'))
  writeFileSync(env.SOFTHSM2_CONF, `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`)
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', LABEL, '--so-pin', '1234', '--pin', PIN], { env, stdio: 'pipe' })
})

test.afterAll(async () => {
  await agent?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** Writes a private key (PEM) and its certificate (PEM) onto the token under one CKA_ID. */
function writePair(id: string, keyPem: string, certPem: string, label: string): void {
  writeFileSync(join(dir, `${id}.key.der`), createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' }))
  execFileSync('openssl', ['x509', '-outform', 'DER', '-out', join(dir, `${id}.crt.der`)], { input: certPem, stdio: ['pipe', 'pipe', 'pipe'] })
  pkcs11Tool(['--write-object', `${id}.key.der`, '--type', 'privkey', '--id', id, '--label', label])
  pkcs11Tool(['--write-object', `${id}.crt.der`, '--type', 'cert', '--id', id, '--label', `${label} cert`])
}

test('renew a pair on a SoftHSM2 token through our agent: new keys on the same token, signed by its current key, installed there', async ({ page, renewalServer: server }) => {
  const { application, sign, auth } = await pairEndingIn30Days(server, IIN, 'token')
  writePair('a1', application.keys.auth, auth.pem, 'AUTH old')
  writePair('b1', application.keys.sign, sign.pem, 'SIGN old')
  agent = await spawnAgent(join(dir, 'agent'), env, 13591)

  // My certificates: pair this site with the agent (the code is on the agent's console).
  await page.goto(`${server.url}/certificates`)
  const tokens = page.getByTestId('token-certificates')
  const seen = agent.output().length
  await tokens.getByTestId('token-pair').click()
  const dialog = page.getByTestId('agent-pairing-dialog')
  await expect(dialog).toBeVisible()
  await expect.poll(() => /Code: (\d{6})/.exec(agent!.output().slice(seen))?.[1] ?? null, { timeout: 20_000 }).not.toBeNull()
  await dialog.getByTestId('agent-pairing-code').fill(/Code: (\d{6})/.exec(agent.output().slice(seen))![1]!)
  await dialog.getByTestId('agent-pairing-confirm').click()
  await expect(dialog).toBeHidden()
  await expect(tokens.getByTestId('token-certificate')).toHaveCount(2)
  // Renew is offered for the signing certificate only.
  await expect(tokens.getByTestId('token-certificate-renew')).toHaveCount(1)
  await tokens.getByTestId('token-certificate-renew').click()
  await expect(page).toHaveURL(new RegExp(`/certificates/renew/${sign.serial}$`))
  await expect(page.getByTestId('renew-certificate')).toContainText('29')
  await page.getByTestId('renew-password').fill(PIN)
  await page.getByTestId('renew-submit').click()
  const done = page.getByTestId('renew-done')
  await expect(done).toBeVisible({ timeout: 60_000 })

  // Issued without an operator; the renewal was signed with the token's current signing certificate.
  const renewal = await server.operatorGet<{ status: string; storage: string; renewal: { renews: string; signerSerial: string }; certificates: Array<{ serial: string }> }>(
    `/api/v1/operator/applications/${await done.getAttribute('data-number')}`,
  )
  expect(renewal).toMatchObject({ status: 'issued', storage: 'token', renewal: { renews: application.number, signerSerial: sign.serial } })
  expect(renewal.certificates).toHaveLength(2)

  // Installed onto the token with the PIN, next to the new keys made there.
  await page.getByTestId('renew-install').click()
  await page.getByTestId('install-link').click()
  await page.getByTestId('install-token-pin').fill(PIN)
  await page.getByTestId('install-start').click()
  await expect(page.getByTestId('install-done')).toBeVisible({ timeout: 60_000 })
  const objects = pkcs11Tool(['--list-objects'])
  expect(objects.match(/Private Key Object/g)).toHaveLength(4)
  expect(objects.match(/Certificate Object/g)).toHaveLength(4)
  for (const c of renewal.certificates) expect(objects.toUpperCase()).toContain(c.serial.toUpperCase())
  expect(objects).toContain(`SIGN IIN${IIN}`)
  expect(objects).toContain(`AUTH IIN${IIN}`)
})
