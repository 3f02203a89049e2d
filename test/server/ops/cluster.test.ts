/**
 * Three real instances on one PostgreSQL, sharing no files (A and B each with a DATA_DIR of its
 * own, C with none; the CA is in the database): an application submitted on A is approved on B and
 * installed through C; a revocation on A reaches the OCSP answers of B and C (openssl ocsp)
 * within a second through LISTEN/NOTIFY — also after B's listening connection was killed — and
 * C's CRL lists it. The expiry sweep ran on exactly one instance (advisory lock). /metrics of each
 * instance is parsed as Prometheus text and its counters moved. Last, SIGTERM during a burst of
 * approvals: every request in flight finishes, the process exits 0.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInWithPkcs12 } from '../../../server/cli/sign-in-client.ts'
import { opensslCsr } from '../helpers/csr.ts'
import { openssl, opensslAsync } from '../ca/helpers.ts'
import { adminQuery, clusterEnv, createTestDatabase, instanceDataDir, startInstance, type Instance } from './instances.ts'

const IIN = '900101300017'
const TOKEN = 'cluster-metrics-token-0123'

interface Family { name: string; metrics: Array<{ value?: string; labels?: Record<string, string> }> }

async function metricsOf(i: Instance): Promise<Family[]> {
  const r = await fetch(`${i.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  expect(r.status).toBe(200)
  return parsePrometheusTextFormat(await r.text()) as Family[]
}

function total(families: Family[], name: string, labels: Record<string, string> = {}): number {
  return (families.find((f) => f.name === name)?.metrics ?? [])
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .reduce((n, m) => n + Number(m.value ?? 0), 0)
}

describe('three instances on one PostgreSQL', () => {
  let dir: string
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  const instances: Instance[] = []
  let A: Instance, B: Instance, C: Instance
  let auth: Record<string, string>
  let env: NodeJS.ProcessEnv
  /** The CA certificates as a relying party has them: downloaded from an instance, for openssl. */
  let pki: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-cluster-'))
    database = await createTestDatabase('qoltanba_cluster')
    env = clusterEnv(dir, database.url, { METRICS_TOKEN: TOKEN })
    // The development CA is made in the database before the first start; all three start together.
    ;[A, B, C] = await Promise.all([startInstance('A', env), startInstance('B', env), startInstance('C', env, 'none')])
    instances.push(A, B, C)
    pki = join(dir, 'pki')
    mkdirSync(pki)
    for (const name of ['root', 'issuing', 'ocsp']) writeFileSync(join(pki, `${name}.pem`), await (await fetch(`${A.url}/ca/${name}.pem`)).text())
    const demoPass = readFileSync(join(dir, 'demo-operator.p12.password'), 'utf8').trim()
    const { cookie } = await signInWithPkcs12({ baseUrl: B.url, fetch, p12: readFileSync(join(dir, 'demo-operator.p12')), password: demoPass })
    auth = { cookie, 'content-type': 'application/json' }
  }, 120_000)

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop('SIGKILL')))
    await database?.drop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const submit = async (on: Instance) => {
    const r = await fetch(`${on.url}/api/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({
        profile: 'individual', iin: IIN, region: 'KZ-75', storage: 'file',
        requests: [{ purpose: 'auth', csr: opensslCsr('p256').pem }, { purpose: 'sign', csr: opensslCsr('p256').pem }],
      }),
    })
    expect(r.status, await r.clone().text()).toBe(201)
    return (await r.json()) as { number: string; accessCode: string }
  }
  const approve = (on: Instance, number: string) =>
    fetch(`${on.url}/api/v1/operator/applications/${number}/approve`, { method: 'POST', headers: auth, body: '{"identityChecked":true}' })

  const ocspStatus = async (on: Instance, serial: string) => {
    const o = await opensslAsync([
      'ocsp', '-issuer', join(pki, 'issuing.pem'), '-url', `${on.url}/ocsp`, '-CAfile', join(pki, 'root.pem'), '-VAfile', join(pki, 'ocsp.pem'),
      '-no_nonce', '-serial', `0x${serial}`,
    ])
    expect(o.out).toContain('Response verify OK')
    return /: (good|revoked|unknown)\b/.exec(o.out)?.[1]
  }

  /** Polls `on` until OCSP says revoked; the time it took, or Infinity after `limitMs`. */
  const revokedWithin = async (on: Instance, serial: string, since: number, limitMs: number) => {
    while (Date.now() - since <= limitMs) {
      if ((await ocspStatus(on, serial)) === 'revoked') return Date.now() - since
    }
    return Infinity
  }

  it('share no files: the CA comes from the database, no DATA_DIR holds CA files and C has none at all', async () => {
    const c = new pg.Client({ connectionString: database.url })
    await c.connect()
    const rows = (await c.query<{ name: string }>('select name from ca_files order by name').finally(() => c.end())).rows.map((r) => r.name)
    expect(rows).toEqual(['issuing.key', 'issuing.pem', 'manifest.json', 'ocsp.key', 'ocsp.pem', 'root.crl', 'root.key', 'root.pem'])
    for (const name of ['A', 'B']) {
      const own = instanceDataDir(env, name)
      expect(existsSync(own) ? readdirSync(own) : []).not.toContain('ca')
    }
    expect(existsSync(instanceDataDir(env, 'C', 'none'))).toBe(false)
    const served = await Promise.all([A, B, C].map(async (i) => (await fetch(`${i.url}/ca/issuing.pem`)).text()))
    expect(new Set(served).size).toBe(1)
  })

  it('submit on A, approve on B, install on C; a revocation on A is seen by B and C within a second', { timeout: 120_000 }, async () => {
    const app = await submit(A)
    const approved = await approve(B, app.number)
    expect(approved.status, await approved.clone().text()).toBe(200)
    const certs = await fetch(`${C.url}/api/v1/applications/${app.number}/certificates`, { headers: { 'x-access-code': app.accessCode } })
    expect(certs.status).toBe(200)
    const installed = await fetch(`${C.url}/api/v1/applications/${app.number}/installed`, { method: 'POST', headers: { 'x-access-code': app.accessCode } })
    expect(installed.status).toBe(200)
    expect(((await installed.json()) as { status: string }).status).toBe('installed')

    const [first, second] = ((await approved.json()) as { certificates: Array<{ serial: string }> }).certificates.map((c) => c.serial) as [string, string]
    // B and C answer "good" first, so their caches hold the signed good answer.
    expect(await ocspStatus(B, first)).toBe('good')
    expect(await ocspStatus(C, first)).toBe('good')
    let t0 = Date.now()
    const revoked = await fetch(`${A.url}/api/v1/operator/certificates/${first}/revoke`, { method: 'POST', headers: auth, body: JSON.stringify({ reason: 1 }) })
    expect(revoked.status, await revoked.clone().text()).toBe(200)
    expect(await revokedWithin(B, first, t0, 1000)).toBeLessThanOrEqual(1000)
    expect(await revokedWithin(C, first, t0, 1000)).toBeLessThanOrEqual(1000)

    // B's listening connection dies (as in a PostgreSQL restart or a network cut): B subscribes
    // again and drops its cache, so a revocation made meanwhile is not missed.
    expect(await ocspStatus(B, second)).toBe('good')
    const killed = await adminQuery(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2`, [database.name, `qoltanba change feed ${B.child.pid}`])
    expect(killed.rowCount).toBe(1)
    t0 = Date.now()
    const held = await fetch(`${A.url}/api/v1/operator/certificates/${second}/hold`, { method: 'POST', headers: auth, body: '{}' })
    expect(held.status).toBe(200)
    expect(await revokedWithin(B, second, t0, 5000)).toBeLessThan(5000)

    // The CRL of C lists the revoked certificate (regenerated after the notification).
    let listed = false
    for (let i = 0; i < 50 && !listed; i++) {
      const crl = Buffer.from(await (await fetch(`${C.url}/crl/issuing.crl`)).arrayBuffer())
      const text = openssl(['crl', '-inform', 'DER', '-noout', '-text'], crl).out
      listed = text.includes(first.toUpperCase())
      if (!listed) await new Promise((r) => setTimeout(r, 100))
    }
    expect(listed).toBe(true)

    // Metrics: parsed as Prometheus text; the counters moved where the work happened.
    const [mA, mB, mC] = await Promise.all([metricsOf(A), metricsOf(B), metricsOf(C)])
    expect(total(mB, 'qoltanba_certificates_issued_total')).toBe(2)
    expect(total(mB, 'qoltanba_ocsp_answers_total', { status: 'revoked' })).toBeGreaterThanOrEqual(1)
    expect(total(mC, 'qoltanba_ocsp_answers_total', { status: 'good' })).toBeGreaterThanOrEqual(1)
    expect(total(mB, 'qoltanba_sign_ins_total', { outcome: 'success' })).toBe(1)
    expect(total(mC, 'qoltanba_changes_applied_total', { kind: 'certificate', source: 'notify' })).toBeGreaterThanOrEqual(2)
    expect(total(mB, 'qoltanba_changes_applied_total', { source: 'resync' })).toBeGreaterThanOrEqual(1)
    expect(total(mA, 'qoltanba_http_requests_total', { route: '/api/v1/applications', status: '201' })).toBe(1)
    // The expiry sweep ran once, on one instance; the others found its lock taken.
    const ran = [mA, mB, mC].map((m) => total(m, 'qoltanba_job_runs_total', { job: 'application-expiry-sweep', outcome: 'ran' }))
    const skipped = [mA, mB, mC].map((m) => total(m, 'qoltanba_job_runs_total', { job: 'application-expiry-sweep', outcome: 'skipped' }))
    expect(ran.reduce((a, b) => a + b, 0)).toBe(1)
    expect(skipped.reduce((a, b) => a + b, 0)).toBe(2)
  })

  it('SIGTERM during a burst of approvals: every request in flight finishes, then the process exits 0', { timeout: 120_000 }, async () => {
    const apps = []
    for (let i = 0; i < 12; i++) apps.push(await submit(A))
    let answered = 0
    let inFlightAtSignal = 0
    const results = await Promise.all(
      apps.map((a) =>
        approve(C, a.number).then(async (r) => {
          if (++answered === 1) {
            inFlightAtSignal = apps.length - 1
            void C.stop('SIGTERM')
          }
          return r.status
        }),
      ),
    )
    // The signal came while the other approvals were still being answered; none was cut off.
    expect(inFlightAtSignal).toBeGreaterThan(0)
    expect(results).toEqual(apps.map(() => 200))
    const code = await C.stop('SIGTERM')
    expect(code, C.output()).toBe(0)
    // B still serves; the applications are all issued.
    for (const a of apps) {
      const r = await fetch(`${B.url}/api/v1/applications/${a.number}`, { headers: { 'x-access-code': a.accessCode } })
      expect(((await r.json()) as { status: string }).status).toBe('issued')
    }
  })
})
