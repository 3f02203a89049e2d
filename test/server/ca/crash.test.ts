/**
 * Crash test: the real server process (`node --import tsx server/main.ts`) gets concurrent
 * approvals and is SIGKILLed while they run. After a restart: no application is half issued,
 * no serial is duplicated, the remaining applications can still be approved, and the CRL and
 * OCSP answers agree with the database. Against PGlite (in DATA_DIR) and PostgreSQL (the CA in
 * the database, made there first as `qoltanba ca init --development` would).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../server/config.ts'
import { openDatabase } from '../../../server/db/index.ts'
import type { Db } from '../../../server/db/schema.ts'
import { signInWithPkcs12 } from '../../../server/cli/sign-in-client.ts'
import { opensslCsr } from '../helpers/csr.ts'
import { clusterSecrets, prepareClusterCa } from '../../../scripts/cluster/prepare-ca.ts'
import { DB_KINDS, openssl, opensslAsync, TEST_DATABASE_URL } from './helpers.ts'

const IIN = '900101300017'
const APPLICATIONS = 16

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`)
    try {
      const r = await fetch(`${url}/api/v1/health`)
      if (r.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe.each(DB_KINDS)('crash during concurrent approvals (%s)', (kind) => {
  let dir: string
  let env: NodeJS.ProcessEnv
  let dbName: string | undefined
  let server: ChildProcess | undefined
  let url: string
  let output = ''

  const start = async () => {
    output = ''
    server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    server.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    server.stderr?.on('data', (d: Buffer) => (output += d.toString()))
    await waitHealthy(url, server, () => output)
  }
  const stop = async (signal: NodeJS.Signals) => {
    const s = server
    if (!s || s.exitCode !== null) return
    const exited = new Promise((r) => s.once('exit', r))
    s.kill(signal)
    await exited
  }
  const withDb = async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
    const db = await openDatabase(loadConfig(env))
    try {
      return await fn(db)
    } finally {
      await db.destroy()
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qoltanba-crash-'))
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    env = {
      PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url,
      DIST_DIR: join(dir, 'no-dist'), LOG_LEVEL: 'warn', RATE_LIMIT_SUBMIT: '10000', RATE_LIMIT_STATUS: '10000', RATE_LIMIT_LOOKUP: '10000',
    }
    if (kind === 'postgres') {
      dbName = `qoltanba_crash_${randomBytes(5).toString('hex')}`
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await admin.connect()
      await admin.query(`create database ${dbName}`)
      await admin.end()
      const u = new URL(TEST_DATABASE_URL)
      u.pathname = `/${dbName}`
      env.DATABASE_URL = u.toString()
      env = { ...env, ...clusterSecrets(join(dir, 'secrets'), env) }
      await prepareClusterCa(env, dir, { keyIterations: 1000 })
    }
  })
  afterAll(async () => {
    await stop('SIGKILL')
    if (dbName) {
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await admin.connect()
      await admin.query(`drop database if exists ${dbName} with (force)`)
      await admin.end()
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('leaves nothing half issued and keeps CRL/OCSP consistent with the database', { timeout: 300_000 }, async () => {
    await start()
    expect(output).toContain('DEVELOPMENT CA')
    // The first start of a development CA also hands out a demo operator's PKCS#12 (on PostgreSQL
    // prepareClusterCa did, beside the hierarchy it made in the database).
    if (kind === 'pglite') expect(output).toContain(join(dir, 'demo-operator.p12'))
    const demoPass = readFileSync(join(dir, 'demo-operator.p12.password'), 'utf8').trim()
    expect(openssl(['pkcs12', '-in', join(dir, 'demo-operator.p12'), '-passin', `pass:${demoPass}`, '-nokeys', '-clcerts']).out).toContain('BEGIN CERTIFICATE')
    // The operator signs in with that certificate, as in the console; the session outlives the crash.
    const { cookie } = await signInWithPkcs12({ baseUrl: url, fetch, p12: readFileSync(join(dir, 'demo-operator.p12')), password: demoPass })
    const auth = { cookie, 'content-type': 'application/json' }

    const numbers: string[] = []
    for (let i = 0; i < APPLICATIONS; i++) {
      const r = await fetch(`${url}/api/v1/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({
          profile: 'individual', iin: IIN, region: 'KZ-75', storage: 'file',
          requests: [{ purpose: 'auth', csr: opensslCsr('p256').pem }, { purpose: 'sign', csr: opensslCsr('p256').pem }],
        }),
      })
      expect(r.status, await r.clone().text()).toBe(201)
      numbers.push(((await r.json()) as { number: string }).number)
    }

    // Fire every approval at once and kill the server as soon as the first one has answered.
    let answered = 0
    const killed = new Promise<void>((resolve) => {
      for (const n of numbers) {
        fetch(`${url}/api/v1/operator/applications/${n}/approve`, { method: 'POST', headers: auth, body: '{"identityChecked":true}' })
          .then((r) => {
            if (r.ok && ++answered === 1) {
              server?.kill('SIGKILL')
              resolve()
            }
          })
          .catch(() => {})
      }
    })
    await killed
    await new Promise((r) => server?.exitCode !== null ? r(undefined) : server?.once('exit', r))

    const consistency = async () =>
      withDb(async (db) => {
        const apps = await db.selectFrom('applications').select(['number', 'status']).execute()
        const certs = await db.selectFrom('certificates').select(['serial', 'application_number', 'status', 'revocation_reason']).execute()
        const requests = await db.selectFrom('application_requests').select(['application_number', 'certificate_serial', 'pending']).execute()
        const approvals = await db.selectFrom('audit_log').select('entity_id').where('action', '=', 'application.approve').execute()
        for (const a of apps) {
          const mine = certs.filter((c) => c.application_number === a.number)
          const reqs = requests.filter((r) => r.application_number === a.number)
          if (a.status === 'issued') {
            expect(mine.length, a.number).toBe(2)
            expect(reqs.map((r) => r.certificate_serial).sort()).toEqual(mine.map((c) => c.serial).sort())
            expect(reqs.every((r) => !r.pending)).toBe(true)
            expect(approvals.filter((x) => x.entity_id === a.number).length).toBe(1)
          } else {
            expect(a.status, a.number).toBe('submitted')
            expect(mine.length, a.number).toBe(0)
            expect(reqs.every((r) => r.pending && r.certificate_serial === null)).toBe(true)
            expect(approvals.some((x) => x.entity_id === a.number)).toBe(false)
          }
        }
        expect(new Set(certs.map((c) => c.serial)).size).toBe(certs.length)
        return { apps, certs }
      })

    // PGlite allows one process: check before the restart; PostgreSQL the same way for symmetry.
    const afterCrash = await consistency()
    const issuedBefore = afterCrash.apps.filter((a) => a.status === 'issued').length
    expect(issuedBefore).toBeGreaterThanOrEqual(1)
    expect(issuedBefore).toBeLessThan(APPLICATIONS) // the kill did land mid-way

    await start()
    expect(output).not.toContain('DEVELOPMENT CA: a new root') // same hierarchy, not a new one
    const approvedNow: string[] = []
    for (const a of afterCrash.apps.filter((x) => x.status === 'submitted')) {
      const r = await fetch(`${url}/api/v1/operator/applications/${a.number}/approve`, { method: 'POST', headers: auth, body: '{"identityChecked":true}' })
      expect(r.status, await r.clone().text()).toBe(200)
      const body = (await r.json()) as { certificates: Array<{ serial: string }> }
      approvedNow.push(...body.certificates.map((c) => c.serial))
    }
    const [revokedSerial, heldSerial] = afterCrash.certs.map((c) => c.serial) as [string, string]
    const goodSerial = approvedNow[0] as string
    expect((await fetch(`${url}/api/v1/operator/certificates/${revokedSerial}/revoke`, { method: 'POST', headers: auth, body: JSON.stringify({ reason: 1 }) })).status).toBe(200)
    expect((await fetch(`${url}/api/v1/operator/certificates/${heldSerial}/hold`, { method: 'POST', headers: auth, body: '{}' })).status).toBe(200)

    // CRL: poll until the debounced regeneration lists both (no fixed sleeps).
    const tmp = mkdtempSync(join(tmpdir(), 'qoltanba-crash-crl-'))
    let crlText = ''
    for (let i = 0; i < 100 && !(crlText.includes(revokedSerial.toUpperCase()) && crlText.includes(heldSerial.toUpperCase())); i++) {
      const crl = Buffer.from(await (await fetch(`${url}/crl/issuing.crl`)).arrayBuffer())
      writeFileSync(join(tmp, 'c.crl'), crl)
      crlText = openssl(['crl', '-inform', 'DER', '-in', join(tmp, 'c.crl'), '-noout', '-text']).out
      if (!crlText.includes(heldSerial.toUpperCase())) await new Promise((r) => setTimeout(r, 100))
    }
    // The CA certificates as a relying party gets them (on PostgreSQL there is no DATA_DIR/ca).
    for (const name of ['root', 'issuing', 'ocsp']) writeFileSync(join(tmp, `${name}.pem`), await (await fetch(`${url}/ca/${name}.pem`)).text())
    const issuingPem = join(tmp, 'issuing.pem')
    const listed = [...crlText.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => (m[1] as string).toLowerCase()).sort()

    // OCSP for the three, while the server runs.
    for (const [serial, expected] of [[revokedSerial, 'revoked'], [heldSerial, 'revoked'], [goodSerial, 'good']] as const) {
      const args = ['ocsp', '-issuer', issuingPem, '-url', `${url}/ocsp`, '-CAfile', join(tmp, 'root.pem'), '-VAfile', join(tmp, 'ocsp.pem')]
      const o = await opensslAsync([...args, '-serial', `0x${serial}`])
      expect(o.out).toContain('Response verify OK')
      expect(o.out).toMatch(new RegExp(`: ${expected}\\b`))
      if (serial === heldSerial) expect(o.out).toContain('Reason: certificateHold')
    }
    await stop('SIGTERM')
    rmSync(tmp, { recursive: true, force: true })

    const end = await consistency()
    expect(end.apps.every((a) => a.status === 'issued')).toBe(true)
    expect(end.certs.filter((c) => c.application_number !== null).length).toBe(APPLICATIONS * 2)
    const notGood = end.certs.filter((c) => c.status !== 'good').map((c) => c.serial).sort()
    expect(listed).toEqual(notGood)
    expect(end.certs.find((c) => c.serial === heldSerial)).toMatchObject({ status: 'hold', revocation_reason: 6 })
  })
})
