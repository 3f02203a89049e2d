import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { main } from '../../../server/cli/main.ts'
import { verifyOperatorToken } from '../../../server/operators/token.ts'
import { deriveKey, loadServerSecret } from '../../../server/security/secret.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'qt-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

async function run(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, { DATA_DIR: dataDir })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('qoltanba CLI', () => {
  it('lists commands found in server/cli/commands', async () => {
    const r = await run('help')
    expect(r.code).toBe(0)
    expect(r.out).toContain('operator token')
    expect(r.out).toContain('db migrate')
  })

  it('refuses unknown commands and bad options with exit code 2', async () => {
    expect((await run('frobnicate')).code).toBe(2)
    const bad = await run('operator', 'token', '--iin', '123')
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('not a valid IIN')
    expect((await run('operator', 'token', '--bogus')).code).toBe(2)
  })

  it('adds an operator and makes a token the server accepts', async () => {
    const none = await run('operator', 'token', '--iin', '700611300018')
    expect(none.code).toBe(1)
    const add = await run('operator', 'add', '--iin', '700611300018', '--role', 'admin')
    expect(add.code).toBe(0)
    expect(add.out).toContain('БӨКЕЙХАНОВ')
    const tok = await run('operator', 'token', '--iin', '700611300018', '--ttl', '120')
    expect(tok.code).toBe(0)
    const key = deriveKey(loadServerSecret(join(dataDir, 'server.secret')), 'operator-token')
    const payload = verifyOperatorToken(key, tok.out.trim())
    expect(payload?.sub).toBe('700611300018')
    expect(payload!.exp - payload!.iat).toBe(120)
    // Past its lifetime, the token is dead.
    expect(verifyOperatorToken(key, tok.out.trim(), Date.now() + 121_000)).toBeUndefined()
    const list = await run('operator', 'list')
    expect(list.out).toMatch(/700611300018\s+admin\s+active/)
    expect((await run('operator', 'deactivate', '--iin', '700611300018')).code).toBe(0)
    expect((await run('operator', 'token', '--iin', '700611300018')).code).toBe(1)
  })

  it('reports configuration problems instead of crashing', async () => {
    const out: string[] = []
    const code = await main(['db', 'migrate'], { out: (l) => out.push(l), err: (l) => out.push(l) }, { DATA_DIR: dataDir, DATABASE_URL: 'mysql://x' })
    expect(code).toBe(2)
    expect(out.join('\n')).toContain('DATABASE_URL must start with postgres://')
  })
})
