/**
 * CA keys generated and used inside a PKCS#11 token (SoftHSM2, a fresh token in a temporary
 * directory): the hierarchy, issued certificates, CRL and OCSP responses all verify with OpenSSL,
 * and no key material is written to DATA_DIR.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueTestCertificate, openssl, opensslAll, opensslAsync, setupCa, TEST_OPERATOR_HEADER, writePem, type CaFixture } from './helpers.ts'

const MODULE = '/usr/lib/softhsm/libsofthsm2.so'

describe.each(['RSA-3072', 'P-256'] as const)('CA keys in a PKCS#11 token (SoftHSM2, %s)', (keyAlgorithm) => {
  let tokenDir: string
  let tmp: string
  let f: CaFixture
  beforeAll(async () => {
    tokenDir = mkdtempSync(join(tmpdir(), 'qoltanba-softhsm-'))
    tmp = mkdtempSync(join(tmpdir(), 'qoltanba-p11-'))
    mkdirTokens(tokenDir)
    const label = `ca-${keyAlgorithm.toLowerCase()}`
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', '12345678', '--pin', '1234'], { stdio: 'pipe' })
    f = await setupCa('pglite', { pkcs11: { module: MODULE, pin: '1234', tokenLabel: label, slot: undefined }, caKeyAlgorithm: keyAlgorithm })
  })
  afterAll(async () => {
    await f?.close()
    rmSync(tokenDir, { recursive: true, force: true })
    rmSync(tmp, { recursive: true, force: true })
  })

  it('keeps the keys in the token: no key files, the manifest names token labels', () => {
    const files = readdirSync(join(f.dir, 'ca'))
    expect(files.filter((n) => n.endsWith('.key'))).toEqual([])
    expect(files).not.toContain('passphrase')
    expect(f.ca.hierarchy.manifest.keyStore).toBe('pkcs11')
    const objects = execFileSync('pkcs11-tool', ['--module', MODULE, '--token-label', `ca-${keyAlgorithm.toLowerCase()}`, '--login', '--pin', '1234', '--list-objects'], { encoding: 'utf8' })
    expect(objects.match(/Private Key Object/g)?.length).toBe(3)
    expect(objects).toContain('never extractable')
  })

  it('issues, revokes, publishes a CRL and answers OCSP with token-held keys, all verified by openssl', async () => {
    const text = openssl(['x509', '-in', f.issuingPem, '-noout', '-text']).out
    expect(text).toContain(keyAlgorithm === 'P-256' ? 'ecdsa-with-SHA256' : 'sha256WithRSAEncryption')
    const good = await issueTestCertificate(f)
    const bad = await issueTestCertificate(f)
    const goodPem = writePem(tmp, 'good.pem', good.der)
    const badPem = writePem(tmp, 'bad.pem', bad.der)
    const v = openssl(['verify', '-CAfile', f.rootPem, '-untrusted', f.issuingPem, goodPem, f.ocspPem])
    expect(v.code, v.out).toBe(0)

    const r = await f.app.inject({ method: 'POST', url: `/api/v1/operator/certificates/${bad.serialHex}/revoke`, headers: { [TEST_OPERATOR_HEADER]: '1' }, payload: { reason: 1 } })
    expect(r.statusCode, r.body).toBe(200)
    await f.ca.crl.flush()
    const crlPath = join(tmp, 'crl.der')
    writeFileSync(crlPath, (await f.app.inject({ url: '/crl/issuing.crl' })).rawPayload)
    expect(opensslAll(['crl', '-inform', 'DER', '-in', crlPath, '-CAfile', f.issuingPem, '-noout']).out).toMatch(/verify OK/)
    // The root CRL, signed at start with the root key in the token (opened for that signature only).
    const rootCrlPath = join(tmp, 'root-crl.der')
    writeFileSync(rootCrlPath, (await f.app.inject({ url: '/crl/root.crl' })).rawPayload)
    expect(opensslAll(['crl', '-inform', 'DER', '-in', rootCrlPath, '-CAfile', f.rootPem, '-noout']).out).toMatch(/verify OK/)
    const crlPem = writePem(tmp, 'crl.pem', (await f.app.inject({ url: '/crl/issuing.crl' })).rawPayload, 'X509 CRL')
    const chain = join(tmp, 'chain.pem')
    writeFileSync(chain, openssl(['x509', '-in', f.rootPem]).out + openssl(['x509', '-in', f.issuingPem]).out)
    expect(openssl(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', crlPem, badPem]).out).toContain('certificate revoked')
    expect(openssl(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', crlPem, goodPem]).code).toBe(0)

    for (const [pem, expected] of [[goodPem, 'good'], [badPem, 'revoked']] as const) {
      const o = await opensslAsync(['ocsp', '-issuer', f.issuingPem, '-cert', pem, '-url', `${f.url}/ocsp`, '-CAfile', f.rootPem, '-VAfile', f.ocspPem])
      expect(o.out).toContain('Response verify OK')
      expect(o.out).toContain(`${pem}: ${expected}`)
    }
  })
})

function mkdirTokens(dir: string): void {
  const tokens = join(dir, 'tokens')
  execFileSync('mkdir', ['-p', tokens])
  const conf = join(dir, 'softhsm2.conf')
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\nslots.mechanisms = ALL\nlibrary.reset_on_fork = false\n`)
  process.env.SOFTHSM2_CONF = conf
  if (!existsSync(conf)) throw new Error('softhsm2.conf not written')
}
