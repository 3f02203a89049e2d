/**
 * The TSA key on the PKCS#11 token (SoftHSM2, a fresh token in a temporary directory) when the CA
 * keeps its keys there: generated on the token under a label recorded in manifest.json, no key
 * file written, the same key found again after a restart, and tokens signed on the token that
 * `openssl ts -verify` accepts (RSA-3072, the default, and P-256).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readManifest } from '../../server/ca/hierarchy.ts'
import { TimestampAuthority } from '../../server/tsa/timestamp-authority.ts'
import { openssl, opensslAll } from './ca/helpers.ts'
import { postTsp, setupTsa, type TsaFixture } from './tsa-fixture.ts'

const MODULE = '/usr/lib/softhsm/libsofthsm2.so'

describe.each(['RSA-3072', 'P-256'] as const)('TSA key in a PKCS#11 token (SoftHSM2, %s)', (keyAlgorithm) => {
  let tokenDir: string
  let f: TsaFixture
  const label = `tsa-${keyAlgorithm.toLowerCase()}`
  beforeAll(async () => {
    tokenDir = mkdtempSync(join(tmpdir(), 'qoltanba-tsa-softhsm-'))
    const tokens = join(tokenDir, 'tokens')
    execFileSync('mkdir', ['-p', tokens])
    const conf = join(tokenDir, 'softhsm2.conf')
    writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\nslots.mechanisms = ALL\nlibrary.reset_on_fork = false\n`)
    process.env.SOFTHSM2_CONF = conf
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', '12345678', '--pin', '1234'], { stdio: 'pipe' })
    f = await setupTsa('pglite', { ca: { pkcs11: { module: MODULE, pin: '1234', tokenLabel: label, slot: undefined }, caKeyAlgorithm: keyAlgorithm } })
  }, 180_000)
  afterAll(async () => {
    await f?.close()
    rmSync(tokenDir, { recursive: true, force: true })
  })

  it('makes the key on the token, records its label, and signs tokens openssl accepts', async () => {
    const tsq = join(f.dir, 'q.tsq')
    writeFileSync(join(f.dir, 'document'), 'document')
    expect(openssl(['ts', '-query', '-data', join(f.dir, 'document'), '-sha256', '-cert', '-out', tsq]).code).toBe(0)
    const res = await postTsp(f.url, readFileSync(tsq))
    expect(res.status).toBe(200)
    const tsr = join(f.dir, 'r.tsr')
    writeFileSync(tsr, res.der)
    const v = opensslAll(['ts', '-verify', '-queryfile', tsq, '-in', tsr, '-CAfile', f.rootPem, '-untrusted', f.issuingPem])
    expect(v.out).toContain('Verification: OK')
    expect(opensslAll(['x509', '-in', f.tsaPem, '-noout', '-text']).out).toContain(keyAlgorithm === 'P-256' ? 'id-ecPublicKey' : 'Public-Key: (3072 bit)')

    expect(readdirSync(join(f.dir, 'ca')).filter((n) => n.endsWith('.key'))).toEqual([])
    const tsaLabel = (await readManifest(f.ca.hierarchy.store)).labels?.tsa
    expect(tsaLabel).toMatch(/^qoltanba-tsa-[0-9a-f]{8}$/)
    const objects = execFileSync('pkcs11-tool', ['--module', MODULE, '--token-label', label, '--login', '--pin', '1234', '--list-objects'], { encoding: 'utf8' })
    expect(objects.match(/Private Key Object/g)?.length).toBe(4)
    expect(objects).toContain(`label:      ${tsaLabel}`)
  })

  it('finds the same key on the token again (a restart)', async () => {
    const again = await TimestampAuthority.open(f.config, f.db, f.ca, f.settings)
    try {
      expect(existsSync(f.tsaPem)).toBe(true)
      expect(again.certificate.der.equals(Buffer.from(readFileSync(f.tsaPem, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64'))).toBe(true)
      const answer = await again.respond(Buffer.from(readFileSync(join(f.dir, 'q.tsq'))))
      const tsr = join(f.dir, 'again.tsr')
      writeFileSync(tsr, answer.der)
      expect(opensslAll(['ts', '-verify', '-queryfile', join(f.dir, 'q.tsq'), '-in', tsr, '-CAfile', f.rootPem, '-untrusted', f.issuingPem]).out).toContain('Verification: OK')
    } finally {
      again.close()
    }
  })
})
