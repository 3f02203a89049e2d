/**
 * Scale-out cost: OCSP answers and certificate sign-ins against 1 and then 2 real instances on
 * one PostgreSQL, in the same run, per second and per CPU-second of the server processes (utime +
 * stime from /proc, every instance counted, busy or idle). On a 2-core machine the load generator
 * shares the cores, so absolute throughput cannot double; the target is that scale-out costs
 * little: per server CPU-second, 2 instances ≥ 90 % of 1 instance, for both.
 *
 * Needs PostgreSQL at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a
 * fresh database is created and dropped. Knobs: BENCH_SECONDS (an OCSP phase, default 8),
 * BENCH_SIGN_INS (a sign-in phase, default 2000), BENCH_ROUNDS (pairs, default 4),
 * BENCH_CONNECTIONS / BENCH_PIPELINING (the load, below), BENCH_PIN=0 (no CPU pinning),
 * BENCH_ONLY=OCSP or =sign (one operation). Takes about 5 minutes.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import pg from 'pg'
import { cookieNames } from '../server/auth/cookies.ts'
import { randomToken } from '../server/auth/tokens.ts'
import { signInWithKey } from '../server/cli/sign-in-client.ts'
import { signCms } from '../src/pki/cms.ts'
import { certificateMatchesKey } from '../src/pki/certificate-info.ts'
import { readPkcs12 } from '../src/pki/pkcs12/index.ts'
import { importPrivateKey, publicKeyOf } from '../src/pki/private-key.ts'
import { startInstances, stopInstances, type ClusterInstance } from '../scripts/cluster/instances.ts'

const DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
/**
 * Keep-alive connections of the load generator (spread over the instances) and requests in flight
 * on each: 128 in all. The same offered load goes to 1 or 2 instances, and it must keep both busy:
 * an instance batches concurrent sign-ins (server/db/group-batch.ts), so its cost per sign-in
 * falls until about 64 are in flight on it (measured alone: 1153 sign-ins per CPU-s with 32 in
 * flight, 1335 with 64 or 128). With 32 in flight in all, each of 2 instances would sit at 16,
 * and the ratio (72 % then) would measure under-loaded instances, not scale-out.
 */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
const PIPELINING = Number(process.env.BENCH_PIPELINING ?? 4)
/** Pairs of 1- and 2-instance phases per operation (BENCH_ROUNDS, default 4). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4)
/** Sign-ins per phase (BENCH_SIGN_INS): about two seconds of the servers' work. */
const SIGN_INS = Number(process.env.BENCH_SIGN_INS ?? 2000)
const CLK_TCK = 100
const PUBLIC_URL = 'http://127.0.0.1:5640'
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

/** What one measured stretch of load did, and what it cost the server processes. */
interface Measured {
  readonly done: number
  readonly failed: number
  readonly wall: number
  readonly cpu: number
}

interface Phase {
  readonly done: number
  readonly failed: number
  readonly perSecond: number
  readonly perCpuSecond: number
}

function phaseOf(parts: readonly Measured[]): Phase {
  const sum = (pick: (m: Measured) => number) => parts.reduce((total, m) => total + pick(m), 0)
  const done = Math.min(...parts.map((m) => m.done))
  return { done, failed: sum((m) => m.failed), perSecond: done / sum((m) => m.wall), perCpuSecond: done / sum((m) => m.cpu) }
}

/**
 * Drives the instances with autocannon: raw keep-alive sockets, HTTP/1.1 pipelining and requests
 * encoded once, so one generator core keeps the server processes busy. A fetch-per-request
 * generator could not (it spent more CPU per request than the servers, which then idled at
 * 28–42 % of a core and paid a wake-up per request: the ratio measured idling, not scale-out).
 * The connections (and an `amount`) are split evenly over `targets`, one autocannon per target,
 * all at once. A 2xx is done; anything else (status, socket error, timeout) failed.
 *
 * With an `amount`, autocannon 9 closes a connection as soon as it has *sent* its share, so
 * pipelined answers still on the way are lost (2–50 % here, work the servers did but nobody
 * counted); such runs use one request per connection and as many connections as would be in
 * flight otherwise.
 */
