/**
 * Helpers of the key hand-over specs (kiosk-handover, key-files-cleanup, signin-page), all on the
 * shared server of playwright.config.ts: its demo operator (the .p12 the server writes into its
 * DATA_DIR at first start), the translated messages, a `?kiosk` lock with an operator PIN, the
 * certificate sign-in with a key file, and installing key files with OpenSSL checking them.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, type Page } from '@playwright/test'
import { readTraces } from './kiosk-helpers.ts'

export type Locale = 'kk' | 'ru'
type Messages = Record<string, unknown>

/** The demo operator of the shared server (server/operators/credential.ts). */
export function demoOperator(): { p12: string; password: string; iin: string } {
  const dataDir = process.env.QOLTANBA_E2E_DATA_DIR
  if (!dataDir) throw new Error('QOLTANBA_E2E_DATA_DIR is set by playwright.config.ts')
  return {
    p12: join(dataDir, 'demo-operator.p12'),
    password: readFileSync(join(dataDir, 'demo-operator.p12.password'), 'utf8').trim(),
    iin: '920722400013',
  }
}

/** A message of `locale` by dotted key, with {name} placeholders filled. */
export function message(locale: Locale, key: string, values: Record<string, string> = {}): string {
  const all = JSON.parse(readFileSync(join(import.meta.dirname, `../../src/i18n/locales/${locale}.json`), 'utf8')) as Messages
  const raw = key.split('.').reduce<unknown>((node, part) => (node as Messages)[part], all)
  if (typeof raw !== 'string') throw new Error(`no message ${key}`)
  return raw.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`)
}

/** Opens `/?kiosk` and locks the kiosk with `pin` (docs/kiosk.md, "without server changes"). */
export async function lockKiosk(page: Page, pin: string): Promise<void> {
  await page.goto('/?kiosk')
  const dialog = page.getByTestId('kiosk-lock-dialog')
  await expect(dialog).toBeVisible()
  await page.getByTestId('kiosk-pin').fill(pin)
  await page.getByTestId('kiosk-pin-submit').click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('kiosk-bar')).toBeVisible()
}

/** Signs in on the current page's sign-in methods with a key file and its password. */
export async function signInWithKeyFile(page: Page, p12: string, password: string): Promise<void> {
  await page.getByTestId('signin-keyfile').setInputFiles(p12)
  await page.getByTestId('signin-keyfile-password').fill(password)
  await page.getByTestId('signin-keyfile-submit').click()
}

/** Names of this origin's IndexedDB databases that hold at least one record (from readTraces). */
export async function databasesWithRecords(page: Page): Promise<Record<string, number>> {
  const { databases } = await readTraces(page)
  return Object.fromEntries(databases.filter((d) => d.records > 0).map((d) => [d.name, d.records]))
}

/**
 * On the install page: types the password, makes the two key files and saves the downloads in
 * `dir`; OpenSSL must open both with that password. Returns the file names.
 */
export async function installKeyFiles(page: Page, password: string, dir: string): Promise<string[]> {
  const saved: Promise<void>[] = []
  const names: string[] = []
  const onDownload = (d: import('@playwright/test').Download) => {
    names.push(d.suggestedFilename())
    saved.push(d.saveAs(join(dir, d.suggestedFilename())))
  }
  page.on('download', onDownload)
  await page.getByTestId('install-password').fill(password)
  await page.getByTestId('install-start').click()
  await expect(page.getByTestId('install-done')).toBeVisible({ timeout: 60_000 })
  await expect.poll(() => names.length).toBe(2)
  await Promise.all(saved)
  page.off('download', onDownload)
  for (const name of names) {
    execFileSync('openssl', ['pkcs12', '-info', '-noout', '-in', join(dir, name), '-passin', `pass:${password}`], { stdio: 'pipe' })
  }
  return names.sort()
}
