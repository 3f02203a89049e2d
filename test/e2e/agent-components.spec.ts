/**
 * The PWA's token components (src/components/agents) in Chromium against the running agent and
 * a SoftHSM2 token: the "agent unavailable" checklist with Retry, pairing through the dialog with
 * the code from the agent's console, the token list, and the PIN field's wrong-PIN message.
 */
import { createServer } from 'node:net'
import { join } from 'node:path'
import { test, expect } from '@playwright/test'
import { AxeBuilder } from '@axe-core/playwright'
import { TOKEN_PIN, prepareToken, removeDir, servePages, spawnAgent, type AgentProcess } from './agent-helpers.ts'

let dir: string
let agent: AgentProcess
let pages: { base: string; close: () => Promise<void> }

test.beforeAll(async () => {
  const token = prepareToken('harness')
  dir = token.dir
  agent = await spawnAgent(join(dir, 'agent'), token.env)
  pages = await servePages()
})

test.afterAll(async () => {
  await pages?.close()
  await agent?.stop()
  removeDir(dir)
})

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

test('no agent: the checklist, accessible, with a Retry', async ({ page }) => {
  await page.goto(`${pages.base}/components.html?agent=${encodeURIComponent(`ws://127.0.0.1:${await closedPort()}/`)}`)
  const screen = page.getByTestId('agent-unavailable')
  await expect(screen.getByRole('heading', { name: 'The signing program does not answer' })).toBeVisible()
  await expect(screen.getByRole('listitem')).toHaveCount(4)
  await expect(screen.getByRole('listitem').nth(1)).toContainText('https://127.0.0.1:13590/')
  const axe = await new AxeBuilder({ page }).include('[data-testid="agent-unavailable"]').analyze()
  expect(axe.violations).toEqual([])
  await screen.getByRole('button', { name: 'Retry' }).click()
  await expect(screen.getByRole('button', { name: 'Retry' })).toBeEnabled()
  await expect(screen).toBeVisible()
})

test('pairing dialog, tokens, and a wrong PIN message', async ({ page }) => {
  await page.goto(`${pages.base}/components.html?agent=${encodeURIComponent(agent.url)}`)
  await page.getByRole('button', { name: 'Pair' }).click()
  const dialog = page.getByTestId('agent-pairing-dialog')
  await expect(dialog.getByRole('heading', { name: 'Allow this site to use your tokens' })).toBeVisible()
  const [, , code] = await agent.waitFor(/Pairing request from (\S+)\n\s+Code: (\d{6})/)

  await dialog.getByLabel('Code from the agent').fill(code === '000000' ? '111111' : '000000')
  await dialog.getByRole('button', { name: 'Allow' }).click()
  await expect(dialog.getByRole('alert')).toContainText('The code does not match')
  await expect(dialog.getByRole('alert')).toContainText('2 attempts left')

  await dialog.getByLabel('Code from the agent').fill(code as string)
  await dialog.getByRole('button', { name: 'Allow' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.getByRole('list', { name: 'Tokens' }).getByRole('listitem')).toHaveText(['harness'])
  await expect(page.getByRole('list', { name: 'Certificates' }).getByRole('listitem')).toHaveText(['holder cert'])

  await page.getByLabel('Token PIN').fill('000000')
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByText('Wrong PIN. Check it and try again')).toBeVisible()
  await expect(page.getByText('Few attempts are left before the token locks.').first()).toBeVisible()

  await page.getByLabel('Token PIN').fill(TOKEN_PIN)
  await page.getByRole('button', { name: 'Generate' }).click()
  await expect(page.getByTestId('result')).toHaveText(/^CSR \d+ bytes$/)
  expect(agent.output()).not.toContain(TOKEN_PIN)
})
