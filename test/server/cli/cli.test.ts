import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../../server/cli/main.ts'
import { runCli } from '../helpers/cli.ts'
import { createOperatorCredential } from '../../../server/operators/credential.ts'
import { startTestServer } from '../helpers/app.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'qt-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

const run = (...argv: string[]) => runCli(argv, { DATA_DIR: dataDir })

describe('qoltanba CLI', () => {
  it('lists commands found in server/cli/commands', async () => {
    const r = await run('help')
    expect(r.code).toBe(0)
    expect(r.out).toContain('operator sign-in')
    expect(r.out).not.toContain('operator token')
    expect(r.out).toContain('db migrate')
  })

  it('refuses unknown commands and bad options with exit code 2', async () => {
    expect((await run('frobnicate')).code).toBe(2)
    const bad = await run('operator', 'add', '--iin', '123')
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('not a valid IIN')
    expect((await run('operator', 'sign-in', '--bogus')).code).toBe(2)
    // A password on argv is not an option: it would show in `ps`.
    expect((await run('operator', 'sign-in', '--p12', 'x.p12', '--password', 'secret')).code).toBe(2)
    expect((await run('operator', 'sign-in', '--p12', 'x.p12')).err).toContain('exactly one of --password-file and --password-env')
  })

  it('adds, lists and deactivates operators', async () => {
    const add = await run('operator', 'add', '--iin', '700611300018', '--role', 'admin')
    expect(add.code).toBe(0)
    expect(add.out).toContain('БӨКЕЙХАНОВ')
    const list = await run('operator', 'list')
    expect(list.out).toMatch(/700611300018\s+admin\s+active/)
    expect((await run('operator', 'deactivate', '--iin', '700611300018')).code).toBe(0)
    expect((await run('operator', 'list')).out).toMatch(/700611300018\s+admin\s+inactive/)
    expect((await run('operator', 'deactivate', '--iin', '700611300018')).code).toBe(1)
  })

  it('operator sign-in: a certificate sign-in with the operator PKCS#12 prints a session cookie the server accepts', async () => {
    const s = await startTestServer('pglite')
    try {
      const url = await s.app.listen({ port: 0, host: '127.0.0.1' })
      const p12 = join(dataDir, 'op.p12')
      process.env.QT_TEST_P12_PASSWORD = 'Operator-Pass-1'
      await createOperatorCredential(s.t.db, s.ca, s.ctx.registry, { iin: '700611300018', role: 'admin', out: p12, password: 'Operator-Pass-1', actor: 'test' })

      const signed = await run('operator', 'sign-in', '--p12', p12, '--password-env', 'QT_TEST_P12_PASSWORD', '--url', url)
      expect(signed.code, signed.err).toBe(0)
      expect(signed.out).toMatch(/^qoltanba-session=[A-Za-z0-9_-]{43}$/)
      expect(signed.err).toContain('(admin)')
      const me = await fetch(`${url}/api/v1/operator/me`, { headers: { cookie: signed.out } })
      expect(me.status).toBe(200)
      expect(await me.json()).toMatchObject({ iin: '700611300018', role: 'admin' })
      // The login is audited like any other.
      expect(await s.t.db.selectFrom('audit_log').select('actor').where('action', '=', 'auth.login').execute()).toContainEqual({ actor: 'operator:700611300018' })

      process.env.QT_TEST_P12_PASSWORD = 'wrong-password'
      const wrong = await run('operator', 'sign-in', '--p12', p12, '--password-env', 'QT_TEST_P12_PASSWORD', '--url', url)
      expect(wrong.code).toBe(1)
      expect(wrong.out).toBe('')
      expect(wrong.err).toContain('ERR_WRONG_PASSWORD')

      // Deactivated: the certificate still signs in (as a holder), but the operator API says no.
      await s.t.db.updateTable('operators').set({ active: false }).where('iin', '=', '700611300018').execute()
      process.env.QT_TEST_P12_PASSWORD = 'Operator-Pass-1'
      const holder = await run('operator', 'sign-in', '--p12', p12, '--password-env', 'QT_TEST_P12_PASSWORD', '--url', url)
      expect(holder.code).toBe(0)
      expect(holder.err).toContain('(holder)')
      expect((await fetch(`${url}/api/v1/operator/me`, { headers: { cookie: holder.out } })).status).toBe(403)
    } finally {
      delete process.env.QT_TEST_P12_PASSWORD
      await s.close()
    }
  })

  it('reports configuration problems instead of crashing', async () => {
    const out: string[] = []
    const code = await main(['db', 'migrate'], { out: (l) => out.push(l), err: (l) => out.push(l) }, { DATA_DIR: dataDir, DATABASE_URL: 'mysql://x' })
    expect(code).toBe(2)
    expect(out.join('\n')).toContain('DATABASE_URL must start with postgres://')
  })
})
