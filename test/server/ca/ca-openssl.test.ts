/**
 * The CA checked by OpenSSL as an independent implementation: chains, extensions field by field,
 * CRLs (with reasons, hold instruction, growing numbers) and the OCSP responder over HTTP —
 * against PGlite and PostgreSQL.
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeCertificate } from '../../../src/pki/certificate-info.ts'
import { CrlPublisher } from '../../../server/ca/crl.ts'
import { DB_KINDS, issueTestCertificate, openssl, opensslAll, opensslAsync, TEST_OPERATOR_HEADER, writePem, useCaFixture, type CaFixture } from './helpers.ts'

describe.each(DB_KINDS)('CA with OpenSSL as checker (%s)', (kind) => {
  let f: CaFixture
  let tmp: string
  useCaFixture(kind, 'qoltanba-ca-ossl-', (fixture, dir) => {
    f = fixture
    tmp = dir
  })

  const operator = (path: string, body?: unknown) =>
    f.app.inject({ method: 'POST', url: path, headers: { [TEST_OPERATOR_HEADER]: '900101300017' }, ...(body ? { payload: body as object } : {}) })

  it('issues certificates that openssl verifies up to the root, with NCA-style extensions', async () => {
    const sign = await issueTestCertificate(f, { purpose: 'sign', keyType: 'ec' })
    const auth = await issueTestCertificate(f, { purpose: 'auth', keyType: 'rsa', storage: 'token' })
    const signPem = writePem(tmp, 'sign.pem', sign.der)
    const authPem = writePem(tmp, 'auth.pem', auth.der)
    const v = openssl(['verify', '-CAfile', f.rootPem, '-untrusted', f.issuingPem, signPem, authPem, f.ocspPem])
    expect(v.code, v.out).toBe(0)
    expect(v.out).toContain(`${signPem}: OK`)
    expect(v.out).toContain(`${authPem}: OK`)

    // Serial: ≥ 16 bytes, positive, what the table holds.
    expect(sign.serialHex).toMatch(/^[4-7][0-9a-f]{31}$/)
    const text = openssl(['x509', '-in', signPem, '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus_space']).out
    expect(text).toContain('Subject: CN=ТЕСТОВ ТЕСТ, SN=ТЕСТОВ, serialNumber=IIN900101300017, C=KZ, GN=ТЕСТОВИЧ')
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/)
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Non Repudiation\n/)
    expect(text).toMatch(/X509v3 Extended Key Usage: \s*\n\s+E-mail Protection, 1\.2\.398\.3\.3\.4\.1\.1\n/)
    expect(text).toMatch(/Certificate Policies: \s*\n\s+Policy: 1\.2\.398\.3\.3\.2\.3\n/)
    expect(text).toContain('OCSP - URI:http://qoltanba.test/ocsp')
    expect(text).toContain('CA Issuers - URI:http://qoltanba.test/ca/issuing.crt')
    expect(text).toMatch(/CRL Distribution Points: \s*\n\s+Full Name:\s*\n\s+URI:http:\/\/qoltanba\.test\/crl\/issuing\.crl/)
    expect(text).toMatch(/Subject Alternative Name: \s*\n\s+email:test@example\.kz/)
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption')

    const authText = openssl(['x509', '-in', authPem, '-noout', '-text']).out
    expect(authText).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment\n/)
    expect(authText).toMatch(/Extended Key Usage: \s*\n\s+TLS Web Client Authentication, 1\.2\.398\.3\.3\.4\.1\.1\n/)
    expect(authText).toMatch(/Policy: 1\.2\.398\.3\.3\.2\.4/)

    // Field by field through pki's own reader, against the issuing CA.
    const info = await describeCertificate(sign.der)
    const issuing = await describeCertificate(f.ca.hierarchy.issuing.der)
    expect(info.serialNumber.toLowerCase()).toBe(sign.serialHex)
    expect(info.subject.iin).toBe('900101300017')
    expect(info.subjectKeyIdentifier).toBeTruthy()
    expect(info.authorityKeyIdentifier).toBe(issuing.subjectKeyIdentifier)
    // 1 year for file keys, 3 years for token keys (365-day years, as NCA).
    expect(sign.notAfter.getTime() - sign.notBefore.getTime()).toBe(365 * 86_400_000)
    expect(auth.notAfter.getTime() - auth.notBefore.getTime()).toBe(3 * 365 * 86_400_000)
    expect(sign.notBefore.getMilliseconds()).toBe(0)
  })

  it('builds the hierarchy: root and issuing CA constraints, delegated OCSP signer with ocsp-nocheck', () => {
    const root = openssl(['x509', '-in', f.rootPem, '-noout', '-text']).out
    expect(root).toMatch(/Basic Constraints: critical\s+CA:TRUE\n/)
    expect(root).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/)
    const issuing = openssl(['x509', '-in', f.issuingPem, '-noout', '-text']).out
    expect(issuing).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/)
    expect(issuing).toContain('Public-Key: (3072 bit)')
    const ocsp = openssl(['x509', '-in', f.ocspPem, '-noout', '-text']).out
    expect(ocsp).toMatch(/Extended Key Usage: critical\s+OCSP Signing/)
    expect(ocsp).toContain('OCSP No Check')
    expect(ocsp).toMatch(/Basic Constraints: critical\s+CA:FALSE/)
  })

  it('serves the CA certificates and a CRL that openssl verifies; revoked and held certificates are reported', async () => {
    const good = await issueTestCertificate(f)
    const bad = await issueTestCertificate(f)
    const held = await issueTestCertificate(f)
    const root = await f.app.inject({ url: '/ca/root.crt' })
    expect(root.statusCode).toBe(200)
    expect(root.headers['content-type']).toBe('application/pkix-cert')
    expect(Buffer.from(root.rawPayload).equals(f.ca.hierarchy.root.der)).toBe(true)
    expect((await f.app.inject({ url: '/ca/issuing.crt' })).rawPayload.equals(f.ca.hierarchy.issuing.der)).toBe(true)
    expect((await f.app.inject({ url: '/ca/nope.crt' })).statusCode).toBe(404)
    // The PEM form is pki's toPem of the same DER, readable by OpenSSL.
    const rootPem = await f.app.inject({ url: '/ca/root.pem' })
    expect(rootPem.headers['content-type']).toBe('application/x-pem-file')
    const fingerprint = openssl(['x509', '-noout', '-fingerprint', '-sha256'], Buffer.from(rootPem.payload)).out
    expect(fingerprint.replace(/[^0-9A-F]/gi, '').slice(-64).toLowerCase()).toBe(createHash('sha256').update(f.ca.hierarchy.root.der).digest('hex'))

    const first = await f.app.inject({ url: '/crl/issuing.crl' })
    expect(first.statusCode).toBe(200)
    expect(first.headers['content-type']).toBe('application/pkix-crl')
    const firstNumber = (await f.ca.crl.current()).crlNumber

    expect((await operator(`/api/v1/operator/certificates/${bad.serialHex}/revoke`, { reason: 'keyCompromise' })).json()).toMatchObject({ status: 'revoked', reason: 1 })
    expect((await operator(`/api/v1/operator/certificates/${held.serialHex}/hold`)).json()).toMatchObject({ status: 'hold', reason: 6 })
    const crl = await f.ca.crl.flush()
    expect(crl.crlNumber).toBeGreaterThan(firstNumber)
    const res = await f.app.inject({ url: '/crl/issuing.crl' })
    const crlPath = join(tmp, 'issuing.crl')
    writeFileSync(crlPath, res.rawPayload)

    const crlCheck = opensslAll(['crl', '-inform', 'DER', '-in', crlPath, '-CAfile', f.issuingPem, '-noout'])
    expect(crlCheck.out).toMatch(/verify OK/)
    expect(crlCheck.out).not.toMatch(/failure/)
    const crlText = openssl(['crl', '-inform', 'DER', '-in', crlPath, '-noout', '-text']).out
    expect(crlText).toContain(`X509v3 CRL Number: \n                ${crl.crlNumber}`)
    expect(crlText).toMatch(new RegExp(`Serial Number: ${bad.serialHex.toUpperCase()}[\\s\\S]*?Reason Code:\\s+Key Compromise`))
    expect(crlText).toMatch(new RegExp(`Serial Number: ${held.serialHex.toUpperCase()}[\\s\\S]*?Certificate Hold[\\s\\S]*?Hold Instruction Code:\\s+Hold Instruction Reject`))
    expect(crlText).not.toContain(good.serialHex.toUpperCase())

    const crlPem = writePem(tmp, 'issuing.crl.pem', res.rawPayload, 'X509 CRL')
    const chain = join(tmp, 'chain.pem')
    writeFileSync(chain, openssl(['x509', '-in', f.rootPem]).out + openssl(['x509', '-in', f.issuingPem]).out)
    const [goodPem, badPem, heldPem] = [good, bad, held].map((c, i) => writePem(tmp, `c${i}.pem`, c.der))
    const ok = openssl(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', crlPem, goodPem as string])
    expect(ok.code, ok.out).toBe(0)
    const revoked = openssl(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', crlPem, badPem as string])
    expect(revoked.code).not.toBe(0)
    expect(revoked.out).toContain('certificate revoked')
    expect(openssl(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', crlPem, heldPem as string]).out).toContain('certificate revoked')

    // Release lifts the hold: the next CRL no longer lists it, and its number is higher again.
    expect((await operator(`/api/v1/operator/certificates/${held.serialHex}/release`)).json()).toMatchObject({ status: 'good', reason: null })
    const after = await f.ca.crl.flush()
    expect(after.crlNumber).toBeGreaterThan(crl.crlNumber)
    const afterPem = writePem(tmp, 'after.crl.pem', (await f.app.inject({ url: '/crl/issuing.crl' })).rawPayload, 'X509 CRL')
    const released = openssl(['verify', '-crl_check', '-CAfile', chain, '-CRLfile', afterPem, heldPem as string])
    expect(released.code, released.out).toBe(0)

    // The incremental CRL (built from status changes) equals a full re-read of the database.
    const fresh = new CrlPublisher(f.db, f.ca.hierarchy.issuing)
    const full = await fresh.regenerate()
    fresh.close()
    const revokedList = (der: Buffer) => {
      const p = join(tmp, 'cmp.crl')
      writeFileSync(p, der)
      const t = openssl(['crl', '-inform', 'DER', '-in', p, '-noout', '-text']).out
      const section = t.slice(t.indexOf('Revoked Certificates'), t.lastIndexOf('Signature Algorithm'))
      return section.split(/(?=Serial Number:)/).slice(1).map((e) => e.trim()).sort()
    }
    expect(full.entries).toBe(after.entries)
    expect(revokedList(full.der)).toEqual(revokedList(after.der))

    // Audit rows were written with each change.
    const audit = await f.db.selectFrom('audit_log').select(['action', 'actor']).where('entity_id', '=', held.serialHex).orderBy('id').execute()
    expect(audit.map((a) => a.action)).toEqual(['certificate.issue', 'certificate.hold', 'certificate.release'])
    expect(audit[1]?.actor).toBe('operator:900101300017')
  })

  it('refuses bad status changes with specific codes', async () => {
    const c = await issueTestCertificate(f)
    expect((await operator(`/api/v1/operator/certificates/${c.serialHex}/release`)).json().error.code).toBe('ERR_INVALID_STATE')
    expect((await operator(`/api/v1/operator/certificates/${c.serialHex}/revoke`, { reason: 'certificateHold' })).json().error.code).toBe('ERR_INVALID_REASON')
    expect((await operator(`/api/v1/operator/certificates/${c.serialHex}/revoke`, { reason: 'nonsense' })).statusCode).toBe(400)
    expect((await operator('/api/v1/operator/certificates/zz/revoke', { reason: 1 })).statusCode).toBe(400)
    expect((await operator('/api/v1/operator/certificates/0abc/revoke', { reason: 1 })).statusCode).toBe(404)
    expect((await f.app.inject({ method: 'POST', url: `/api/v1/operator/certificates/${c.serialHex}/hold` })).statusCode).toBe(401)
    await operator(`/api/v1/operator/certificates/${c.serialHex}/revoke`, { reason: 4 })
    const again = await operator(`/api/v1/operator/certificates/${c.serialHex}/revoke`, { reason: 4 })
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('ERR_ALREADY_REVOKED')
  })

  it('answers OCSP for openssl: good, revoked with reason, unknown; with and without nonce; POST and GET', async () => {
    const good = await issueTestCertificate(f)
    const bad = await issueTestCertificate(f)
    const goodPem = writePem(tmp, 'og.pem', good.der)
    const badPem = writePem(tmp, 'ob.pem', bad.der)
    const ocspUrl = `${f.url}/ocsp`
    const ask = (cert: string[], nonce: boolean, get = false) =>
      opensslAsync([
        'ocsp', '-issuer', f.issuingPem, ...cert, '-url', ocspUrl, '-CAfile', f.rootPem, '-VAfile', f.ocspPem, '-resp_text',
        ...(nonce ? [] : ['-no_nonce']), ...(get ? ['-header', 'X=Y'] : []),
      ])
    // Before revocation (fills the cache with a "good" response for `bad`).
    for (const nonce of [false, true]) {
      const r = await ask(['-cert', goodPem], nonce)
      expect(r.out).toContain('Response verify OK')
      expect(r.out).toContain(`${goodPem}: good`)
      expect(r.out).toMatch(/This Update: .*\n\s+Next Update: /)
      if (nonce) expect(r.out).toMatch(/OCSP Nonce: \s*\n\s+0410/)
      else expect(r.out).not.toContain('OCSP Nonce')
    }
    expect((await ask(['-cert', badPem], false)).out).toContain(`${badPem}: good`)

    await operator(`/api/v1/operator/certificates/${bad.serialHex}/revoke`, { reason: 'superseded' })
    // Invalidated at once: no waiting for the cached "good" to go stale.
    for (const nonce of [false, true]) {
      const r = await ask(['-cert', badPem], nonce)
      expect(r.out).toContain('Response verify OK')
      expect(r.out).toContain(`${badPem}: revoked`)
      expect(r.out).toContain('Reason: superseded')
      expect(r.out).toMatch(/Revocation Time: /)
    }
    const unknown = await ask(['-serial', '0x4242424242424242424242424242aaaa'], false)
    expect(unknown.out).toContain('Response verify OK')
    expect(unknown.out).toContain(': unknown')

    // Several certificates in one request (signed on the fly).
    const both = await ask(['-cert', goodPem, '-cert', badPem], true)
    expect(both.out).toContain('Response verify OK')
    expect(both.out).toContain(`${goodPem}: good`)
    expect(both.out).toContain(`${badPem}: revoked`)

    // GET with the base64 request in the path (RFC 6960 A.1), checked by openssl as a response file.
    const reqPath = join(tmp, 'req.der')
    openssl(['ocsp', '-issuer', f.issuingPem, '-cert', goodPem, '-no_nonce', '-reqout', reqPath])
    const { readFileSync } = await import('node:fs')
    const b64 = readFileSync(reqPath).toString('base64')
    const get = await fetch(`${ocspUrl}/${encodeURIComponent(b64)}`)
    expect(get.headers.get('content-type')).toBe('application/ocsp-response')
    expect(get.headers.get('cache-control')).toMatch(/max-age=\d+/)
    const respPath = join(tmp, 'resp.der')
    writeFileSync(respPath, Buffer.from(await get.arrayBuffer()))
    const checked = openssl(['ocsp', '-respin', respPath, '-issuer', f.issuingPem, '-cert', goodPem, '-CAfile', f.rootPem, '-VAfile', f.ocspPem, '-no_nonce'])
    expect(checked.out).toContain(`${goodPem}: good`)
  })

  it('answers malformed OCSP requests with malformedRequest, never 500', async () => {
    for (const payload of [Buffer.alloc(0), Buffer.from('garbage'), Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0x30, 0x03, 0x30, 0x01, 0x00])]) {
      const r = await f.app.inject({ method: 'POST', url: '/ocsp', payload, headers: { 'content-type': 'application/ocsp-request' } })
      expect(r.statusCode).toBe(200)
      expect(r.headers['content-type']).toBe('application/ocsp-response')
      expect([...r.rawPayload]).toEqual([0x30, 0x03, 0x0a, 0x01, 0x01])
    }
    const big = await f.app.inject({ method: 'POST', url: '/ocsp', payload: Buffer.alloc(100_000), headers: { 'content-type': 'application/ocsp-request' } })
    expect([...big.rawPayload]).toEqual([0x30, 0x03, 0x0a, 0x01, 0x01])
    const badGet = await f.app.inject({ url: '/ocsp/!!!!' })
    expect([...badGet.rawPayload]).toEqual([0x30, 0x03, 0x0a, 0x01, 0x01])
    // An undecodable URL is refused by the router itself: a 4xx, not a 500.
    expect((await f.app.inject({ url: '/ocsp/%%%' })).statusCode).toBe(400)
    const notDer = await f.app.inject({ url: '/ocsp/AAAA' })
    expect([...notDer.rawPayload]).toEqual([0x30, 0x03, 0x0a, 0x01, 0x01])
  })
})
