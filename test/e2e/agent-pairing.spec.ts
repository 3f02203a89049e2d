/**
 * A page on http://localhost pairs with the running agent (`node --import tsx agent/main.ts`,
 * what `npm run agent` runs) and lists the certificates on a SoftHSM2 token. The token is filled
 * with OpenSSL and pkcs11-tool, independently of our code; the pairing code is read from the
 * agent's console output, where the user reads it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect } from '@playwright/test'
import { prepareToken, removeDir, servePages, spawnAgent, type AgentProcess } from './agent-helpers.ts'

let dir: string
let agent: AgentProcess
let pages: { base: string; close: () => Promise<void> }

test.beforeAll(async () => {
  const token = prepareToken('e2e')
  dir = token.dir
  agent = await spawnAgent(join(dir, 'agent'), token.env)
  pages = await servePages()
})

test.afterAll(async () => {
  await pages?.close()
  await agent?.stop()
  removeDir(dir)
})

test('a localhost page pairs with the agent and lists the token certificates', async ({ page }) => {
  const pageUrl = `${pages.base}/?agent=${encodeURIComponent(agent.url)}`
  await page.goto(pageUrl)
  await expect(page.locator('#status')).toHaveText('unavailable: origin-not-approved')

  await page.getByRole('button', { name: 'Pair with the agent' }).click()
  const origin = new URL(pageUrl).origin
  const [, shownOrigin, code] = await agent.waitFor(/Pairing request from (\S+)\n\s+Code: (\d{6})/)
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
