/**
 * kill -9 of one instance during a mixed load (submissions, approvals, sign-ins, OCSP) spread
 * over three instances on one PostgreSQL, through a client that retries on another instance as a
 * load balancer would (submissions with their Idempotency-Key, approvals after reading the
 * application's state). Every operation ends succeeded; the database holds exactly one
 * application per idempotency key, nothing half issued, no serial twice. Then a rolling restart:
 * SIGTERM each instance in turn (and start it again) under load — 0 failed requests through the
 * same retrying client.
 */
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInWithPkcs12 } from '../../../server/cli/sign-in-client.ts'
import { opensslCsr } from '../helpers/csr.ts'
import { clusterEnv, createTestDatabase, startInstance, type Instance } from './instances.ts'

const IIN = '900101300017'
const SUBMISSIONS = 18

describe('faults and restarts of instances under load', () => {
  let dir: string
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  const instances: Instance[] = []
  let p12: Buffer
  let p12Password: string
  let ocspRequest: Buffer
  let env: NodeJS.ProcessEnv
  let retries = 0
  /** Sends to instance `start`, moving on to the next one on a connection failure or a 503. */
  const call = async (start: number, path: string, init: RequestInit = {}): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      const target = instances[(start + attempt) % instances.length] as Instance
      try {
        const r = await fetch(`${target.url}${path}`, init)
        if (r.status !== 503) return r
      } catch {
        // connection refused or reset: the instance died or is restarting
      }
      retries++
      if (attempt > 50) throw new Error(`no instance answered ${path}`)
      // Every instance may be briefly away (one restarting, one not yet listed): back off a little.
      if (attempt % instances.length === instances.length - 1) await new Promise((r) => setTimeout(r, 100))
    }
  }
  const submission = () =>
    JSON.stringify({
      profile: 'individual', iin: IIN, region: 'KZ-75', storage: 'file',
      requests: [{ purpose: 'auth', csr: opensslCsr('p256').pem }, { purpose: 'sign', csr: opensslCsr('p256').pem }],
    })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-faults-'))
    database = await createTestDatabase('qoltanba_faults')
    env = clusterEnv(dir, database.url)
    // No shared files: the CA is in the database; A and B have a DATA_DIR each, C none.
    instances.push(...(await Promise.all([startInstance('A', env), startInstance('B', env), startInstance('C', env, 'none')])))
    p12 = readFileSync(join(dir, 'demo-operator.p12'))
    p12Password = readFileSync(join(dir, 'demo-operator.p12.password'), 'utf8').trim()
    writeFileSync(join(dir, 'issuing.pem'), await (await fetch(`${instances[0]!.url}/ca/issuing.pem`)).text())
    execFileSync('openssl', ['ocsp', '-issuer', join(dir, 'issuing.pem'), '-serial', '0x0102030405', '-no_nonce', '-reqout', join(dir, 'ocsp.req')])
    ocspRequest = readFileSync(join(dir, 'ocsp.req'))
  }, 120_000)

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop('SIGKILL')))
    await database?.drop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('loses, doubles and half-issues nothing; every operation succeeds after retries', { timeout: 180_000 }, async () => {
    const victim = instances[1] as Instance
    let killed = false
    const { cookie } = await signInWithPkcs12({ baseUrl: instances[0]?.url as string, fetch, p12, password: p12Password })
    const operator = { cookie, 'content-type': 'application/json' }

    const submitted: Array<{ key: string; number: string; accessCode: string }> = []
    const submitAndApprove = async (i: number) => {
      const key = randomUUID()
      const body = submission()
      const s = await call(i, '/api/v1/applications', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body })
      expect(s.status, await s.clone().text()).toBe(201)
      const app = (await s.json()) as { number: string; accessCode: string }
      submitted.push({ key, ...app })
      if (i === 4 && !killed) {
        killed = true
        void victim.stop('SIGKILL')
      }
      const a = await call(i + 1, `/api/v1/operator/applications/${app.number}/approve`, { method: 'POST', headers: operator, body: '{"identityChecked":true}' })
      if (a.status !== 200) {
        // The first attempt may have committed before its instance died: the state says.
        expect(a.status, await a.clone().text()).toBe(409)
        const st = await call(i, `/api/v1/applications/${app.number}`, { headers: { 'x-access-code': app.accessCode } })
        expect(((await st.json()) as { status: string }).status).toBe('issued')
      }
    }
    let stop = false
    let ocspOk = 0
    let signIns = 0
    const background = async (i: number) => {
      while (!stop) {
        const r = await call(i, '/ocsp', { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: new Uint8Array(ocspRequest) })
        expect(r.status).toBe(200)
        expect(r.headers.get('content-type')).toBe('application/ocsp-response')
        await r.arrayBuffer()
        ocspOk++
        const s = await signInWithPkcs12({ baseUrl: (instances[(i + 1) % 3] as Instance).url, fetch, p12, password: p12Password }).catch(async () =>
          signInWithPkcs12({ baseUrl: (instances[(i + 2) % 3] as Instance).url, fetch, p12, password: p12Password }),
        )
        expect(s.cookie).toBeTruthy()
        signIns++
      }
    }
    const bg = [background(0), background(1)]
    for (let i = 0; i < SUBMISSIONS; i += 3) await Promise.all([0, 1, 2].map((k) => submitAndApprove(i + k)))
    stop = true
    await Promise.all(bg)
    expect(killed).toBe(true)
    expect(victim.child.signalCode).toBe('SIGKILL')
    expect(ocspOk).toBeGreaterThan(0)
    expect(signIns).toBeGreaterThan(0)

    const c = new pg.Client({ connectionString: database.url })
    await c.connect()
    try {
      const apps = (await c.query<{ number: string; status: string }>('select number, status from applications')).rows
      const certs = (await c.query<{ serial: string; application_number: string | null }>('select serial, application_number from certificates')).rows
      const pending = (await c.query<{ n: string }>('select count(*) as n from application_requests where pending')).rows[0]
      // Exactly the applications the client was given, each once.
      expect(apps.map((a) => a.number).sort()).toEqual(submitted.map((s) => s.number).sort())
      expect(apps.every((a) => a.status === 'issued')).toBe(true)
      for (const a of apps) expect(certs.filter((x) => x.application_number === a.number)).toHaveLength(2)
      expect(Number(pending?.n)).toBe(0)
      expect(new Set(certs.map((x) => x.serial)).size).toBe(certs.length)
    } finally {
      await c.end()
    }
    console.info(`faults: ${submitted.length} applications, ${signIns} sign-ins, ${ocspOk} OCSP answers, ${retries} retried calls`)
  })

  it('rolling restart: SIGTERM each instance in turn under load, 0 failed requests through a retrying client', { timeout: 240_000 }, async () => {
    // The instance killed above comes back first.
    const dead = instances.findIndex((i) => i.child.exitCode !== null || i.child.signalCode !== null)
    if (dead >= 0) instances[dead] = await startInstance(`restarted-${dead}`, env)
    let stop = false
    let failures = 0
    let done = 0
    const client = async (i: number) => {
      while (!stop) {
        try {
          const s = await call(i, '/api/v1/applications', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: submission() })
          const app = (await s.json()) as { number: string; accessCode: string }
          const st = await call(i + 1, `/api/v1/applications/${app.number}`, { headers: { 'x-access-code': app.accessCode } })
          const o = await call(i + 2, '/ocsp', { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: new Uint8Array(ocspRequest) })
          if (s.status !== 201 || st.status !== 200 || o.status !== 200) failures++
          else done++
        } catch {
          failures++
        }
      }
    }
    const load = [client(0), client(1)]
    for (let k = 0; k < instances.length; k++) {
      const old = instances[k] as Instance
      expect(await old.stop('SIGTERM')).toBe(0)
      instances[k] = await startInstance(`rolled-${k}`, env)
    }
    stop = true
    await Promise.all(load)
    expect(failures).toBe(0)
    expect(done).toBeGreaterThan(0)
    console.info(`rolling restart: ${done} rounds (submit, status, OCSP), ${retries} retried calls in all`)
  })
})
