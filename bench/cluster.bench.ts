/**
 * Scale-out cost: OCSP answers and certificate sign-ins against 1 and then 2 real instances on
 * one PostgreSQL, in the same run, per second and per CPU-second of the server processes (utime +
 * stime from /proc, every instance counted, busy or idle). On a 2-core machine the load generator
 * shares the cores, so absolute throughput cannot double; the target is that scale-out costs
 * little: per server CPU-second, 2 instances ≥ 90 % of 1 instance, for both.
 *
 * Needs PostgreSQL at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a
 * fresh database is created and dropped. BENCH_SECONDS sets each phase's length (default 8).
 */
import { execFileSync } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { signInWithKey } from '../server/cli/sign-in-client.ts'
import { certificateMatchesKey } from '../src/pki/certificate-info.ts'
import { readPkcs12 } from '../src/pki/pkcs12/index.ts'
import { importPrivateKey, publicKeyOf } from '../src/pki/private-key.ts'
import { startInstances, stopInstances, type ClusterInstance } from '../scripts/cluster/instances.ts'

const DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const CONCURRENCY = 8
/** Pairs of 1- and 2-instance phases per operation (BENCH_ROUNDS, default 3). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CLK_TCK = 100
const IIN = '900101300017'

function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    ticks += Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15 of stat)
  }
  return ticks / CLK_TCK
}

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: DATABASE_URL })
  await c.connect()
  try {
    await c.query(query)
  } finally {
    await c.end()
  }
}

interface Phase {
  readonly done: number
  readonly failed: number
  readonly perSecond: number
  readonly perCpuSecond: number
}

/** Runs `op(target)` from CONCURRENCY workers, round-robin over `targets`, for SECONDS. */
async function load(targets: readonly string[], pids: readonly number[], op: (target: string) => Promise<void>): Promise<Phase> {
  const cpu0 = cpuSeconds(pids)
  const t0 = performance.now()
  const until = t0 + SECONDS * 1000
  let done = 0
  let failed = 0
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        try {
          await op(targets[next++ % targets.length] as string)
          done++
        } catch {
          failed++
        }
      }
    }),
  )
  const wall = (performance.now() - t0) / 1000
  const cpu = cpuSeconds(pids) - cpu0
  return { done, failed, perSecond: done / wall, perCpuSecond: done / cpu }
}

function opensslCsr(dir: string, name: string): string {
  const key = join(dir, `${name}.key`)
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key])
  return execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=BENCH', '-sha256'], { encoding: 'utf8' })
}

/**
 * Keeps the load generator (this process) off the servers' cores: it on CPU 0, the instances on
 * the others (taskset, all threads). Unpinned, three busy processes on two cores time-share, and
 * the switching lands in the servers' CPU-seconds of the 2-instance phase only, which measures the
 * machine rather than the cost of a second instance. BENCH_PIN=0 leaves placement to the kernel.
 */
