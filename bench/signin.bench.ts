/**
 * Sign-in throughput: full verifications per second (challenge consumption, CMS parse, signature,
 * path validation, the signer's status from the database and the issuing CA's from the root CRL,
 * session + audit insert) against the raw signature verification rate of the same key type from
 * `openssl speed` on this machine, measured in the same run. Target: ≥ 20 % of the raw rate. Run
 * on embedded PGlite (the default database) and, when one answers at TEST_DATABASE_URL (default
 * 127.0.0.1:5432/test), on PostgreSQL.
 *
 * `openssl speed` divides by CPU user time (its default; `-elapsed` would use wall time), so the
 * sign-in rates are per CPU-second too: of this process, plus — on PostgreSQL — of the PostgreSQL
 * server processes (read from /proc), so work moved into the database is still counted. On a
 * shared, loaded machine wall-clock rates say more about the neighbours than about the code; wall
 * rates are printed alongside.
 */
import { execFileSync } from 'node:child_process'
import { createHash, X509Certificate } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { openDatabase } from '../server/db/database.ts'
import type { Db } from '../server/db/schema.ts'

type Engine = 'pglite' | 'postgres'
import { createChallenge } from '../server/auth/challenges.ts'
import { createLoginService } from '../server/auth/login.ts'
import { DEFAULT_SESSION_POLICY } from '../server/auth/sessions.ts'
import { randomToken } from '../server/auth/tokens.ts'
import { createSignInSetup } from '../server/auth/sign-in-setup.ts'
import { storedSerial } from '../server/auth/db-revocation.ts'
import { signCms } from '../src/pki/cms.ts'
import { parseCertificate, verifyLoginCms } from '../src/verifier/index.ts'
import { AUTH_EXTENSIONS, OpensslPki, type IssuedCert } from '../test/verifier/helpers/openssl-pki.ts'

const ORIGIN = 'https://rc.example.kz'
const TOKENS = 4000
const WARM_UP = 1000
/** Sign-ins in flight: a busy portal's login burst (group commit batches them; see server/auth/login.ts). */
const CONCURRENCY = 64

function opensslVerifyRate(alg: 'rsa2048' | 'ecdsap256'): number {
  const out = execFileSync('openssl', ['speed', '-seconds', '1', alg], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()
  const line = out.trim().split('\n').pop() ?? ''
  const nums = line.trim().split(/\s+/).map(Number).filter((n) => !Number.isNaN(n))
  return nums[nums.length - 1] ?? NaN
}

async function importKey(leaf: IssuedCert, ec: boolean): Promise<CryptoKey> {
  const pem = readFileSync(leaf.keyPath, 'utf8')
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64')
  return crypto.subtle.importKey('pkcs8', der, ec ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
}

async function register(db: Db, leaf: IssuedCert): Promise<void> {
  const x = new X509Certificate(leaf.der)
  await db
    .insertInto('certificates')
    .values({
      serial: storedSerial(parseCertificate(leaf.der)),
      application_number: null,
      purpose: 'auth',
      profile: 'individual',
      issuer: 'issuing',
      subject_dn: x.subject,
      iin: '870101300001',
      bin: null,
      not_before: new Date(x.validFrom),
      not_after: new Date(x.validTo),
      der: leaf.der,
      spki_sha256: createHash('sha256').update(x.publicKey.export({ type: 'spki', format: 'der' })).digest('hex'),
    })
    .execute()
}

async function measure(label: string, engine: Engine, db: Db, leaf: IssuedCert, issuing: Uint8Array, root: Uint8Array, rootCrl: Uint8Array, ec: boolean, raw: number): Promise<void> {
  // The issuing CA's status comes from the root CRL, as in the server (checked on every sign-in).
  const setup = createSignInSetup({ db, ownCa: { root, issuing: [issuing], rootCrl: () => rootCrl } })
  const login = createLoginService({ db, setup: async () => setup, policy: DEFAULT_SESSION_POLICY, origin: ORIGIN })
  const key = await importKey(leaf, ec)
  const tokens: Array<{ prelogin: string; nonce: string; cms: Uint8Array }> = []
  for (let i = 0; i < TOKENS; i++) {
    const prelogin = randomToken()
    const c = await createChallenge(db, prelogin, ORIGIN, new Date())
    tokens.push({ prelogin, nonce: c.nonce, cms: await signCms({ data: c.bytes, privateKey: key, certificate: leaf.der, chain: [issuing] }) })
  }
  const signIn = async (t: (typeof tokens)[number]) => {
    await login.signIn({ cms: t.cms, preloginId: t.prelogin }, new Date())
  }
  // Warm-up (JIT, parsed-certificate and link caches) on the first tokens, then time the rest
  // with CONCURRENCY sign-ins in flight, as a busy server would have them.
  const inFlight = async (list: typeof tokens) => {
    let next = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < list.length) await signIn(list[next++]!)
      }),
    )
  }
  await inFlight(tokens.splice(0, WARM_UP))
  const started = performance.now()
  const cpu0 = process.cpuUsage()
  const server0 = engine === 'postgres' ? postgresCpuSeconds() : 0
  await inFlight(tokens)
  const rate = tokens.length / ((performance.now() - started) / 1000)
  const cpu = process.cpuUsage(cpu0)
  const serverCpu = engine === 'postgres' ? postgresCpuSeconds() - server0 : 0
  const cpuRate = tokens.length / ((cpu.user + cpu.system) / 1e6 + serverCpu)

  // The verifier alone (no database), for the breakdown: the same CMS objects again.
  const good = { check: async () => ({ status: 'good' as const, source: 'bench' }) }
  const verifyOnly = async () => {
    for (const t of tokens) {
      await verifyLoginCms({ cms: t.cms, expectedOrigin: ORIGIN, expectedNonce: t.nonce, trustAnchors: setup.trust, revocation: good, signatureVerifier: setup.signatureVerifier })
    }
  }
  await verifyOnly()
  const c0 = process.cpuUsage()
  await verifyOnly()
  const vc = process.cpuUsage(c0)
  const verifierRate = tokens.length / ((vc.user + vc.system) / 1e6)
  console.info(
    `${label.padEnd(9)} ${engine.padEnd(8)} full sign-in ${cpuRate.toFixed(0).padStart(6)}/CPU-s (${rate.toFixed(0)}/s wall${engine === 'postgres' ? `, PostgreSQL ${((100 * serverCpu) / ((cpu.user + cpu.system) / 1e6 + serverCpu)).toFixed(0)} % of the CPU` : ''})  ` +
      `verifier alone ${verifierRate.toFixed(0).padStart(6)}/CPU-s  openssl speed verify ${raw.toFixed(0)}/CPU-s  ` +
      `ratio full ${((cpuRate / raw) * 100).toFixed(1)} %, verifier ${((verifierRate / raw) * 100).toFixed(1)} % (target ≥ 20 %)`,
  )
}