async function measure(targets: readonly string[], pids: readonly number[], options: Omit<autocannon.Options, 'url'>): Promise<Measured> {
  const inFlight = CONNECTIONS * PIPELINING
  const [connections, pipelining] = options.amount ? [inFlight, 1] : [CONNECTIONS, PIPELINING]
  const cpu0 = cpuSeconds(pids)
  const t0 = performance.now()
  const results = await Promise.all(
    targets.map((url, i) => {
      const amount = options.amount ? Math.floor(options.amount / targets.length) + (i < options.amount % targets.length ? 1 : 0) : 0
      return autocannon({
        ...options,
        url,
        connections: Math.max(1, Math.min(connections / targets.length, amount || Infinity)),
        pipelining,
        timeout: 30,
        // autocannon notices the end of an `amount` at its next sample (every second by default),
        // which would count up to a second of idling as the phase's time.
        ...(amount ? { amount, sampleInt: 10 } : {}),
      })
    }),
  )
  const wall = (performance.now() - t0) / 1000
  const sum = (pick: (r: autocannon.Result) => number) => results.reduce((total, r) => total + pick(r), 0)
  return { done: sum((r) => r['2xx']), failed: sum((r) => r.non2xx + r.errors + r.timeouts), wall, cpu: cpuSeconds(pids) - cpu0 }
}

function opensslCsr(dir: string, name: string): string {
  const key = join(dir, `${name}.key`)
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key])
  return execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=BENCH', '-sha256'], { encoding: 'utf8' })
}

