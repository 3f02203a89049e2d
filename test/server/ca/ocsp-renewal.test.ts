/**
 * The delegated OCSP responder certificate is renewed before it ends (OCSP_RENEW_BEFORE_MS):
 * same key, new serial and validity, signed by the issuing CA, on disk and in ca_authorities
 * with an audit row, and OCSP answers from then on carry (and verify with) the new certificate.
 * Checked by OpenSSL; against PGlite and PostgreSQL.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadCertificateAuthority } from '../../../server/ca/authority.ts'
import { OCSP_CERT_YEARS, OCSP_RENEW_BEFORE_MS, ocspRenewalDue } from '../../../server/ca/delegates.ts'
import { loadHierarchy, type CaHierarchy } from '../../../server/ca/hierarchy.ts'
import { certificateParts } from '../../../server/ca/x509-build.ts'
import { DB_KINDS, issueTestCertificate, openssl, opensslAsync, writePem, useCaFixture, type CaFixture } from './helpers.ts'

const DAY = 24 * 3600_000

describe.each(DB_KINDS)('OCSP responder certificate renewal (%s)', (kind) => {
  let f: CaFixture
  let tmp: string
  useCaFixture(kind, 'qoltanba-ocsp-renew-', (fixture, dir) => {
    f = fixture
    tmp = dir
  })

  const ocspRow = async () =>
    (await f.db.selectFrom('ca_authorities').select('certificate').where('name', '=', 'ocsp').executeTakeFirstOrThrow()).certificate
  const renewals = () => f.db.selectFrom('audit_log').selectAll().where('action', '=', 'ca.ocsp_renew').orderBy('id').execute()

  it('does nothing while the certificate has more than the renewal window left', async () => {
    const before = f.ca.hierarchy.ocsp
    const early = new Date(before.notAfter.getTime() - OCSP_RENEW_BEFORE_MS - DAY)
    expect(await f.ca.renewOcspIfDue(early)).toBe(false)
    expect(f.ca.hierarchy.ocsp.der).toEqual(before.der)
    expect(Buffer.from(await ocspRow())).toEqual(before.der)
    expect(await renewals()).toHaveLength(0)
  })

  it('renews inside the window: same key, new serial, OpenSSL verifies it and OCSP answers with it', async () => {
    const good = await issueTestCertificate(f)
    const goodPem = writePem(tmp, 'good.pem', good.der)
    const before = f.ca.hierarchy.ocsp
    const oldPem = writePem(tmp, 'old-ocsp.pem', before.der)
    // Warm the OCSP cache with a pre-signed answer that embeds the old responder certificate.
    const ask = (va: string) =>
      opensslAsync(['ocsp', '-issuer', f.issuingPem, '-cert', goodPem, '-url', `${f.url}/ocsp`, '-CAfile', f.rootPem, '-VAfile', va, '-no_nonce', '-resp_text'])
    const first = await ask(oldPem)
    expect(first.out).toContain('Response verify OK')

    const now = new Date(before.notAfter.getTime() - 30 * DAY)
    expect(await f.ca.renewOcspIfDue(now)).toBe(true)
    const after = f.ca.hierarchy.ocsp
    expect(after.spki).toEqual(before.spki)
    expect(after.subject).toEqual(before.subject)
    expect(after.serial.equals(before.serial)).toBe(false)
    expect(after.notBefore.getTime()).toBe(Math.floor(now.getTime() / 1000) * 1000)
    const expectedEnd = new Date(after.notBefore)
    expectedEnd.setUTCFullYear(expectedEnd.getUTCFullYear() + OCSP_CERT_YEARS)
    expect(after.notAfter.getTime()).toBe(Math.min(expectedEnd.getTime(), f.ca.hierarchy.issuing.notAfter.getTime()))

    // On disk: ocsp.pem is the new certificate, the old one kept by serial; OpenSSL accepts the
    // new one as an OCSP signer under the issuing CA (checked at its notBefore).
    expect(certificateParts(pemDer(readFileSync(f.ocspPem, 'utf8'))).serial).toEqual(after.serial)
    expect(existsSync(join(f.dir, 'ca', `ocsp-${before.serial.toString('hex')}.pem`))).toBe(true)
    const at = String(Math.floor(now.getTime() / 1000) + 60)
    const v = openssl(['verify', '-attime', at, '-purpose', 'ocsphelper', '-CAfile', f.rootPem, '-untrusted', f.issuingPem, f.ocspPem])
    expect(v.code, v.out).toBe(0)
    const text = openssl(['x509', '-in', f.ocspPem, '-noout', '-text']).out
    expect(text).toMatch(/Extended Key Usage: critical\s+OCSP Signing/)
    expect(text).toContain('OCSP No Check')

    // Recorded with its audit row.
    expect(Buffer.from(await ocspRow())).toEqual(after.der)
    const audit = await renewals()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor: 'system', entity_id: 'ocsp' })
    expect(JSON.stringify(audit[0]!.before)).toContain(before.serial.toString('hex'))
    expect(JSON.stringify(audit[0]!.after)).toContain(after.serial.toString('hex'))

    // The cached answer is gone: the next one embeds and verifies with the new certificate only.
    const second = await ask(f.ocspPem)
    expect(second.out).toContain('Response verify OK')
    expect(second.out).toContain(`${goodPem}: good`)
    // -resp_text prints the CertID's serial first; the embedded responder certificate follows.
    const embedded = second.out.match(/Certificate:\s*\n\s*Data:[\s\S]*?Serial Number:\s*\n?\s*([0-9a-f:]+)/i)?.[1]?.replace(/:/g, '').toLowerCase()
    expect(embedded).toBe(after.serial.toString('hex'))
    // And the certificate served for download is the new one.
    const served = await f.app.inject({ url: '/ca/ocsp.crt' })
    expect(Buffer.from(served.rawPayload)).toEqual(after.der)
  })

  it('a start after the responder certificate expired renews it before serving', async () => {
    const current = f.ca.hierarchy.ocsp
    const later = new Date(current.notAfter.getTime() + DAY)
    const reloaded = await loadCertificateAuthority(f.config, f.db, { warmCrl: false, now: later })
    try {
      expect(reloaded.hierarchy.ocsp.spki).toEqual(current.spki)
      expect(reloaded.hierarchy.ocsp.notAfter.getTime()).toBeGreaterThan(later.getTime())
      expect((await loadHierarchy(f.config, f.ca.hierarchy.store)).ocsp.der).toEqual(reloaded.hierarchy.ocsp.der)
      expect(Buffer.from(await ocspRow())).toEqual(reloaded.hierarchy.ocsp.der)
      expect(await renewals()).toHaveLength(2)
    } finally {
      reloaded.close()
    }
  })
})

describe('ocspRenewalDue', () => {
  const at = (iso: string) => new Date(iso)
  const h = (ocspEnd: string, issuingEnd: string) =>
    ({ ocsp: { notAfter: at(ocspEnd) }, issuing: { notAfter: at(issuingEnd) } }) as unknown as Pick<CaHierarchy, 'ocsp' | 'issuing'>
  it('is due inside the window, and not when a new certificate could last no longer (capped at the issuing CA)', () => {
    expect(ocspRenewalDue(h('2030-03-01T00:00:00Z', '2035-01-01T00:00:00Z'), at('2030-01-15T00:00:00Z'))).toBe(true)
    expect(ocspRenewalDue(h('2030-03-01T00:00:00Z', '2035-01-01T00:00:00Z'), at('2029-12-15T00:00:00Z'))).toBe(false)
    expect(ocspRenewalDue(h('2030-03-01T00:00:00Z', '2035-01-01T00:00:00Z'), at('2030-04-01T00:00:00Z'))).toBe(true)
    // Already as long as the issuing CA: renewing would give the same end, every 12 hours.
    expect(ocspRenewalDue(h('2035-01-01T00:00:00Z', '2035-01-01T00:00:00Z'), at('2034-12-01T00:00:00Z'))).toBe(false)
  })
})

function pemDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64')
}