function pinCpus(serverPids: readonly number[]): string {
  const cpus = availableParallelism()
  if (cpus < 2 || process.env.BENCH_PIN === '0') return 'not pinned'
  try {
    for (const pid of serverPids) execFileSync('taskset', ['-a', '-p', '-c', `1-${cpus - 1}`, String(pid)], { stdio: 'ignore' })
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })
    return `load generator on CPU 0, instances on CPU 1${cpus > 2 ? `-${cpus - 1}` : ''}`
  } catch {
    return 'not pinned (no taskset)'
  }
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qoltanba-cluster-bench-'))
  const dbName = `qoltanba_bench_${randomBytes(4).toString('hex')}`
  await admin(`create database ${dbName}`)
  const url = new URL(DATABASE_URL)
  url.pathname = `/${dbName}`
  let instances: ClusterInstance[] = []
  try {
    instances = await startInstances(2, {
      basePort: 5640,
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      dir,
      quiet: true,
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: url.toString(), DIST_DIR: join(dir, 'no-dist'),
        PUBLIC_URL: 'http://127.0.0.1:5640', LOG_LEVEL: 'warn', CA_KEY_ALGORITHM: 'P-256',
        RATE_LIMIT_SUBMIT: '100000', RATE_LIMIT_STATUS: '100000', RATE_LIMIT_LOOKUP: '100000',
      },
    })
    const urls = instances.map((i) => i.url)
    const pids = instances.map((i) => i.child.pid as number)
    const placement = pinCpus(pids)
    const [first] = urls as [string]

    // The demo operator signs in; its key is read once.
    const p12 = await readPkcs12(readFileSync(join(dir, 'demo-operator.p12')), readFileSync(join(dir, 'demo-operator.p12.password'), 'utf8').trim())
    const key = p12.keys.find((k) => k.algorithm === 'EC' || k.algorithm === 'RSA')
    if (!key) throw new Error('no key in the demo operator file')
    const { spki } = await publicKeyOf(key.pkcs8)
    const own = p12.certificates.find((c) => certificateMatchesKey(c.der, spki))
    if (!own) throw new Error('no certificate for the demo operator key')
    const signIn = { privateKey: await importPrivateKey(key.pkcs8, 'sign'), certificate: own.der, chain: p12.certificates.filter((c) => c !== own).map((c) => c.der) }
    const { cookie } = await signInWithKey({ baseUrl: first, fetch, ...signIn })

    // One issued certificate to ask OCSP about.
    const submitted = await fetch(`${first}/api/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ profile: 'individual', iin: IIN, region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: opensslCsr(dir, 'a') }, { purpose: 'sign', csr: opensslCsr(dir, 's') }] }),
    })
    const { number } = (await submitted.json()) as { number: string }
    const approved = await fetch(`${first}/api/v1/operator/applications/${number}/approve`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{"identityChecked":true}' })
    const serial = ((await approved.json()) as { certificates: Array<{ serial: string }> }).certificates[0]?.serial
    if (!serial) throw new Error('approval failed')
    // The issuing CA's certificate as any client gets it (the instances keep the CA in the database, not in files).
    writeFileSync(join(dir, 'issuing.pem'), await (await fetch(`${first}/ca/issuing.pem`)).text())
    execFileSync('openssl', ['ocsp', '-issuer', join(dir, 'issuing.pem'), '-serial', `0x${serial}`, '-no_nonce', '-reqout', join(dir, 'req.der')])
    const requestDer = readFileSync(join(dir, 'req.der'))

    const ocsp = async (target: string) => {
      const r = await fetch(`${target}/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: new Uint8Array(requestDer) })
      await r.arrayBuffer()
      if (!r.ok) throw new Error(`OCSP ${r.status}`)
    }
    const signInOnce = async (target: string) => {
      await signInWithKey({ baseUrl: target, fetch, ...signIn })
    }

    const rows: string[] = []
    for (const [name, op] of [['OCSP answers', ocsp], ['sign-ins', signInOnce]] as const) {
      await load(urls, pids, op) // warm-up of both instances, not counted
      // ROUNDS pairs of phases, the order alternating (1 then 2, 2 then 1, …): on a 2-core machine
      // one 8-s pair swings by ±20 % with whatever else runs, so the ratio is the median of the
      // pairs, and the figures per second are the means.
      const pairs: Array<{ one: Phase; two: Phase }> = []
      for (let round = 0; round < ROUNDS; round++) {
        if (round % 2 === 0) {
          const one = await load([first], pids, op)
          pairs.push({ one, two: await load(urls, pids, op) })
        } else {
          const two = await load(urls, pids, op)
          pairs.push({ two, one: await load([first], pids, op) })
        }
      }
      const mean = (pick: (p: { one: Phase; two: Phase }) => number) => pairs.reduce((sum, p) => sum + pick(p), 0) / pairs.length
      // Server CPU-seconds per second: well below 1 means the load generator, not the servers, is
      // the bottleneck, and per-request cost then grows as the same load is split over more processes.
      const busy = (pick: (p: { one: Phase; two: Phase }) => Phase) => `${(mean((p) => pick(p).perSecond / pick(p).perCpuSecond) * 100).toFixed(0)} %`
      const ratios = pairs.map((p) => p.two.perCpuSecond / p.one.perCpuSecond).sort((a, b) => a - b)
      const ratio = ratios[Math.floor(ratios.length / 2)] as number
      const failed = pairs.reduce((sum, p) => sum + p.one.failed + p.two.failed, 0)
      rows.push(
        `${name.padEnd(13)} 1 instance: ${mean((p) => p.one.perSecond).toFixed(0).padStart(6)}/s ${mean((p) => p.one.perCpuSecond).toFixed(0).padStart(6)}/server CPU-s` +
          ` | 2 instances: ${mean((p) => p.two.perSecond).toFixed(0).padStart(6)}/s ${mean((p) => p.two.perCpuSecond).toFixed(0).padStart(6)}/server CPU-s` +
          ` | servers busy ${busy((p) => p.one)} vs ${busy((p) => p.two)} of a core` +
          ` | per CPU-s 2/1 = ${(ratio * 100).toFixed(0)} % median of ${ratios.map((r) => (r * 100).toFixed(0)).join(', ')} (target ≥ 90 %)${failed ? `, ${failed} failed` : ''}`,
      )
    }
    console.info(`cluster: ${ROUNDS} pairs of ${SECONDS}-s phases per operation, ${CONCURRENCY} concurrent clients in this process, ${placement}, PostgreSQL at ${new URL(DATABASE_URL).host}`)
    for (const row of rows) console.info(row)
  } finally {
    await stopInstances(instances)
    await admin(`drop database if exists ${dbName} with (force)`)
    rmSync(dir, { recursive: true, force: true })
  }
}