/** Moves every thread of `pid` to the CPUs in `list` (taskset's syntax); false without taskset. */
function setAffinity(pid: number, list: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * Keeps the load generator (this process) off the servers' cores: it on CPU 0, the instances on
 * the others (taskset, all threads). Unpinned, three busy processes on two cores time-share, and
 * the switching lands in the servers' CPU-seconds of the 2-instance phase only, which measures the
 * machine rather than the cost of a second instance. BENCH_PIN=0 leaves placement to the kernel.
 * Returns what it did, and a function that runs unmeasured generator work (signing) on every core.
 */
function pinCpus(serverPids: readonly number[]): { placement: string; unpinned: <T>(work: () => Promise<T>) => Promise<T> } {
  const cpus = availableParallelism()
  const asIs = <T>(work: () => Promise<T>) => work()
  if (cpus < 2 || process.env.BENCH_PIN === '0') return { placement: 'not pinned', unpinned: asIs }
  if (!serverPids.every((pid) => setAffinity(pid, `1-${cpus - 1}`)) || !setAffinity(process.pid, '0')) return { placement: 'not pinned (no taskset)', unpinned: asIs }
  return {
    placement: `load generator on CPU 0, instances on CPU 1${cpus > 2 ? `-${cpus - 1}` : ''}`,
    unpinned: async (work) => {
      setAffinity(process.pid, `0-${cpus - 1}`)
      try {
        return await work()
      } finally {
        setAffinity(process.pid, '0')
      }
    },
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
        PUBLIC_URL, LOG_LEVEL: 'warn', CA_KEY_ALGORITHM: 'P-256',
        RATE_LIMIT_SUBMIT: '100000', RATE_LIMIT_STATUS: '100000', RATE_LIMIT_LOOKUP: '100000',
      },
    })
    const urls = instances.map((i) => i.url)
    const pids = instances.map((i) => i.child.pid as number)
    const { placement, unpinned } = pinCpus(pids)
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

    const ocsp = async (targets: readonly string[]): Promise<Phase> =>
      phaseOf([await measure(targets, pids, { duration: SECONDS, requests: [{ method: 'POST', path: '/ocsp', headers: { 'content-type': 'application/ocsp-request' }, body: requestDer }] })])

    // A sign-in is a challenge and a login; the generator cannot sign at the servers' pace, so each
    // phase asks for `count` challenges (measured), signs them all (not measured: the servers idle),
    // then sends the logins (measured). Per server CPU-second counts both halves. Every request
    // carries one pre-login cookie, so each challenge is consumable on any instance, once.
    const prelogin = `${cookieNames(PUBLIC_URL).prelogin}=${randomToken()}`
    const signIns = async (targets: readonly string[], count: number): Promise<Phase> => {
      const payloads: string[] = []
      const challenges = await measure(targets, pids, {
        amount: count,
        requests: [{ method: 'POST', path: '/api/v1/auth/challenge', headers: { cookie: prelogin }, onResponse: (status, body) => void (status === 200 && payloads.push((JSON.parse(body) as { payload: string }).payload)) }],
      })
      const bodies = await unpinned(() =>
        Promise.all(payloads.map(async (payload) => JSON.stringify({ cms: Buffer.from(await signCms({ data: Buffer.from(payload, 'base64'), ...signIn })).toString('base64') }))),
      )
      let next = 0
      const logins = await measure(targets, pids, {
        amount: bodies.length,
        requests: [{ method: 'POST', path: '/api/v1/auth/login', headers: { cookie: prelogin, 'content-type': 'application/json' }, setupRequest: (request) => ({ ...request, body: bodies[next++] ?? '{}' }) }],
      })
      return phaseOf([challenges, logins])
    }
    const rows: string[] = []
    const operations = [
      ['OCSP answers', ocsp],
      ['sign-ins', (targets: readonly string[]) => signIns(targets, SIGN_INS)],
    ] as const
    for (const [name, op] of operations.filter(([name]) => !process.env.BENCH_ONLY || name.startsWith(process.env.BENCH_ONLY as string))) {
      // Warm-up, not counted: two full phases on each instance alone. V8 keeps getting faster
      // at the sign-in path for thousands of requests (a login cost 0.74 CPU-ms in a first phase of
      // 3000, 0.42 after three), and a colder second instance would be charged to scale-out.
      for (let w = 0; w < 2; w++) for (const url of urls) await op([url])
      // ROUNDS pairs of phases, the order alternating (1 then 2, 2 then 1, …), and the single
      // instance too, so both are as warm. One pair swings with whatever else the machine does,
      // so the ratio is the median of the pairs, and the figures per second are the means.
      const pairs: Array<{ one: Phase; two: Phase }> = []
      for (let round = 0; round < ROUNDS; round++) {
        const alone = [urls[round % urls.length] as string]
        if (round % 2 === 0) {
          const one = await op(alone)
          pairs.push({ one, two: await op(urls) })
        } else {
          const two = await op(urls)
          pairs.push({ two, one: await op(alone) })
        }
      }
      const mean = (pick: (p: { one: Phase; two: Phase }) => number) => pairs.reduce((sum, p) => sum + pick(p), 0) / pairs.length
      // Server CPU-seconds per second of load: near 1 (a core) means the servers, not the
      // generator, were the bottleneck, which is what the ratio needs.
      const busy = (pick: (p: { one: Phase; two: Phase }) => Phase) => `${(mean((p) => pick(p).perSecond / pick(p).perCpuSecond) * 100).toFixed(0)} %`
      const ratios = pairs.map((p) => p.two.perCpuSecond / p.one.perCpuSecond).sort((a, b) => a - b)
      const middle = ratios.length / 2
      const ratio = ratios.length % 2 ? (ratios[Math.floor(middle)] as number) : ((ratios[middle - 1] as number) + (ratios[middle] as number)) / 2
      const failed = pairs.reduce((sum, p) => sum + p.one.failed + p.two.failed, 0)
      rows.push(
        `${name.padEnd(13)} 1 instance: ${mean((p) => p.one.perSecond).toFixed(0).padStart(6)}/s ${mean((p) => p.one.perCpuSecond).toFixed(0).padStart(6)}/server CPU-s` +
          ` | 2 instances: ${mean((p) => p.two.perSecond).toFixed(0).padStart(6)}/s ${mean((p) => p.two.perCpuSecond).toFixed(0).padStart(6)}/server CPU-s` +
          ` | servers busy ${busy((p) => p.one)} vs ${busy((p) => p.two)} of a core` +
          ` | per CPU-s 2/1 = ${(ratio * 100).toFixed(0)} % median of ${ratios.map((r) => (r * 100).toFixed(0)).join(', ')} (target ≥ 90 %)${failed ? `, ${failed} failed` : ''}`,
      )
    }
    console.info(`cluster: ${ROUNDS} pairs of phases per operation (OCSP ${SECONDS} s, sign-ins ${SIGN_INS} each), ${CONNECTIONS * PIPELINING} requests in flight from autocannon (OCSP ${CONNECTIONS} connections × ${PIPELINING} pipelined, sign-ins ${CONNECTIONS * PIPELINING} × 1), ${placement}, PostgreSQL at ${new URL(DATABASE_URL).host}`)
    for (const row of rows) console.info(row)
  } finally {
    await stopInstances(instances)
    await admin(`drop database if exists ${dbName} with (force)`)
    rmSync(dir, { recursive: true, force: true })
  }
}
