/**
 * The root CA's CRL: published at /crl/root.crl and named by the issuing CA certificate, so
 * `openssl verify -crl_check_all` can check the whole path; re-signed before it ends with a
 * growing CRL number (database and file). Against PGlite and PostgreSQL.
 */
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadCertificateAuthority } from '../../../server/ca/authority.ts'
import { readRootCrl, ROOT_CRL_REFRESH_BEFORE_MS, ROOT_CRL_VALIDITY_MS } from '../../../server/ca/root-crl.ts'
import { DB_KINDS, issueTestCertificate, openssl, opensslAll, writePem, useCaFixture, type CaFixture } from './helpers.ts'

const DAY = 24 * 3600_000

describe.each(DB_KINDS)('root CRL (%s)', (kind) => {
  let f: CaFixture
  let tmp: string
  useCaFixture(kind, 'qoltanba-root-crl-', (fixture, dir) => {
    f = fixture
    tmp = dir
  })

  const download = async (name: string) => {
    const r = await fetch(`${f.url}/crl/${name}.crl`)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('application/pkix-crl')
    const path = join(tmp, `${name}.crl`)
    writeFileSync(path, Buffer.from(await r.arrayBuffer()))
    return path
  }

  it('is published, signed by the root, empty, and named by the issuing CA certificate', async () => {
    const path = await download('root')
    expect(opensslAll(['crl', '-inform', 'DER', '-in', path, '-CAfile', f.rootPem, '-noout']).out).toContain('verify OK')
    const text = openssl(['crl', '-inform', 'DER', '-in', path, '-noout', '-text'])
    expect(text.out).toMatch(/Issuer: .*ROOT CA/)
    expect(text.out).toContain('No Revoked Certificates.')
    expect(text.out).toMatch(/X509v3 CRL Number: \s*\n\s+1\n/)
    const crl = f.ca.rootCrl()
    expect(crl.nextUpdate.getTime() - crl.thisUpdate.getTime()).toBe(ROOT_CRL_VALIDITY_MS)
    const issuing = openssl(['x509', '-in', f.issuingPem, '-noout', '-text']).out
    expect(issuing).toMatch(/CRL Distribution Points: \s*\n\s+Full Name:\s*\n\s+URI:http:\/\/qoltanba\.test\/crl\/root\.crl/)
  })

  it('lets openssl verify -crl_check_all check every certificate of the path', async () => {
    const leaf = writePem(tmp, 'leaf.pem', (await issueTestCertificate(f)).der)
    const root = await download('root')
    const issuing = await download('issuing')
    const pem = (der: string) => {
      const out = `${der}.pem`
      openssl(['crl', '-inform', 'DER', '-in', der, '-out', out])
      return out
    }
    const all = openssl(['verify', '-crl_check_all', '-CAfile', f.rootPem, '-untrusted', f.issuingPem, '-CRLfile', pem(root), '-CRLfile', pem(issuing), leaf])
    expect(all.code, all.out).toBe(0)
    expect(all.out).toContain(`${leaf}: OK`)
    // Without the root CRL the issuing CA's status is unknown, which is what this CRL is for.
    const without = openssl(['verify', '-crl_check_all', '-CAfile', f.rootPem, '-untrusted', f.issuingPem, '-CRLfile', pem(issuing), leaf])
    expect(without.code).not.toBe(0)
    expect(without.out).toContain('unable to get certificate CRL')
  })

  it('is signed again, with a higher number, when under 30 days remain — and only then', async () => {
    const first = f.ca.rootCrl()
    const early = new Date(first.nextUpdate.getTime() - ROOT_CRL_REFRESH_BEFORE_MS - DAY)
    expect((await f.ca.refreshRootCrl(early)).der).toEqual(first.der)

    const late = new Date(first.nextUpdate.getTime() - 10 * DAY)
    const second = await f.ca.refreshRootCrl(late)
    expect(second.crlNumber).toBe(first.crlNumber + 1)
    expect(second.thisUpdate.getTime()).toBe(Math.floor(late.getTime() / 1000) * 1000)
    expect((await readRootCrl(f.ca.hierarchy.store))?.der).toEqual(second.der)
    const served = await fetch(`${f.url}/crl/root.crl`)
    expect(Buffer.from(await served.arrayBuffer())).toEqual(second.der)
    expect(opensslAll(['crl', '-inform', 'DER', '-in', await download('root'), '-CAfile', f.rootPem, '-noout']).out).toContain('verify OK')

    // A lost file is signed again at the next start, numbered after what the database saw.
    rmSync(join(f.dir, 'ca', 'root.crl'))
    const reloaded = await loadCertificateAuthority(f.config, f.db, { warmCrl: false })
    try {
      expect(reloaded.rootCrl().crlNumber).toBe(second.crlNumber + 1)
      expect((await readRootCrl(f.ca.hierarchy.store))?.crlNumber).toBe(second.crlNumber + 1)
    } finally {
      reloaded.close()
    }
  })
})
