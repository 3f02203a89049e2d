/**
 * `qoltanba ca init` makes the TSA's key and certificate with the rest of the hierarchy (one key
 * ceremony), and a server started on that DATA_DIR signs timestamps with that very key.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './helpers/cli.ts'
import { opensslAll } from './ca/helpers.ts'

describe('qoltanba ca init and the TSA', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-tsa-cli-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('creates tsa.key and tsa.pem, the certificate issued by the issuing CA for time stamping', { timeout: 240_000 }, async () => {
    const made = await runCli(['ca', 'init', '--development', '--algorithm', 'P-256'], { DATA_DIR: dir, PUBLIC_URL: 'http://rc.example.kz', PATH: process.env.PATH })
    expect(made.code, made.err).toBe(0)
    expect(made.out).toContain('TSA:        http://rc.example.kz/tsp')
    const ca = join(dir, 'ca')
    expect(readFileSync(join(ca, 'tsa.key'), 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY')
    const v = opensslAll(['verify', '-CAfile', join(ca, 'root.pem'), '-untrusted', join(ca, 'issuing.pem'), '-purpose', 'timestampsign', join(ca, 'tsa.pem')])
    expect(v.out).toContain(': OK')
  })
})
