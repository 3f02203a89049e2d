/**
 * After `qoltanba ca revoke-issuing` (the real revokeIssuingCa, as the CLI runs it), the server
 * issues nothing more under the revoked CA and its OCSP responder stops saying "good":
 * - approval answers 409 ERR_ISSUING_CA_REVOKED and changes nothing (the application stays
 *   submitted, no certificate rows, no approve audit row) — both right after the revocation,
 *   before the server's root CRL check took it up (the transaction re-reads it), and after;
 * - OCSP answers "revoked" for a certificate issued earlier, as of the CA's revocation, reason
 *   cACompromise (RFC 6960 §2.7), read back with `openssl ocsp`.
 * On PGlite and PostgreSQL.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { revokeIssuingCa } from '../../../server/ca/issuing-ca-revocation.ts'
import { startTestServer, type TestServer } from '../helpers/app.ts'
import { opensslCsr } from '../helpers/csr.ts'
import { ENGINES } from '../helpers/database.ts'

const IIN = '900101300017'

describe.each(ENGINES)('a revoked issuing CA on %s', (engine) => {
  let s: TestServer
  let tmp: string
  let cookie: string
  let earlier: { pem: string }
  beforeAll(async () => {
    s = await startTestServer(engine)
    tmp = mkdtempSync(join(tmpdir(), 'qoltanba-issuing-revoked-'))
    // Signed in before the revocation: afterwards the operator's own certificate fails at depth 1.
    cookie = await s.operatorCookie()
  })
  afterAll(async () => {
    await s?.close()
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  async function submitted(): Promise<string> {
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'idempotency-key': randomUUID() },
      payload: { profile: 'individual', iin: IIN, region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: opensslCsr('p256').pem }, { purpose: 'sign', csr: opensslCsr('p256').pem }] },
    })
    expect(res.statusCode).toBe(201)
    return res.json().number as string
  }

  const approve = (number: string) => s.app.inject({ method: 'POST', url: `/api/v1/operator/applications/${number}/approve`, headers: { cookie }, payload: { identityChecked: true } })

  /** What approval must leave untouched: status, certificate rows, approve audit rows. */
  async function stateOf(number: string) {
    const { status } = await s.t.db.selectFrom('applications').select('status').where('number', '=', number).executeTakeFirstOrThrow()
    const certificates = await s.t.db.selectFrom('certificates').select('serial').where('application_number', '=', number).execute()
    const audits = await s.t.db.selectFrom('audit_log').select('id').where('entity_id', '=', number).where('action', '=', 'application.approve').execute()
    return { status, certificates: certificates.length, approveAudits: audits.length }
  }

  /** `openssl ocsp` reading our responder's answer about `pem` (as served at POST /ocsp). */
  async function ocspText(pem: string): Promise<string> {
    const issuing = join(s.config.dataDir, 'ca', 'issuing.pem')
    writeFileSync(join(tmp, 'leaf.pem'), pem)
    execFileSync('openssl', ['ocsp', '-issuer', issuing, '-cert', join(tmp, 'leaf.pem'), '-no_nonce', '-reqout', join(tmp, 'req.der')])
    const res = await s.app.inject({ method: 'POST', url: '/ocsp', headers: { 'content-type': 'application/ocsp-request' }, payload: readFileSync(join(tmp, 'req.der')) })
    expect(res.statusCode).toBe(200)
    writeFileSync(join(tmp, 'resp.der'), res.rawPayload)
    return execFileSync('openssl', ['ocsp', '-respin', join(tmp, 'resp.der'), '-resp_text', '-noverify'], { encoding: 'utf8' })
  }

  it('issues and answers "good" while the issuing CA is valid (control)', async () => {
    const number = await submitted()
    const res = await approve(number)
    expect(res.statusCode).toBe(200)
    earlier = (res.json().certificates as Array<{ pem: string }>)[0] as { pem: string }
    expect(await ocspText(earlier.pem)).toMatch(/Cert Status: good/)
    expect(s.ca.issuingCaRevocation()).toBeUndefined()
  })

  it('refuses approval right after the revocation, before the server took it up, changing nothing', async () => {
    const number = await submitted()
    const before = await stateOf(number)
    const r = await revokeIssuingCa(s.config, s.t.db, s.ca.hierarchy, { reason: 'keyCompromise', actor: 'test' })
    expect(r.revoked).toBe(true)
    // The server's copy is still the old one: the transaction's own read must refuse.
    expect(s.ca.issuingCaRevocation()).toBeUndefined()
    const res = await approve(number)
    expect({ status: res.statusCode, code: res.json().error?.code }).toEqual({ status: 409, code: 'ERR_ISSUING_CA_REVOKED' })
    expect(await stateOf(number)).toEqual(before)
    expect(before).toEqual({ status: 'submitted', certificates: 0, approveAudits: 0 })
  })

  it('refuses approval from the cached status once the root CRL check took it up', async () => {
    await s.ca.refreshRootCrl()
    expect(s.ca.issuingCaRevocation()?.reason).toBe('keyCompromise')
    const number = await submitted()
    const res = await approve(number)
    expect({ status: res.statusCode, code: res.json().error?.code }).toEqual({ status: 409, code: 'ERR_ISSUING_CA_REVOKED' })
    expect(res.json().error?.message).toContain('keyCompromise')
    expect(await stateOf(number)).toEqual({ status: 'submitted', certificates: 0, approveAudits: 0 })
  })

  it('answers "revoked" (cACompromise, at the CA’s revocation time) for a certificate issued before', async () => {
    const revokedAt = s.ca.issuingCaRevocation()?.revokedAt as Date
    const text = await ocspText(earlier.pem)
    expect(text).toMatch(/Cert Status: revoked/)
    expect(text).toMatch(/Revocation Reason: cACompromise/)
    const time = /Revocation Time: (.+)/.exec(text)?.[1] as string
    expect(new Date(time).getTime()).toBe(revokedAt.getTime())
  })
})