/** CPU seconds (user + system) used so far by every `postgres` process on this machine. */
function postgresCpuSeconds(): number {
  const ticks = 100 // USER_HZ; Linux reports /proc/<pid>/stat times in these
  let total = 0
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      if (name !== 'postgres') continue
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      total += (Number(fields[11]) + Number(fields[12])) / ticks // utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  return total
}

async function openEngine(engine: Engine): Promise<{ db: Db; close: () => Promise<void> } | undefined> {
  if (engine === 'pglite') {
    const db = await openDatabase({ dataDir: '/nonexistent', databaseUrl: undefined }, { memory: true })
    return { db, close: () => db.destroy() }
  }
  const url = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
  const schema = `bench_signin_${process.pid}`
  try {
    const db = await openDatabase({ dataDir: '/nonexistent', databaseUrl: url }, { schema, poolSize: 4 })
    return {
      db,
      close: async () => {
        await sql`drop schema ${sql.id(schema)} cascade`.execute(db)
        await db.destroy()
      },
    }
  } catch (e) {
    console.info(`PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//')} does not answer (${(e as Error).message}); PGlite figures only.`)
    return undefined
  }
}

export async function run(): Promise<void> {
  const pki = new OpensslPki()
  try {
    const root = pki.rootCa('bench-root')
    const issuing = pki.intermediateCa(root, 'bench-issuing', { pathLen: 0 })
    const rootCrl = pki.crl(root)
    const rsa = pki.issue(issuing, 'bench-rsa', { subject: '/CN=BENCH/serialNumber=IIN870101300001/C=KZ', extensions: AUTH_EXTENSIONS })
    const ec = pki.issue(issuing, 'bench-p256', { subject: '/CN=BENCH/serialNumber=IIN870101300001/C=KZ', extensions: AUTH_EXTENSIONS, keyType: 'p256' })
    const rawRsa = opensslVerifyRate('rsa2048')
    const rawEc = opensslVerifyRate('ecdsap256')
    for (const engine of ['pglite', 'postgres'] as const) {
      const opened = await openEngine(engine)
      if (!opened) continue
      try {
        await register(opened.db, rsa)
        await register(opened.db, ec)
        await measure('RSA-2048', engine, opened.db, rsa, issuing.der, root.der, rootCrl, false, rawRsa)
        await measure('P-256', engine, opened.db, ec, issuing.der, root.der, rootCrl, true, rawEc)
      } finally {
        await opened.close()
      }
    }
  } finally {
    pki.dispose()
  }
}
