/**
 * For the hand-off specs (issue 17): a phone-emulated browser context (Pixel 7) in a language,
 * whose container holds certificates imported from PKCS#12 files, and the demo portal
 * (examples/portal) registered on a console server with `qoltanba client add`.
 */
import { devices, type Browser, type BrowserContext } from '@playwright/test'
import { startPortal } from '../../examples/portal/portal.ts'
import { LOCALE_STORAGE_KEY, type AppLocale } from './fixtures.ts'
import type { ConsoleServer } from './operator-fixtures.ts'

/** A phone-emulated context in `locale` whose container holds the certificates of `p12s` (all under `password`). */
export async function phoneWithContainer(browser: Browser, baseUrl: string, locale: AppLocale, p12s: readonly string[], password: string): Promise<BrowserContext> {
  const { defaultBrowserType: _type, ...pixel } = devices['Pixel 7']
  const phone = await browser.newContext({ ...pixel })
  await phone.addInitScript(([key, value]) => localStorage.setItem(key, value), [LOCALE_STORAGE_KEY, locale] as const)
  const page = await phone.newPage()
  await page.goto(`${baseUrl}/certificates`)
  for (const p12 of p12s) {
    await page.getByTestId('open-import').click()
    const dialog = page.getByTestId('import-dialog')
    await dialog.getByTestId('import-file').setInputFiles(p12)
    await dialog.getByTestId('import-password').fill(password)
    await dialog.getByTestId('import-submit').click()
    await dialog.getByTestId('import-result').getByTestId('import-close').click()
  }
  await page.close()
  return phone
}

export interface DemoPortal {
  readonly url: string
  readonly clientId: string
  close(): Promise<void>
}

/** The demo portal on `port`, registered as a client of `server` (names in kk, ru, en; openid profile certificate). */
export async function startDemoPortal(server: ConsoleServer, port: number, names: Readonly<Record<AppLocale, string>>): Promise<DemoPortal> {
  const url = `http://localhost:${port}`
  const registered = JSON.parse(
    server.cli([
      'client', 'add', '--json',
      '--name-kk', names.kk, '--name-ru', names.ru, '--name-en', names.en,
      '--redirect-uri', `${url}/callback`,
      '--post-logout-redirect-uri', `${url}/`,
      '--scope', 'openid', '--scope', 'profile', '--scope', 'certificate',
      '--auth-method', 'client_secret_basic',
    ]),
  ) as { clientId: string; clientSecret: string }
  const { server: http } = await startPortal({ issuer: server.url, clientId: registered.clientId, clientSecret: registered.clientSecret, port, scope: 'openid profile certificate' })
  return { url, clientId: registered.clientId, close: () => new Promise((resolve) => http.close(() => resolve())) }
}
