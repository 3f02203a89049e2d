/**
 * What a submitted CSR may say (server/applications/submission.ts, header): SHA-2 RSA/ECDSA
 * signatures only (ERR_WEAK_ALGORITHM for SHA-1 and MD5), no other person's IIN (ERR_CSR_MISMATCH)
 * or SURNAME/GIVENNAME (ERR_CSR_NAME_MISMATCH); a CSR without IIN is accepted and the registry
 * names the certificate. CSRs made by OpenSSL and by our own builder; refusals store nothing.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID, webcrypto } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countRows } from '../../server/applications/service.ts'
import { createCsr } from '../../src/pki/csr.ts'
import { toBase64 } from '../../src/core/bytes.ts'
import { ENGINES } from './helpers/database.ts'
import { startTestServer, type TestServer } from './helpers/app.ts'
import { opensslCsr } from './helpers/csr.ts'

/** ТЕСТОВ ТЕСТ ТЕСТОВИЧ in the demo registry. */
const IIN = '900101300017'

/** `openssl req -new` with a chosen digest (the shared helper always signs with SHA-256). */
function opensslCsrWith(kind: 'rsa' | 'ec', digest: string, subj: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'qt-csr-policy-'))
  try {
    const newkey = kind === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
    execFileSync('openssl', ['req', '-new', ...newkey, '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'r.pem'), '-subj', subj, '-utf8', `-${digest}`], { stdio: 'pipe' })
    const text = execFileSync('openssl', ['req', '-in', join(dir, 'r.pem'), '-noout', '-text'], { encoding: 'utf8' })
    const expected = ({ 'rsa-sha1': 'sha1WithRSAEncryption', 'rsa-md5': 'md5WithRSAEncryption', 'ec-sha1': 'ecdsa-with-SHA1' } as Record<string, string>)[`${kind}-${digest}`]
    if (expected && !text.includes(`Signature Algorithm: ${expected}`)) throw new Error(`openssl did not sign with ${expected}`)
    return readFileSync(join(dir, 'r.pem'), 'utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A CSR from our own builder (src/pki/csr.ts), as the PWA makes it, with `subject`. */
async function ourCsr(subject: Parameters<typeof createCsr>[0]['subject']): Promise<string> {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
  return toBase64(await createCsr({ subject, keys, keyUsage: ['digitalSignature'] }))
}

const applicant = { commonName: 'ТЕСТОВ ТЕСТ', surname: 'ТЕСТОВ', serialNumber: `IIN${IIN}`, country: 'KZ', givenName: 'ТЕСТОВИЧ' }

describe.each(ENGINES)('CSR subject and signature policy on %s', (engine) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(engine)
  })
  afterAll(async () => {
    await s?.close()
  })

  const submit = (auth: string, sign: string) =>
    s.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'idempotency-key': randomUUID() },
      payload: { profile: 'individual', iin: IIN, region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: auth }, { purpose: 'sign', csr: sign }] },
    })

  const stored = async () => ({
    applications: await countRows(s.t.db, 'applications'),
    requests: await countRows(s.t.db, 'application_requests'),
    audit: await countRows(s.t.db, 'audit_log'),
  })

  it('refuses weak signatures, other IINs and other names, each with its code, storing nothing', async () => {
    const good = opensslCsr('p256', `/CN=ТЕСТОВ ТЕСТ/SN=ТЕСТОВ/serialNumber=IIN${IIN}/C=KZ`).pem
    const cases: Array<[string, string, string]> = [
      ['RSA CSR signed with SHA-1 (openssl req -sha1)', opensslCsrWith('rsa', 'sha1', `/CN=ТЕСТОВ ТЕСТ/serialNumber=IIN${IIN}/C=KZ`), 'ERR_WEAK_ALGORITHM'],
      ['ECDSA CSR signed with SHA-1', opensslCsrWith('ec', 'sha1', `/CN=ТЕСТОВ ТЕСТ/serialNumber=IIN${IIN}/C=KZ`), 'ERR_WEAK_ALGORITHM'],
      ['RSA CSR signed with MD5', opensslCsrWith('rsa', 'md5', `/CN=ТЕСТОВ ТЕСТ/serialNumber=IIN${IIN}/C=KZ`), 'ERR_WEAK_ALGORITHM'],
      ['another IIN', opensslCsrWith('ec', 'sha256', '/CN=ҚҰНАНБАЕВ АБАЙ/serialNumber=IIN850315300019/C=KZ'), 'ERR_CSR_MISMATCH'],
      ['applicant IIN, another surname (openssl)', opensslCsrWith('ec', 'sha256', `/CN=ИВАНОВ СЕРГЕЙ/SN=ИВАНОВ/serialNumber=IIN${IIN}/C=KZ`), 'ERR_CSR_NAME_MISMATCH'],
      ['applicant IIN, another given name (openssl)', opensslCsrWith('rsa', 'sha256', `/CN=ТЕСТОВ ТЕСТ/SN=ТЕСТОВ/GN=ПЕТРОВИЧ/serialNumber=IIN${IIN}/C=KZ`), 'ERR_CSR_NAME_MISMATCH'],
      ['applicant IIN, another person only in CN (openssl)', opensslCsrWith('ec', 'sha256', `/CN=ИВАНОВ СЕРГЕЙ/serialNumber=IIN${IIN}/C=KZ`), 'ERR_CSR_NAME_MISMATCH'],
      ['applicant IIN, a placeholder CN (openssl)', opensslCsrWith('rsa', 'sha256', `/CN=TEST/serialNumber=IIN${IIN}/C=KZ`), 'ERR_CSR_NAME_MISMATCH'],
      ['no IIN, another surname (our builder)', await ourCsr({ commonName: 'ИВАНОВ СЕРГЕЙ', surname: 'ИВАНОВ', country: 'KZ' }), 'ERR_CSR_NAME_MISMATCH'],
    ]
    const before = await stored()
    for (const [name, csr, code] of cases) {
      const res = await submit(csr, good)
      expect({ name, status: res.statusCode, code: res.json().error?.code }).toEqual({ name, status: 400, code })
      // The sign request carries the bad CSR as well: the purpose does not matter.
      const swapped = await submit(good, csr)
      expect({ name, status: swapped.statusCode, code: swapped.json().error?.code }).toEqual({ name, status: 400, code })
    }
    expect(await stored()).toEqual(before)
  })

  it('accepts the applicant named as in the registry (any case), and CSRs without an IIN, naming the certificate from the registry', async () => {
    const ours = await submit(await ourCsr(applicant), await ourCsr({ ...applicant, surname: 'Тестов', givenName: 'тестович' }))
    expect(ours.statusCode).toBe(201)
    const withPatronymic = await submit(opensslCsrWith('ec', 'sha256', `/CN=Тестов Тест Тестович/serialNumber=IIN${IIN}/C=KZ`), opensslCsrWith('rsa', 'sha256', `/serialNumber=IIN${IIN}/C=KZ`))
    expect(withPatronymic.statusCode).toBe(201)
    const noIin = await submit(opensslCsrWith('rsa', 'sha256', '/CN=TEST/C=KZ'), opensslCsrWith('ec', 'sha384', '/CN=ТЕСТОВ ТЕСТ/SN=ТЕСТОВ/C=KZ'))
    expect(noIin.statusCode).toBe(201)
    const row = await s.t.db.selectFrom('applications').selectAll().where('number', '=', noIin.json().number).executeTakeFirstOrThrow()
    expect([row.surname, row.name, row.patronymic]).toEqual(['ТЕСТОВ', 'ТЕСТ', 'ТЕСТОВИЧ'])
  })
})
