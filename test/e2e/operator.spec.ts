/**
 * The operator console in Chromium, in Kazakh and in Russian, against a real Registration Center
 * (operator-fixtures.ts): sign in with the demo operator's certificate (its .p12 imported into the
 * browser, the sign-in challenge signed with it), find applications made by OpenSSL, check the
 * requests, approve one and reject one; look certificates up and hold, release and revoke them —
 * by keyboard where a desk operator would, checked with axe, and verified on the server and by
 * `openssl ocsp`.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, expectAccessible, pageHeading, type AppLocale, type ConsoleServer } from './operator-fixtures.ts'
import type { Page } from '@playwright/test'

type Messages = Record<string, Record<string, unknown>>
const messages = (locale: AppLocale): Messages =>
  JSON.parse(readFileSync(join(import.meta.dirname, `../../src/i18n/locales/${locale}.json`), 'utf8')) as Messages

/** A message by dotted key, with {name} placeholders filled. */
function text(m: Messages, key: string, values: Record<string, string> = {}): string {
  const raw = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], m)
  if (typeof raw !== 'string') throw new Error(`no message ${key}`)
  return raw.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`)
}

/** Imports the demo operator's .p12, opens the console and signs in with that certificate. */
async function signIn(page: Page, server: ConsoleServer, m: Messages): Promise<void> {
  await page.goto(`${server.url}/certificates`)
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-file').setInputFiles(server.demoOperator.p12)
  await dialog.getByTestId('import-password').fill(server.demoOperator.password)
  await dialog.getByTestId('import-submit').click()
  await dialog.getByTestId('import-close').click()

  await page.goto(`${server.url}/operator`)
  await expect(await pageHeading(page)).toHaveText(text(m, 'operator.signin.title'))
  // The console signs in on its own page. page.goto reloaded the app, so the imported container
  // is locked again: its password unlocks it.
  await page.getByTestId('signin-password').fill(server.demoOperator.password)
  await page.getByTestId('signin-submit').click()
  await expect(await pageHeading(page)).toHaveText(text(m, 'operator.queue.title'))
  await expect(page.getByTestId('operator-who')).toContainText(server.demoOperator.iin)
}

/** Status of a certificate on the server. */
async function serverStatus(server: ConsoleServer, serial: string) {
  const { certificates } = await server.operatorGet<{ certificates: Array<{ status: string; revocationReason: number | null }> }>(`/api/v1/operator/certificates?serial=${serial}`)
  return certificates[0]
}

// IINs not used by the other specs that share this server (signin.spec.ts uses 900101300017, 850315300019).
const CASES: ReadonlyArray<{ locale: AppLocale; approveIin: string; rejectIin: string }> = [
  { locale: 'kk', approveIin: '990101400015', rejectIin: '830227400013' },
  { locale: 'ru', approveIin: '781104300019', rejectIin: '010203600014' },
]

for (const { locale, approveIin, rejectIin } of CASES) {
  test.describe(`operator console (${locale})`, () => {
    test.use({ appLocale: locale })
    const m = messages(locale)

    test('sign in, approve one application and reject another', async ({ page, consoleServer: server }) => {
      test.setTimeout(120_000)
      const toApprove = await server.submit(approveIin)
      const toReject = await server.submit(rejectIin)

      // Not signed in: the console offers certificate sign-in only.
      await page.goto(`${server.url}/operator`)
      await expect(page.getByTestId('operator-signin')).toBeVisible()
      await expect(page.getByTestId('queue-table')).toHaveCount(0)
      await expectAccessible(page, 'console sign-in')

      await signIn(page, server, m)
      // The queue shows submitted applications, newest first.
      const rows = page.getByTestId('queue-row')
      await expect(rows.filter({ hasText: toApprove.number })).toHaveCount(1)
      await expect(rows.filter({ hasText: toReject.number })).toHaveCount(1)
      await expectAccessible(page, 'queue')

      // Search by application number, open it by keyboard.
      await page.getByTestId('queue-search').fill(toApprove.number.replace(/(\d{4})(?=\d)/g, '$1 '))
      await page.getByTestId('queue-search').press('Enter')
      await expect(rows).toHaveCount(1)
      await rows.getByTestId('queue-open').focus()
      await page.keyboard.press('Enter')
      await expect(await pageHeading(page)).toHaveText(text(m, 'operator.application.title', { number: toApprove.number }))
      await expect(page.getByTestId('application-iin')).toHaveText(approveIin)
      const requests = page.getByTestId('request-row')
      await expect(requests).toHaveCount(2)
      await expect(requests.nth(0).getByTestId('request-key')).toHaveText('RSA 2048')
      await expect(requests.nth(1).getByTestId('request-key')).toHaveText('ECDSA P-256')
      for (const i of [0, 1]) await expect(requests.nth(i).getByTestId('request-signature')).toHaveText(text(m, 'operator.application.signature_valid'))
      await expectAccessible(page, 'application detail')

      // Approval is a step, and it needs the identity statement: without the tick nothing is issued.
      await page.getByTestId('decision-approve').click()
      await expect(page.getByTestId('decision-approve-confirm-step')).toBeVisible()
      await expect(page.getByTestId('decision-identity-checked')).toBeFocused()
      await expectAccessible(page, 'approve confirmation')
      await page.getByTestId('decision-approve-confirm').click()
      await expect(page.getByTestId('error-summary')).toBeFocused()
      await expect(page.getByTestId('error-summary')).toContainText(text(m, 'operator.decision.identity_required'))
      await expectAccessible(page, 'approve confirmation with an error')
      expect((await server.operatorGet<{ status: string }>(`/api/v1/operator/applications/${toApprove.number}`)).status).toBe('submitted')
      // Cancel goes back to the two buttons; the step opens again with the statement still to make.
      await page.getByTestId('decision-approve-confirm-step').getByRole('button', { name: text(m, 'operator.decision.cancel') }).click()
      await expect(page.getByTestId('decision-approve-confirm-step')).toHaveCount(0)
      await page.getByTestId('decision-approve').click()
      await page.getByTestId('decision-identity-checked').check()
      await page.getByTestId('decision-document-type').selectOption('id_card')
      await page.getByTestId('decision-document-number').fill('043211234')
      await page.getByTestId('decision-approve-confirm').click()
      await expect(page.getByTestId('decision-result')).toHaveText(text(m, 'operator.decision.approved'))
      await expect(page.getByTestId('decision-result')).toBeFocused()
      await expect(page.getByTestId('application-status')).toHaveText(text(m, 'operator.status.issued'))
      await expect(page.getByTestId('application-certificate')).toHaveCount(2)
      const approved = await server.operatorGet<{ status: string; certificates: unknown[] }>(`/api/v1/operator/applications/${toApprove.number}`)
      expect(approved.status).toBe('issued')
      expect(approved.certificates).toHaveLength(2)

      // Back to the queue; find the other by IIN and reject it with a reason.
      await page.getByRole('link', { name: text(m, 'operator.application.back') }).click()
      await page.getByTestId('queue-search').fill(rejectIin)
      await page.getByTestId('queue-search-submit').click()
      await expect(rows.filter({ hasText: toReject.number })).toHaveCount(1)
      await expect(rows).toHaveCount(1)
      await rows.getByTestId('queue-open').click()
      await expect(page.getByTestId('application-number')).toHaveText(toReject.number)
      await page.getByTestId('decision-reject-start').click()
      await expect(page.getByTestId('reject-reason')).toBeFocused()
      await page.getByTestId('decision-reject').click()
      await expect(page.getByTestId('error-summary')).toBeFocused()
      await expect(page.getByTestId('error-summary')).toContainText(text(m, 'operator.decision.reason_required'))
      await expectAccessible(page, 'reject with an error')
      const reason = locale === 'kk' ? 'Жеке куәлік көрсетілмеді' : 'Не предъявлено удостоверение личности'
      await page.getByTestId('reject-reason').fill(reason)
      await page.getByTestId('decision-reject').click()
      await expect(page.getByTestId('decision-result')).toHaveText(text(m, 'operator.decision.rejected'))
      await expect(page.getByTestId('application-rejection')).toHaveText(reason)
      const rejected = await server.operatorGet<{ status: string; rejectionReason: string }>(`/api/v1/operator/applications/${toReject.number}`)
      expect(rejected).toMatchObject({ status: 'rejected', rejectionReason: reason })
      // The applicant sees the same reason with the access code.
      const applicant = await fetch(`${server.url}/api/v1/applications/${toReject.number}`, { headers: { 'x-access-code': toReject.accessCode } })
      expect(await applicant.json()).toMatchObject({ status: 'rejected', rejectionReason: reason })

      // Decided applications leave the default queue.
      await page.getByTestId('operator-signout').click()
      await expect(page.getByTestId('operator-signin')).toBeVisible()
    })

    test('look certificates up, suspend, resume and revoke them', async ({ page, consoleServer: server }) => {
      test.setTimeout(120_000)
      const holder = await server.submit(approveIin)
      await server.approve(holder.number)
      const { certificates } = await server.certificates(holder)
      const auth = certificates.find((c) => c.purpose === 'auth')!
      const sign = certificates.find((c) => c.purpose === 'sign')!

      await signIn(page, server, m)
      await page.getByRole('link', { name: text(m, 'operator.nav_certificates'), exact: true }).click()
      await expect(await pageHeading(page)).toHaveText(text(m, 'operator.certificates.title'))
      // Garbage is refused at the field.
      await page.getByTestId('certificate-search').fill('not a serial!')
      await page.getByTestId('certificate-search-submit').click()
      await expect(page.getByTestId('error-summary')).toContainText(text(m, 'operator.certificates.search_invalid'))

      // By serial, as people copy it (upper case with colons).
      await page.getByTestId('certificate-search').fill(auth.serial.toUpperCase().match(/../g)!.join(':'))
      await page.getByTestId('certificate-search').press('Enter')
      const found = page.getByTestId('lookup-certificate')
      await expect(found).toHaveCount(1)
      const item = found.first()
      await expect(item.getByTestId('lookup-status')).toHaveText(text(m, 'operator.certificate_status.good'))
      await expectAccessible(page, 'certificate lookup')

      // Suspend is a step that asks why; without a reason nothing changes.
      await item.getByTestId('lookup-hold').click()
      await expect(item.getByTestId('lookup-hold-confirm-step')).toBeVisible()
      await expect(item.getByTestId('lookup-comment')).toBeFocused()
      await item.getByTestId('lookup-hold-confirm').click()
      await expect(item).toContainText(text(m, 'operator.certificates.comment_required'))
      await expectAccessible(page, 'suspend confirmation with an error')
      expect(await serverStatus(server, auth.serial)).toMatchObject({ status: 'good' })
      const holdReason = locale === 'kk' ? 'Иесі телефонын жоғалтқанын хабарлады' : 'Владелец сообщил о потере телефона'
      await item.getByTestId('lookup-comment').fill(holdReason)
      await item.getByTestId('lookup-hold-confirm').click()
      await expect(item.getByTestId('lookup-status')).toHaveText(text(m, 'operator.certificate_status.hold'))
      expect(await serverStatus(server, auth.serial)).toMatchObject({ status: 'hold', revocationReason: 6 })
      // Resume: the same step, its own words.
      await item.getByTestId('lookup-release').click()
      await expect(item.getByTestId('lookup-release-confirm-step')).toContainText(text(m, 'operator.certificates.release_warning'))
      await item.getByTestId('lookup-comment').fill(locale === 'kk' ? 'Телефон табылды' : 'Телефон нашёлся')
      await item.getByTestId('lookup-release-confirm').click()
      await expect(item.getByTestId('lookup-status')).toHaveText(text(m, 'operator.certificate_status.good'))
      expect(await serverStatus(server, auth.serial)).toMatchObject({ status: 'good', revocationReason: null })

      // By IIN: both of the holder's certificates; revoke the signing one with a reason.
      await page.getByTestId('certificate-search').fill(approveIin)
      await page.getByTestId('certificate-search-submit').click()
      const signItem = page.locator(`[data-testid="lookup-certificate"][data-serial="${sign.serial}"]`)
      await expect(signItem).toBeVisible()
      await expect(page.locator(`[data-testid="lookup-certificate"][data-serial="${auth.serial}"]`)).toBeVisible()
      await signItem.getByTestId('lookup-revoke-start').click()
      await expect(signItem.getByTestId('lookup-reason')).toBeFocused()
      // The operator's reasons are the operator's words, not the holder's "I …".
      const options = (await signItem.getByTestId('lookup-reason').locator('option').allTextContents()).slice(1).map((o) => o.trim())
      expect(options).toContain(text(m, 'operator.revoke_reasons.key_compromise'))
      expect(options).toContain(text(m, 'operator.revoke_reasons.affiliation_changed'))
      expect(options).not.toContain(text(m, 'revoke.reasons.affiliation_changed.label'))
      expect(options).not.toContain(text(m, 'revoke.reasons.cessation_of_operation.label'))
      await signItem.getByTestId('lookup-revoke-confirm').click()
      await expect(signItem).toContainText(text(m, 'operator.certificates.reason_required'))
      expect(await serverStatus(server, sign.serial)).toMatchObject({ status: 'good' })
      await signItem.getByTestId('lookup-reason').selectOption('keyCompromise')
      await signItem.getByTestId('lookup-revoke-confirm').click()
      await expect(signItem.getByTestId('lookup-status')).toHaveText(text(m, 'operator.certificate_status.revoked'))
      await expect(signItem.getByTestId('lookup-revocation')).toContainText(text(m, 'operator.revoke_reasons.key_compromise'))
      await expect(signItem.getByTestId('lookup-revoke-start')).toHaveCount(0)
      expect(await serverStatus(server, sign.serial)).toMatchObject({ status: 'revoked', revocationReason: 1 })
      await expectAccessible(page, 'after revocation')

      // OpenSSL, asking the server's OCSP responder, agrees.
      const certFile = join(server.dataDir, `${sign.serial}.pem`)
      writeFileSync(certFile, sign.pem)
      const [issuing, root, ocsp] = [await server.caFile('issuing'), await server.caFile('root'), await server.caFile('ocsp')]
      const out = execFileSync('openssl', ['ocsp', '-issuer', issuing, '-cert', certFile, '-url', `http://127.0.0.1:${server.port}/ocsp`, '-CAfile', root, '-VAfile', ocsp], { stdio: ['ignore', 'pipe', 'pipe'] }).toString()
      expect(out).toContain(': revoked')
      expect(out).toContain('Reason: keyCompromise')
    })

    test('a certificate holder who is not an operator is told so and can sign out', async ({ page, consoleServer: server }) => {
      const holder = await server.submit(rejectIin)
      await server.approve(holder.number)
      const p12 = await server.pkcs12(holder, 'auth', 'Holder-pass 1')
      await page.goto(`${server.url}/certificates`)
      await page.getByTestId('open-import').click()
      const dialog = page.getByTestId('import-dialog')
      await dialog.getByTestId('import-file').setInputFiles(p12)
      await dialog.getByTestId('import-password').fill('Holder-pass 1')
      await dialog.getByTestId('import-submit').click()
      await dialog.getByTestId('import-close').click()
      await page.goto(`${server.url}/signin?redirect=/operator`)
      await page.getByTestId('signin-password').fill('Holder-pass 1')
      await page.getByTestId('signin-submit').click()
      await expect(page.getByTestId('operator-not-operator')).toHaveText(text(m, 'operator.signin.not_operator'))
      await expect(page.getByTestId('queue-table')).toHaveCount(0)
      await expectAccessible(page, 'not an operator')
      await page.getByTestId('operator-signout').click()
      await expect(page.getByTestId('operator-not-operator')).toHaveCount(0)
      await expect(page.getByTestId('signin-methods')).toBeVisible()
    })

    test('desk layout: at 1366 × 768 the queue uses the width and breaks no word', async ({ browser, consoleServer: server }) => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
      await context.addInitScript((l) => localStorage.setItem('qoltanba.locale', l), locale)
      const page = await context.newPage()
      await server.submit(approveIin)
      await signIn(page, server, m)
      const table = page.getByTestId('queue-table')
      await expect(page.getByTestId('queue-row').first()).toBeVisible()
      expect((await table.boundingBox())!.width).toBeGreaterThan(1100)
      const layout = await table.evaluate((el) => {
        const cells = [...el.querySelectorAll<HTMLElement>('th, td, td *')]
        const breaking = cells.filter((c) => getComputedStyle(c).wordBreak === 'break-all' || getComputedStyle(c).overflowWrap === 'anywhere').map((c) => c.textContent?.trim())
        // One line: the cell's text box is no taller than one line of its font.
        const lineHeight = (c: HTMLElement) => parseFloat(getComputedStyle(c).lineHeight) || parseFloat(getComputedStyle(c).fontSize) * 1.5
        const textHeight = (c: HTMLElement) => {
          const range = document.createRange()
          range.selectNodeContents(c)
          return Math.max(...[...range.getClientRects()].map((r) => r.bottom)) - Math.min(...[...range.getClientRects()].map((r) => r.top))
        }
        const wrappedHeaders = [...el.querySelectorAll<HTMLElement>('thead th')].filter((c) => textHeight(c) > lineHeight(c) * 1.5).map((c) => c.textContent?.trim())
        const wrappedCells = [...el.querySelectorAll<HTMLElement>('tbody td')].filter((c) => textHeight(c) > lineHeight(c) * 1.9).map((c) => c.textContent?.trim())
        return { breaking, wrappedHeaders, wrappedCells }
      })
      expect(layout).toEqual({ breaking: [], wrappedHeaders: [], wrappedCells: [] })
      await context.close()
    })

    test('phone layout: the queue and the lookup fit 360 px', async ({ browser, consoleServer: server }) => {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 } })
      await context.addInitScript((l) => localStorage.setItem('qoltanba.locale', l), locale)
      const page = await context.newPage()
      await server.submit(rejectIin)
      await server.approve((await server.submit(approveIin)).number)
      await signIn(page, server, m)
      await expect(page.getByTestId('queue-row').first()).toBeVisible()
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(await overflow()).toBeLessThanOrEqual(0)
      await page.getByRole('link', { name: text(m, 'operator.nav_certificates'), exact: true }).click()
      await page.getByTestId('certificate-search').fill(approveIin)
      await page.getByTestId('certificate-search').press('Enter')
      await expect(page.getByTestId('lookup-certificate').first()).toBeVisible()
      expect(await overflow()).toBeLessThanOrEqual(0)
      await context.close()
    })
  })
}
