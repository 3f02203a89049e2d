/**
 * `qoltanba client …` and `qoltanba oidc rotate-keys` against an embedded database in a temporary
 * DATA_DIR: what they print, what they store (secrets sealed, audit rows), what they refuse.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { generateKeyPairSync } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../server/config.ts'
import { openDatabase } from '../../../server/db/database.ts'
import { oidcDb } from '../../../server/oidc/schema.ts'
import { runCli } from '../helpers/cli.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'qt-oidc-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
const run = (...argv: string[]) => runCli(argv, { DATA_DIR: dataDir })
const names = ['--name-kk', 'Демо портал', '--name-ru', 'Демо-портал', '--name-en', 'Demo portal']

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase(loadConfig({ DATA_DIR: dataDir }))
  try {
    return await fn(db)
  } finally {
    await db.destroy()
  }
}

describe('qoltanba client / oidc', () => {
  it('adds a client_secret_basic portal: the secret is printed once and stored sealed', async () => {
    const add = await run('client', 'add', '--client-id', 'demo', ...names, '--redirect-uri', 'https://portal.example.kz/cb', '--scope', 'openid profile', '--scope', 'iin', '--auth-method', 'client_secret_basic', '--json')
    expect(add.code, add.err).toBe(0)
    const out = JSON.parse(add.out) as { clientId: string; clientSecret: string; scopes: string[] }
    expect(out.clientId).toBe('demo')
    expect(out.scopes).toEqual(['openid', 'profile', 'iin'])
    expect(out.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await withDb(async (db) => {
      const row = await oidcDb(db).selectFrom('oidc_clients').selectAll().where('client_id', '=', 'demo').executeTakeFirstOrThrow()
      expect(Buffer.from(row.secret_enc!).includes(Buffer.from(out.clientSecret))).toBe(false)
      const audit = await db.selectFrom('audit_log').select('action').where('entity_id', '=', 'demo').execute()
      expect(audit.map((a) => a.action)).toEqual(['oidc-client.add'])
    })
    const shown = await run('client', 'show', 'demo')
    expect(shown.out).toContain('client_secret_basic')
    expect(shown.out).not.toContain(out.clientSecret)
    const rotated = await run('client', 'rotate-secret', 'demo')
    expect(rotated.code).toBe(0)
    expect(rotated.out).not.toContain(out.clientSecret)
  })

  it('adds a private_key_jwt portal keeping only the public key members', async () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' })
    const file = join(dataDir, 'jwks.json')
    writeFileSync(file, JSON.stringify({ keys: [{ ...jwk, kid: 'k1', alg: 'ES256' }] }))
    const add = await run('client', 'add', '--client-id', 'jwt-portal', ...names, '--redirect-uri', 'https://jwt.example.kz/cb', '--auth-method', 'private_key_jwt', '--jwks-file', file)
    expect(add.code, add.err).toBe(0)
    expect(add.out).not.toContain('client secret')
    await withDb(async (db) => {
      const row = await oidcDb(db).selectFrom('oidc_clients').select('jwks').where('client_id', '=', 'jwt-portal').executeTakeFirstOrThrow()
      expect(row.jwks!.keys[0]).not.toHaveProperty('d')
      expect(row.jwks!.keys[0]).toMatchObject({ kid: 'k1', x: jwk.x })
    })
  })

  it.each([
    ['an http redirect URI off localhost', ['--redirect-uri', 'http://portal.example.kz/cb', '--auth-method', 'none'], 'ERR_VALIDATION'],
    ['redirect URIs on two hosts', ['--redirect-uri', 'https://a.example.kz/cb', '--redirect-uri', 'https://b.example.kz/cb', '--auth-method', 'none'], 'ERR_VALIDATION'],
    ['an unknown scope', ['--redirect-uri', 'https://a.example.kz/cb', '--scope', 'openid admin', '--auth-method', 'none'], 'ERR_VALIDATION'],
    ['private_key_jwt without keys', ['--redirect-uri', 'https://a.example.kz/cb', '--auth-method', 'private_key_jwt'], 'ERR_VALIDATION'],
    ['an existing client id', ['--client-id', 'demo', '--redirect-uri', 'https://a.example.kz/cb', '--auth-method', 'none'], 'ERR_INVALID_STATE'],
  ])('refuses %s', async (_what, args, code) => {
    const r = await run('client', 'add', ...names, ...args)
    expect(r.code).toBe(1)
    expect(r.err).toContain(code)
  })

  it('stored nothing for the refusals', async () => {
    const list = JSON.parse((await run('client', 'list', '--json')).out) as { clientId: string }[]
    expect(list.map((c) => c.clientId)).toEqual(['demo', 'jwt-portal'])
  })

  it('refuses a bad auth method with usage (exit 2)', async () => {
    expect((await run('client', 'add', ...names, '--redirect-uri', 'https://a.example.kz/cb', '--auth-method', 'client_secret_post')).code).toBe(2)
  })

  it('disables and enables a portal, with the reason audited', async () => {
    expect((await run('client', 'disable', 'demo')).code).toBe(2)
    expect((await run('client', 'disable', 'demo', '--reason', 'contract ended')).code).toBe(0)
    expect((await run('client', 'show', 'demo')).out).toContain('DISABLED: contract ended')
    expect((await run('client', 'enable', 'demo')).code).toBe(0)
    expect((await run('client', 'list')).out).toMatch(/demo\s+active/)
    expect((await run('client', 'disable', 'nobody', '--reason', 'x')).err).toContain('ERR_NOT_FOUND')
  })

  it('rotate-keys makes a new ES256 + RS256 pair and keeps the old pair published', async () => {
    const first = await run('oidc', 'rotate-keys')
    expect(first.code, first.err).toBe(0)
    const second = await run('oidc', 'rotate-keys')
    expect(second.out).toMatch(/retired/)
    await withDb(async (db) => {
      const keys = await oidcDb(db).selectFrom('oidc_signing_keys').select(['alg', 'retired_at']).execute()
      expect(keys.filter((k) => k.retired_at === null).map((k) => k.alg).sort()).toEqual(['ES256', 'RS256'])
      expect(keys.filter((k) => k.retired_at !== null)).toHaveLength(2)
    })
  })
})
