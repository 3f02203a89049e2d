/**
 * `qoltanba ca init` and `qoltanba operator create`: the hierarchy is made once (never
 * overwritten), and the operator's PKCS#12 opens in OpenSSL with a certificate that chains to
 * the root and carries clientAuth + the NCA operator role.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { openDatabase } from '../../../server/db/index.ts'
import { openssl, opensslAll } from './helpers.ts'

describe('CA command line', () => {
  let dir: string
  let env: NodeJS.ProcessEnv
  const run = (...argv: string[]) => runCli(argv, env)
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-cli-'))
    env = { DATA_DIR: dir, PUBLIC_URL: 'http://rc.example.kz', PATH: process.env.PATH }
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('refuses a production init without a passphrase, then creates a development hierarchy once', { timeout: 240_000 }, async () => {
    const refused = await run('ca', 'init')
    expect(refused.code).toBe(2)
    expect(refused.err).toContain('CA_KEY_PASSPHRASE')
    const made = await run('ca', 'init', '--development', '--algorithm', 'P-256')
    expect(made.code, made.err).toBe(0)
    expect(made.out).toContain('http://rc.example.kz/crl/issuing.crl')
    expect(made.out).toContain('DEVELOPMENT')
    expect(statSync(join(dir, 'ca', 'passphrase')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'ca', 'issuing.key')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, 'ca', 'issuing.key'), 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY')
    // OpenSSL reads our encrypted PKCS#8 with the passphrase.
    const pass = readFileSync(join(dir, 'ca', 'passphrase'), 'utf8').trim()
    expect(openssl(['pkey', '-in', join(dir, 'ca', 'issuing.key'), '-passin', `pass:${pass}`, '-noout']).code).toBe(0)
    expect(openssl(['pkey', '-in', join(dir, 'ca', 'issuing.key'), '-passin', 'pass:wrong-passphrase', '-noout']).code).not.toBe(0)
    const again = await run('ca', 'init', '--development')
    expect(again.code).toBe(1)
    expect(again.err).toContain('already exists')
  })

  it('creates an operator with a PKCS#12 that OpenSSL opens and verifies', { timeout: 240_000 }, async () => {
    const out = join(dir, 'op.p12')
    const r = await run('operator', 'create', '--iin', '900101300017', '--out', out, '--surname', 'Операторова', '--name', 'Айгерім')
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain(`${out}.password`)
    expect(statSync(out).mode & 0o777).toBe(0o600)
    const password = readFileSync(`${out}.password`, 'utf8').trim()
    const certs = openssl(['pkcs12', '-in', out, '-passin', `pass:${password}`, '-nokeys', '-clcerts'])
    expect(certs.code, certs.out).toBe(0)
    const leaf = join(dir, 'op.pem')
    writeFileSync(leaf, certs.out)
    const chain = openssl(['pkcs12', '-in', out, '-passin', `pass:${password}`, '-nokeys', '-cacerts'])
    const chainPath = join(dir, 'op-chain.pem')
    writeFileSync(chainPath, chain.out)
    const v = opensslAll(['verify', '-CAfile', join(dir, 'ca', 'root.pem'), '-untrusted', chainPath, leaf])
    expect(v.out).toContain(': OK')
    const text = openssl(['x509', '-in', leaf, '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space']).out
    expect(text).toContain('Subject: CN=ОПЕРАТОРОВА АЙГЕРІМ, SN=ОПЕРАТОРОВА, serialNumber=IIN900101300017, C=KZ')
    expect(text).toMatch(/Extended Key Usage: \s*\n\s+TLS Web Client Authentication, 1\.2\.398\.3\.3\.4\.2\.3/)
    expect(openssl(['pkcs12', '-in', out, '-passin', `pass:${password}`, '-nocerts', '-nodes']).out).toContain('PRIVATE KEY')

    const db = await openDatabase({ dataDir: dir, databaseUrl: undefined })
    try {
      const op = await db.selectFrom('operators').selectAll().where('iin', '=', '900101300017').executeTakeFirstOrThrow()
      expect(op.active).toBe(true)
      const cert = await db.selectFrom('certificates').select(['profile', 'purpose', 'iin']).where('iin', '=', '900101300017').executeTakeFirstOrThrow()
      expect(cert).toEqual({ profile: 'operator', purpose: 'auth', iin: '900101300017' })
    } finally {
      await db.destroy()
    }
  })
})

